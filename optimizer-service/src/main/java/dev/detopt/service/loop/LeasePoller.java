package dev.detopt.service.loop;

import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Long-polls for tasks: tries to lease, and while nothing is leasable waits for this JVM's
 * {@link LeaseSignal} (raised on local enqueues and by {@link QueueWatcher} for tasks other
 * replicas enqueued), until the caller's wait is over. Holds no database connection while waiting.
 */
@Component
public class LeasePoller {
    private final WorkerQueue queue;
    private final LeaseSignal signal;

    public LeasePoller(WorkerQueue queue, LeaseSignal signal) {
        this.queue = queue;
        this.signal = signal;
    }

    public List<TaskRepository.Lease> lease(String workerId, int max, int waitSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
        while (true) {
            long seen = signal.generation();
            List<TaskRepository.Lease> leases = queue.leaseNow(workerId, max);
            long remaining = deadline - System.nanoTime();
            if (!leases.isEmpty() || remaining <= 0) {
                return leases;
            }
            signal.awaitChange(seen, remaining);
        }
    }
}
