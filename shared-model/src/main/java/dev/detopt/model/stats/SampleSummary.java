package dev.detopt.model.stats;

/**
 * Estimates from a run of events.
 *
 * @param mean           E[y_i] estimates
 * @param meanStderr     their standard errors
 * @param secondMoment   E[y_i²] estimates
 * @param gradient       ∂E[y_i]/∂θ_j estimates, row-major (i·n + j)
 * @param gradientStderr their standard errors
 */
public record SampleSummary(SampleLayout layout, long events, double[] mean, double[] meanStderr,
                            double[] secondMoment, double[] gradient, double[] gradientStderr) {
    public double gradient(int observable, int parameter) {
        return gradient[observable * layout.parameters() + parameter];
    }

    public double gradientStderr(int observable, int parameter) {
        return gradientStderr[observable * layout.parameters() + parameter];
    }
}
