package dev.detopt.service.queue;

import java.time.Instant;

/** One registered worker as the fleet view shows it; {@code leases}: the leases it holds now. */
public record WorkerRow(String id, String host, String pod, String node, Integer threads, Instant registeredAt,
                        Instant startedAt, Instant lastSeenAt, int restarts, int preemptions, int leaseExpiries,
                        int failures, long completions, long leases) {
}
