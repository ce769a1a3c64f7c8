package dev.detopt.model.sim;

import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.stats.EventSample;
import dev.detopt.model.stats.SampleAccumulator;
import dev.detopt.model.stats.SampleLayout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Simulates a range of events of one step on several threads. Work proceeds in chunks; between
 * chunks the statistics cover exactly the events [from, nextEvent), which is the resumable state a
 * checkpoint stores. Sums are exact, so the result is bit-identical for any thread count, chunk
 * size, or sequence of checkpoints and resumptions.
 */
public final class BatchRunner implements AutoCloseable {
    private final RandomStreams streams;
    private final long step;
    private final int threads;
    private final SampleLayout layout;
    private final List<EventEvaluator> evaluators = new ArrayList<>();
    private final ExecutorService pool;

    public BatchRunner(Simulator simulator, DesignPoint point, EstimatorSettings estimator,
                       RandomStreams streams, long step, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        this.streams = streams;
        this.step = step;
        this.threads = threads;
        for (int t = 0; t < threads; t++) {
            evaluators.add(simulator.evaluator(point, estimator));
        }
        this.layout = evaluators.getFirst().layout();
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "detopt-sim");
            thread.setDaemon(true);
            return thread;
        });
    }

    public SampleLayout layout() {
        return layout;
    }

    /** Progress of a batch: statistics of the events [from, nextEvent). */
    public record Progress(long nextEvent, SampleAccumulator statistics) {
    }

    /** Receives the progress after each chunk (e.g. to write a checkpoint). */
    @FunctionalInterface
    public interface ChunkListener {
        void afterChunk(Progress progress);
    }

    /** Simulates [from, to) from scratch. */
    public SampleAccumulator run(long from, long to) {
        return run(new Progress(from, new SampleAccumulator(layout)), to, 256, p -> { }, () -> false).statistics();
    }

    /**
     * Continues from {@code start} up to event {@code to}, in chunks of {@code chunkSize} events,
     * stopping early (at a chunk boundary) when {@code stopRequested} says so.
     */
    public Progress run(Progress start, long to, int chunkSize, ChunkListener listener, BooleanSupplier stopRequested) {
        if (!start.statistics().layout().equals(layout)) {
            throw new IllegalArgumentException("resumed statistics have layout " + start.statistics().layout()
                    + " but this run produces " + layout);
        }
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be at least 1");
        }
        SampleAccumulator total = start.statistics();
        long next = start.nextEvent();
        while (next < to && !stopRequested.getAsBoolean()) {
            long chunkEnd = Math.min(to, next + chunkSize);
            simulateChunk(next, chunkEnd, total);
            next = chunkEnd;
            listener.afterChunk(new Progress(next, total));
        }
        return new Progress(next, total);
    }

    private void simulateChunk(long from, long to, SampleAccumulator total) {
        if (evaluators.getFirst() instanceof RangeEvaluator) {
            simulateRanges(from, to, total);
            return;
        }
        if (pool == null) {
            simulateRange(evaluators.getFirst(), new AtomicLong(from), to, total);
            return;
        }
        AtomicLong cursor = new AtomicLong(from);
        List<Future<SampleAccumulator>> parts = new ArrayList<>();
        for (EventEvaluator evaluator : evaluators) {
            parts.add(pool.submit(() -> {
                SampleAccumulator part = new SampleAccumulator(layout);
                simulateRange(evaluator, cursor, to, part);
                return part;
            }));
        }
        collect(parts, total);
    }

    private static void collect(List<Future<SampleAccumulator>> parts, SampleAccumulator total) {
        for (Future<SampleAccumulator> part : parts) {
            try {
                total.merge(part.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while simulating", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException("simulation failed", e.getCause());
            }
        }
    }

    /** Range evaluators: one contiguous part of the chunk per thread. */
    private void simulateRanges(long from, long to, SampleAccumulator total) {
        long events = to - from;
        int parts = (int) Math.min(threads, events);
        if (pool == null || parts <= 1) {
            ((RangeEvaluator) evaluators.getFirst()).evaluateRange(streams, step, from, to, total);
            return;
        }
        List<Future<SampleAccumulator>> futures = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            RangeEvaluator evaluator = (RangeEvaluator) evaluators.get(p);
            long partFrom = from + events * p / parts;
            long partTo = from + events * (p + 1) / parts;
            futures.add(pool.submit(() -> {
                SampleAccumulator part = new SampleAccumulator(layout);
                evaluator.evaluateRange(streams, step, partFrom, partTo, part);
                return part;
            }));
        }
        collect(futures, total);
    }

    private void simulateRange(EventEvaluator evaluator, AtomicLong cursor, long to, SampleAccumulator into) {
        EventSample sample = new EventSample(layout);
        for (long event = cursor.getAndIncrement(); event < to; event = cursor.getAndIncrement()) {
            sample.clear();
            evaluator.evaluate(streams.event(step, event), sample);
            into.add(sample);
        }
    }

    public int threads() {
        return threads;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
