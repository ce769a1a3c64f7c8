package dev.detopt.service.loop;

import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Long-polls for tasks: tries to lease, and while nothing is leasable waits for this JVM's
 * {@link LeaseSignal} or the re-poll interval (which finds tasks other replicas enqueued), until
 * the caller's wait is over. Holds no database connection while waiting.
 */
@Component
public class LeasePoller {
    private final WorkerQueue queue;
    private final LeaseSignal signal;
    private final LoopProperties properties;

    public LeasePoller(WorkerQueue queue, LeaseSignal signal, LoopProperties properties) {
        this.queue = queue;
        this.signal = signal;
        this.properties = properties;
    }

    public List<TaskRepository.Lease> lease(String workerId, int max, int waitSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
        long pollNanos = properties.pollInterval().toNanos();
        while (true) {
            long seen = signal.generation();
            List<TaskRepository.Lease> leases = queue.leaseNow(workerId, max);
            long remaining = deadline - System.nanoTime();
            if (!leases.isEmpty() || remaining <= 0) {
                return leases;
            }
            signal.awaitChange(seen, Math.min(remaining, pollNanos));
        }
    }
}
