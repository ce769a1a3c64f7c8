package dev.detopt.worker;

import dev.detopt.model.study.contract.BatchTask;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses how many events a chunk holds so that one chunk takes about {@link #TARGET_NANOS}.
 * Chunks are where the worker can stop (preemption must stop simulating within 2 s) and where it
 * may checkpoint, so they must be short; but each chunk ends with a join of all threads, so they
 * must not be tiny either. The time per event is learnt per simulator configuration and estimator
 * and carried across tasks. Chunk sizes do not change results (sums are exact).
 */
final class ChunkPlanner {
    static final long TARGET_NANOS = 250_000_000L;
    /** Re-plan a running batch when a chunk is this far from the target either way. */
    static final double OFF_TARGET_FACTOR = 4.0;
    private static final int MAX_CHUNK = 1 << 20;
    private static final double SMOOTHING = 0.3;

    private final int threads;
    private final Map<String, Double> nanosPerEvent = new ConcurrentHashMap<>();

    ChunkPlanner(int threads) {
        this.threads = threads;
    }

    static String kindOf(BatchTask task) {
        return task.simulator() + '|' + task.estimator().kind() + '|' + task.simulatorConfig();
    }

    /** Events for the next chunk; a few events per thread while nothing is known yet. */
    int chunkEvents(String kind) {
        Double perEvent = nanosPerEvent.get(kind);
        if (perEvent == null) {
            return threads * 4;
        }
        double events = TARGET_NANOS / Math.max(perEvent, 1.0);
        return (int) Math.max(threads, Math.min(MAX_CHUNK, events));
    }

    /** Records a finished chunk (wall time of {@code events} events on all threads). */
    void observe(String kind, long events, long nanos) {
        if (events <= 0 || nanos <= 0) {
            return;
        }
        double sample = (double) nanos / events;
        nanosPerEvent.merge(kind, sample, (old, fresh) -> old + SMOOTHING * (fresh - old));
    }

    /** True when a chunk of {@code chunkEvents} took far more or far less than the target. */
    static boolean offTarget(long chunkNanos, int chunkEvents) {
        return chunkNanos > TARGET_NANOS * OFF_TARGET_FACTOR
                || (chunkNanos < TARGET_NANOS / OFF_TARGET_FACTOR && chunkEvents < MAX_CHUNK);
    }
}
