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
 */
public record CheckpointReport(UUID leaseToken, String key, Long nextEvent, String sha256) {
}
