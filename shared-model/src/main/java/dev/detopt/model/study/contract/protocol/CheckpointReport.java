package dev.detopt.model.study.contract.protocol;

import java.util.UUID;

/**
 * {@code POST /api/v1/workers/{id}/tasks/{taskId}/checkpoint}: a checkpoint of the running attempt
 * is stored; a later attempt resumes from it (it becomes that lease's {@link LeaseGrant#resumeKey()}).
 *
 * @param leaseToken the current lease
 * @param key        object key of the stored checkpoint
 * @param nextEvent  the event the checkpoint resumes at
 * @param sha256     SHA-256 (hex) of the checkpoint document, or null
 * @param cpuSeconds CPU seconds this attempt had used when the checkpoint's progress was taken, or
 *                   null; a later attempt that resumes from it keeps that work, so it is not lost
 */
public record CheckpointReport(UUID leaseToken, String key, Long nextEvent, String sha256, Double cpuSeconds) {

    public CheckpointReport(UUID leaseToken, String key, Long nextEvent, String sha256) {
        this(leaseToken, key, nextEvent, sha256, null);
    }
}
