package dev.detopt.model.study.objective;

import dev.detopt.model.stats.SampleSummary;

/**
 * Relative energy resolution R = √(E[V²] − E[V]²) / E[V] of a visible-energy observable V, from
 * the observables V and V² (the simulator reports V² per event so that ∂E[V²]/∂θ is estimated too).
 *
 * <p>Standard errors: the value's is the large-sample error of a ratio σ/μ for near-Gaussian V,
 * R·√(1/(2(N−1)) + R²/N); it underestimates for heavy-tailed V (leakage), since the exact error
 * needs E[V³], which the statistics do not carry. The gradient's uses the delta method over the entries of ∂E[V]/∂θ and
 * ∂E[V²]/∂θ as if uncorrelated; they are strongly positively correlated per event and enter with
 * opposite signs, so this is an upper bound (often several times the true error).
 */
public final class EnergyResolutionObjective implements Objective {
    private final int visible;
    private final int visibleSquared;

    public EnergyResolutionObjective(int visible, int visibleSquared) {
        this.visible = visible;
        this.visibleSquared = visibleSquared;
    }

    @Override
    public Evaluation evaluate(SampleSummary summary) {
        int n = summary.layout().parameters();
        double m = summary.mean()[visible];
        double q = summary.mean()[visibleSquared];
        double variance = q - m * m;
        double sd = Math.sqrt(variance); // NaN when rounding makes the variance negative: reported, not hidden
        double value = sd / m;
        double dQ = 1 / (2 * sd * m);
        double dM = -1 / sd - sd / (m * m);
        // V and V² are almost perfectly correlated, so the uncorrelated delta method would inflate the
        // value's error many times; use the large-sample error of σ/μ for near-Gaussian V instead.
        double events = summary.events();
        double valueStderr = value * Math.sqrt(1 / (2 * (events - 1)) + value * value / events);
        double[] gradient = new double[n];
        double[] gradientStderr = new double[n];
        for (int j = 0; j < n; j++) {
            gradient[j] = dQ * summary.gradient(visibleSquared, j) + dM * summary.gradient(visible, j);
            gradientStderr[j] = Math.sqrt(square(dQ * summary.gradientStderr(visibleSquared, j))
                    + square(dM * summary.gradientStderr(visible, j)));
        }
        return new Evaluation(value, valueStderr, gradient, gradientStderr);
    }

    private static double square(double x) {
        return x * x;
    }
}
