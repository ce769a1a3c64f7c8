package dev.detopt.model.study.objective;

import dev.detopt.model.stats.SampleSummary;

/**
 * A physics objective as a function of expected observables. Its gradient is composed by the chain
 * rule from the batch statistics' estimates of E[y_i] and ∂E[y_i]/∂θ_j.
 *
 * <p>Standard errors use the delta method with the per-entry standard errors of the means and
 * of the gradient estimates, treating different observables (and a mean and its gradient) as
 * uncorrelated. This is an approximation: it ignores cross-observable covariance, e.g. between
 * neighbouring layer deposits of one shower.
 */
public interface Objective {
    /**
     * @param summary statistics of one step: means and gradients over the differentiated parameters
     */
    Evaluation evaluate(SampleSummary summary);

    /**
     * @param value          objective value
     * @param valueStderr    its standard error
     * @param gradient       ∂objective/∂θ_j for each differentiated parameter j
     * @param gradientStderr their standard errors
     */
    record Evaluation(double value, double valueStderr, double[] gradient, double[] gradientStderr) {
    }
}
