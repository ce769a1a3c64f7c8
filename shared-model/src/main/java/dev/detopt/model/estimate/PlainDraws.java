package dev.detopt.model.estimate;

import java.util.random.RandomGenerator;

/** Draws from one stream and ignores derivatives: the context of primal and pathwise runs. */
final class PlainDraws implements RandomContext {
    RandomGenerator random;

    @Override
    public double uniform() {
        return random.nextDouble();
    }

    @Override
    public boolean bernoulli(double p, double dp) {
        return random.nextDouble() > 1 - p;
    }
}
