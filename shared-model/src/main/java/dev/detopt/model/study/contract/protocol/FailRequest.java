package dev.detopt.model.study.contract.protocol;

import java.util.UUID;

/**
 * {@code POST /api/v1/workers/{id}/tasks/{taskId}/fail}: the attempt failed (requeued until the
 * study's failure limit), or was preempted (requeued, not counted as a failure).
 *
 * @param leaseToken the current lease
 * @param reason     what went wrong (at most {@link WorkerApiLimits#MAX_REASON_LENGTH} characters)
 * @param preempted  true: a preemption, not a failure
 */
public record FailRequest(UUID leaseToken, String reason, Boolean preempted) {
}
