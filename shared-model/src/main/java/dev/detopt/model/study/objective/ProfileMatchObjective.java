package dev.detopt.model.study.objective;

import dev.detopt.model.stats.SampleSummary;

/** Σ_i w_i (E[y_i] − t_i)², the profile match of science.md §5. */
public final class ProfileMatchObjective implements Objective {
    private final int[] observables;
    private final double[] weights;
    private final double[] target;

    /**
     * @param observables indices of y_i among the simulator's observables
     * @param weights     w_i
     * @param target      t_i
     */
    public ProfileMatchObjective(int[] observables, double[] weights, double[] target) {
        if (weights.length != observables.length || target.length != observables.length) {
            throw new IllegalArgumentException("need one weight and one target per observable: " + observables.length
                    + " observables, " + weights.length + " weights, " + target.length + " targets");
        }
        this.observables = observables.clone();
        this.weights = weights.clone();
        this.target = target.clone();
    }

    @Override
    public Evaluation evaluate(SampleSummary summary) {
        int n = summary.layout().parameters();
        double value = 0;
        double valueVariance = 0;
        double[] gradient = new double[n];
        double[] gradientVariance = new double[n];
        for (int k = 0; k < observables.length; k++) {
            int i = observables[k];
            double mean = summary.mean()[i];
            double meanStderr = summary.meanStderr()[i];
            double residual = mean - target[k];
            double slope = 2 * weights[k] * residual; // ∂value/∂E[y_i]
            value += weights[k] * residual * residual;
            valueVariance += slope * slope * meanStderr * meanStderr;
            for (int j = 0; j < n; j++) {
                double g = summary.gradient(i, j);
                double gStderr = summary.gradientStderr(i, j);
                gradient[j] += slope * g;
                double curvature = 2 * weights[k] * g; // ∂(slope·g)/∂E[y_i]
                gradientVariance[j] += slope * slope * gStderr * gStderr + curvature * curvature * meanStderr * meanStderr;
            }
        }
        return new Evaluation(value, Math.sqrt(valueVariance), gradient, sqrtAll(gradientVariance));
    }

    static double[] sqrtAll(double[] variances) {
        double[] out = new double[variances.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = Math.sqrt(variances[j]);
        }
        return out;
    }
}
