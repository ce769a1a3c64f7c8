package dev.detopt.service.queue;

import java.time.Instant;
import java.util.UUID;

/**
 * A lease just granted, as the task table returns it; the web layer turns it into the protocol's
 * {@code LeaseGrant}. {@code resumeKey}: the newest checkpoint an earlier attempt reported (null: none).
 */
public record Lease(long taskId, UUID studyId, int step, int batchIndex, UUID leaseToken, Instant leaseExpiresAt,
                    int attempt, String resumeKey, String taskJson) {
}
