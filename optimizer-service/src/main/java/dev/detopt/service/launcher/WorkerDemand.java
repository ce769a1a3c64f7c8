package dev.detopt.service.launcher;

import java.util.Set;

/**
 * How much work waits for workers: the hook the launchers scale by. {@link TaskTableDemand}
 * provides the bean from the task table (the same counts as {@code GET /api/v1/workers/queue});
 * without one the Kubernetes launcher keeps its minimum replicas.
 */
@FunctionalInterface
public interface WorkerDemand {

    Demand current();

    /**
     * @param queued      tasks waiting for a lease
     * @param leased      tasks leased and not finished
     * @param busyWorkers the workers holding those leases, by pod name where the worker registered
     *                    one (Kubernetes) and by worker id otherwise ({@code local-<i>}): scale-down
     *                    stops the others first
     */
    record Demand(long queued, long leased, Set<String> busyWorkers) {
        public Demand {
            busyWorkers = Set.copyOf(busyWorkers);
        }

        /** Demand without knowing who holds the leases. */
        public Demand(long queued, long leased) {
            this(queued, leased, Set.of());
        }

        public long outstanding() {
            return queued + leased;
        }
    }
}
