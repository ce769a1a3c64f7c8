package dev.detopt.service.launcher;

import java.util.Set;

/**
 * How much work waits for workers: the hook the launchers scale by. The task queue (issue 6)
 * provides the bean, backed by the same query as {@code GET /api/v1/workers/queue}; without one
 * the Kubernetes launcher keeps its minimum replicas.
 */
@FunctionalInterface
public interface WorkQueue {

    Counts counts();

    /**
     * @param queued      tasks waiting for a lease
     * @param leased      tasks leased and not finished
     * @param busyWorkers the workers holding those leases, by pod name where the worker registered
     *                    one (Kubernetes) and by worker id otherwise ({@code local-<i>}): scale-down
     *                    stops the others first
     */
    record Counts(long queued, long leased, Set<String> busyWorkers) {
        public Counts {
            busyWorkers = Set.copyOf(busyWorkers);
        }

        /** Counts without knowing who holds the leases. */
        public Counts(long queued, long leased) {
            this(queued, leased, Set.of());
        }

        public long outstanding() {
            return queued + leased;
        }
    }
}
