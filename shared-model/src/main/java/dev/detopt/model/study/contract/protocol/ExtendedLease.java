package dev.detopt.model.study.contract.protocol;

import java.time.Instant;

/** A lease a heartbeat extended, now until {@code leaseExpiresAt}. */
public record ExtendedLease(long taskId, Instant leaseExpiresAt) {
}
