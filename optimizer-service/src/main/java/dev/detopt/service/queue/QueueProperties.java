package dev.detopt.service.queue;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the task queue and the optimization loop ({@code detopt.loop.*}, e.g.
 * {@code DETOPT_LOOP_LEASE_SECONDS}).
 *
 * @param leaseSeconds        how long a lease lasts without a heartbeat
 * @param heartbeatSeconds    how often workers are asked to heartbeat (well below the lease)
 * @param maxAttempts         reported failures of one task that end its study as FAILED
 * @param sweepInterval       how often expired leases are requeued
 * @param pollInterval        while lease requests wait, how often this JVM looks for leasable
 *                            tasks enqueued by another replica; tasks enqueued here wake
 *                            waiters at once
 * @param maxWaitSeconds      longest long-poll a lease request may ask for
 * @param maxTasksPerLease    most tasks one lease request may take
 */
@ConfigurationProperties("detopt.loop")
public record QueueProperties(
        @DefaultValue("30") int leaseSeconds,
        @DefaultValue("10") int heartbeatSeconds,
        @DefaultValue("3") int maxAttempts,
        @DefaultValue("1s") Duration sweepInterval,
        @DefaultValue("250ms") Duration pollInterval,
        @DefaultValue("60") int maxWaitSeconds,
        @DefaultValue("64") int maxTasksPerLease) {
}
