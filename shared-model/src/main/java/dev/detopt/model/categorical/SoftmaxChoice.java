package dev.detopt.model.categorical;

import dev.detopt.model.random.EventRandomness;
import dev.detopt.model.random.StreamPurpose;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A categorical design parameter at given logits: p_k = exp(l_k) / Σ_j exp(l_j). The logits are what
 * the optimizer moves; an event draws its choice from its own stream, so its choice depends only on
 * (study seed, step, event index) and never on the batch or worker that simulates it.
 */
public final class SoftmaxChoice {
    private final List<String> choices;
    private final double[] logits;
    private final double[] probabilities;

    public SoftmaxChoice(List<String> choices, double[] logits) {
        if (choices.isEmpty() || choices.size() != logits.length) {
            throw new IllegalArgumentException("need one logit per choice, and at least one choice");
        }
        this.choices = List.copyOf(choices);
        this.logits = logits.clone();
        this.probabilities = softmax(this.logits);
    }

    /** Softmax shifted by the largest logit, so large logits do not overflow. */
    static double[] softmax(double[] logits) {
        double max = Arrays.stream(logits).max().orElseThrow();
        double[] p = new double[logits.length];
        double total = 0;
        for (int k = 0; k < logits.length; k++) {
            p[k] = StrictMath.exp(logits[k] - max); // StrictMath: the worker and the engine must agree bit for bit
            total += p[k];
        }
        for (int k = 0; k < p.length; k++) {
            p[k] /= total;
        }
        return p;
    }

    public List<String> choices() {
        return choices;
    }

    public double[] logits() {
        return logits.clone();
    }

    public double[] probabilities() {
        return probabilities.clone();
    }

    public double probability(int k) {
        return probabilities[k];
    }

    /** The final design: the most probable choice (the first one on a tie). */
    public int mostProbable() {
        int best = 0;
        for (int k = 1; k < probabilities.length; k++) {
            if (probabilities[k] > probabilities[best]) {
                best = k;
            }
        }
        return best;
    }

    /** Inverse-CDF draw from one uniform number of the stream. */
    public int sample(RandomGenerator random) {
        double u = random.nextDouble();
        double cumulative = 0;
        for (int k = 0; k < probabilities.length - 1; k++) {
            cumulative += probabilities[k];
            if (u < cumulative) {
                return k;
            }
        }
        return probabilities.length - 1;
    }

    /** The event's choice for categorical parameter number {@code parameterIndex}. */
    public int sample(EventRandomness event, int parameterIndex) {
        return sample(event.stream(StreamPurpose.CATEGORICAL, parameterIndex));
    }

    /**
     * Expected value Σ p_k v_k of per-choice values (e.g. the cost of each material) and its exact
     * logit gradient ∂/∂l_k = p_k (v_k − Σ_j p_j v_j), written into {@code gradientOut}.
     */
    public double expectation(double[] perChoice, double[] gradientOut) {
        double mean = 0;
        for (int k = 0; k < perChoice.length; k++) {
            mean += probabilities[k] * perChoice[k];
        }
        for (int k = 0; k < perChoice.length; k++) {
            gradientOut[k] = probabilities[k] * (perChoice[k] - mean);
        }
        return mean;
    }
}
