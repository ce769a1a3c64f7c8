package dev.detopt.service.launcher;

/**
 * How much work waits for workers: the hook the launchers scale by. The task queue (issue 6)
 * provides the bean, backed by the same query as {@code GET /api/v1/workers/queue}; without one
 * the Kubernetes launcher keeps its minimum replicas.
 */
@FunctionalInterface
public interface WorkQueue {

    Counts counts();

    /** @param queued tasks waiting for a lease; @param leased tasks leased and not finished */
    record Counts(long queued, long leased) {
        public long outstanding() {
            return queued + leased;
        }
    }
}
