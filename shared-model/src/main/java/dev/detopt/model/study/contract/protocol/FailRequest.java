package dev.detopt.model.study.contract.protocol;

import java.util.UUID;

/**
 * {@code POST /api/v1/workers/{id}/tasks/{taskId}/fail}: the attempt failed (requeued until the
 * study's failure limit), or was preempted (requeued, not counted as a failure).
 *
 * @param leaseToken the current lease
 * @param reason     what went wrong (at most {@link WorkerApiLimits#MAX_REASON_LENGTH} characters)
 * @param preempted  true: a preemption, not a failure
 * @param exception  the exception's class name, when a Java exception ended the attempt (at most
 *                   {@link WorkerApiLimits#MAX_TEXT_LENGTH} characters)
 * @param exitCode   the exit code of the simulator program, when one ended the attempt
 * @param stderrTail the last lines of the program's standard error (at most
 *                   {@link WorkerApiLimits#MAX_STDERR_TAIL_LENGTH} characters)
 * @param cpuSeconds CPU seconds the attempt used (null: not measured)
 */
public record FailRequest(UUID leaseToken, String reason, Boolean preempted, String exception, Integer exitCode,
                          String stderrTail, Double cpuSeconds) {

    public FailRequest(UUID leaseToken, String reason, Boolean preempted) {
        this(leaseToken, reason, preempted, null, null, null, null);
    }
}
