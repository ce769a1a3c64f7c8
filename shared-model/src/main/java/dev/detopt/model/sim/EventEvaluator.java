package dev.detopt.model.sim;

import dev.detopt.model.random.EventRandomness;
import dev.detopt.model.stats.EventSample;
import dev.detopt.model.stats.SampleLayout;

/** Simulates single events under one estimator at one design point. Thread-confined. */
public interface EventEvaluator {
    SampleLayout layout();

    /** Simulates the event whose streams are given and writes its sample into {@code out}. */
    void evaluate(EventRandomness randomness, EventSample out);
}
