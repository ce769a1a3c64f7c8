package dev.detopt.service.queue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Long-polls for tasks: tries to lease, and while nothing is leasable waits for this JVM's
 * {@link LeaseSignal} (raised on local enqueues and by {@link QueueWatcher} for tasks other
 * replicas enqueued), until the caller's wait is over. Holds no database connection while waiting.
 */
@Component
public class LeasePoller {
    private final TaskQueue queue;
    private final LeaseSignal signal;
    /** Long-polls waiting in this JVM, by worker id. */
    private final Map<String, Set<Poll>> polls = new ConcurrentHashMap<>();

    /** One waiting lease request; cancelled when its worker releases everything it holds. */
    private static final class Poll {
        volatile boolean cancelled;
    }

    public LeasePoller(TaskQueue queue, LeaseSignal signal) {
        this.queue = queue;
        this.signal = signal;
    }

    public List<Lease> lease(String workerId, int max, int waitSeconds) throws InterruptedException {
        return lease(workerId, max, waitSeconds, SimulatorScope.ALL);
    }

    /** Long-polls for tasks of the simulators in {@code scope}. */
    public List<Lease> lease(String workerId, int max, int waitSeconds, SimulatorScope scope) throws InterruptedException {
        long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
        Poll poll = new Poll();
        polls.computeIfAbsent(workerId, id -> ConcurrentHashMap.newKeySet()).add(poll);
        try {
            while (!poll.cancelled) {
                long seen = signal.generation();
                List<Lease> leases = queue.leaseNow(workerId, max, scope);
                if (poll.cancelled) {
                    // The worker released everything while this lease was being taken: hand it back.
                    if (!leases.isEmpty()) {
                        queue.releaseUndelivered(workerId, leases);
                    }
                    return List.of();
                }
                long remaining = deadline - System.nanoTime();
                if (!leases.isEmpty() || remaining <= 0) {
                    return leases;
                }
                signal.awaitChange(seen, remaining);
            }
            return List.of();
        } finally {
            polls.computeIfPresent(workerId, (id, set) -> {
                set.remove(poll);
                return set.isEmpty() ? null : set;
            });
        }
    }

    /**
     * Ends the worker's long-polls waiting in this JVM with an empty answer. A poll that is taking
     * leases at this moment hands them back itself; the caller then releases what the worker
     * holds, which covers leases committed before the cancellation was seen.
     */
    public void cancelWaiting(String workerId) {
        Set<Poll> waiting = polls.get(workerId);
        if (waiting == null) {
            return;
        }
        for (Poll poll : waiting) {
            poll.cancelled = true;
        }
        signal.signal();
    }
}
