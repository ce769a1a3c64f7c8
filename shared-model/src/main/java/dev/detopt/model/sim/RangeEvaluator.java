package dev.detopt.model.sim;

import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.stats.SampleAccumulator;

/**
 * An evaluator that simulates a contiguous range of events in one go (an external program answers
 * a whole request at once). {@link BatchRunner} gives each thread's evaluator one contiguous part of
 * a chunk; the statistics are exact sums, so the split does not change a bit.
 */
public interface RangeEvaluator extends EventEvaluator {
    /** Simulates events [from, to) of {@code step} and adds their samples to {@code into}. */
    void evaluateRange(RandomStreams streams, long step, long from, long to, SampleAccumulator into);
}
