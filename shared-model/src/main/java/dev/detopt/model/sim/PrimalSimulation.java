package dev.detopt.model.sim;

import java.util.random.RandomGenerator;

/** Plain (no derivatives) simulation of one event, used by finite differences. Thread-confined. */
@FunctionalInterface
public interface PrimalSimulation {
    /** Simulates one event at parameters {@code theta} (all parameters) writing the observables. */
    void simulate(double[] theta, RandomGenerator random, double[] observablesOut);
}
