package dev.detopt.model.categorical;

import dev.detopt.model.stats.ExactSum;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Exact per-choice sums of one observable y for the score-function gradient of a categorical
 * parameter: events n_k, Σy and Σy² over the events that drew choice k. Exact sums make any split
 * into batches, threads or checkpoints give bit-identical sums, and the gradient is computed from
 * them only.
 *
 * <p>With the score ∂ log p(c)/∂l_k = 1[c=k] − p_k and the leave-one-out baseline
 * b_i = (Y − y_i)/(N − 1) (Y = Σ y), the estimator (1/N) Σ_i (y_i − b_i)(1[c_i=k] − p_k) is unbiased
 * for ∂E[y]/∂l_k = p_k(μ_k − Σ_j p_j μ_j) since b_i is independent of event i; summed, it is
 * (N S_k − p_k N Y − Y n_k + p_k N Y)/(N(N − 1)) = (N S_k − Y n_k)/(N(N − 1)), with S_k = Σ_{c_i=k} y_i.
 */
public final class ScoreFunctionSums {
    private final long[] counts;
    private final ExactSum[] sums;
    private final ExactSum[] squares;

    public ScoreFunctionSums(int choices) {
        counts = new long[choices];
        sums = new ExactSum[choices];
        squares = new ExactSum[choices];
        for (int k = 0; k < choices; k++) {
            sums[k] = new ExactSum();
            squares[k] = new ExactSum();
        }
    }

    public int choices() {
        return counts.length;
    }

    /** One event that drew {@code choice} and observed y. */
    public void add(int choice, double y) {
        counts[choice]++;
        sums[choice].add(y);
        squares[choice].add(y * y);
    }

    /** Merges another batch's sums (exact: the merge order does not matter). */
    public void add(ScoreFunctionSums other) {
        if (other.choices() != choices()) {
            throw new IllegalArgumentException("different numbers of choices");
        }
        for (int k = 0; k < counts.length; k++) {
            counts[k] += other.counts[k];
            sums[k].add(other.sums[k]);
            squares[k].add(other.squares[k]);
        }
    }

    public long events() {
        return Arrays.stream(counts).sum();
    }

    public long count(int choice) {
        return counts[choice];
    }

    /** Mean of y over all events. */
    public double mean() {
        ExactSum total = new ExactSum();
        for (ExactSum s : sums) {
            total.add(s);
        }
        return total.value() / events();
    }

    /**
     * The logit gradient of E[y] and its standard errors at the probabilities the events were drawn
     * from. Needs at least two events.
     */
    public Gradient gradient(double[] probabilities) {
        long n = events();
        if (n < 2) {
            throw new IllegalStateException("the score-function gradient needs at least two events");
        }
        ExactSum totalSum = new ExactSum();
        ExactSum totalSquares = new ExactSum();
        for (int k = 0; k < counts.length; k++) {
            totalSum.add(sums[k]);
            totalSquares.add(squares[k]);
        }
        double y = totalSum.value();
        double mean = y / n;
        double[] estimate = new double[counts.length];
        double[] standardError = new double[counts.length];
        for (int k = 0; k < counts.length; k++) {
            double sk = sums[k].value();
            estimate[k] = ((double) n * sk - y * counts[k]) / ((double) n * (n - 1));
            // spread of the per-event terms u_i = (y_i − ȳ)(1[c_i=k] − p_k), from the same sums
            double insideSquares = squares[k].value() - 2 * mean * sk + counts[k] * mean * mean;
            double allSquares = totalSquares.value() - 2 * mean * y + n * mean * mean;
            double outsideSquares = allSquares - insideSquares;
            double p = probabilities[k];
            double termSquares = insideSquares * (1 - p) * (1 - p) + outsideSquares * p * p;
            double termMean = estimate[k];
            double variance = Math.max(0, (termSquares - n * termMean * termMean) / (n - 1));
            standardError[k] = Math.sqrt(variance / n);
        }
        return new Gradient(estimate, standardError);
    }

    /** Serial form for checkpoints: counts and the canonical exact-sum states, per choice. */
    public State state() {
        ExactSum.State[] sumStates = new ExactSum.State[counts.length];
        ExactSum.State[] squareStates = new ExactSum.State[counts.length];
        for (int k = 0; k < counts.length; k++) {
            sumStates[k] = sums[k].state();
            squareStates[k] = squares[k].state();
        }
        return new State(counts.clone(), List.of(sumStates), List.of(squareStates));
    }

    /** Restores sums identical to those {@link #state} was taken from. */
    public static ScoreFunctionSums fromState(State state) {
        int choices = state.counts().length;
        if (state.sums().size() != choices || state.squares().size() != choices) {
            throw new IllegalArgumentException("score-function state needs counts, sums and squares for every choice");
        }
        ScoreFunctionSums restored = new ScoreFunctionSums(choices);
        for (int k = 0; k < choices; k++) {
            if (state.counts()[k] < 0) {
                throw new IllegalArgumentException("score-function state has a negative count");
            }
            restored.counts[k] = state.counts()[k];
            restored.sums[k] = ExactSum.fromState(state.sums().get(k));
            restored.squares[k] = ExactSum.fromState(state.squares().get(k));
        }
        return restored;
    }

    /** Checkpoint form of {@link ScoreFunctionSums}. */
    public record State(long[] counts, List<ExactSum.State> sums, List<ExactSum.State> squares) {
        @Override
        public boolean equals(Object o) {
            return o instanceof State other && Arrays.equals(counts, other.counts) && sums.equals(other.sums)
                    && squares.equals(other.squares);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(counts), sums, squares);
        }
    }

    /** ∂E[y]/∂l_k estimates and their standard errors. */
    public record Gradient(double[] estimate, double[] standardError) {
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoreFunctionSums other && Arrays.equals(counts, other.counts)
                && Arrays.equals(sums, other.sums) && Arrays.equals(squares, other.squares);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(counts), Arrays.hashCode(sums));
    }
}
