package dev.detopt.model.sim;

import java.util.random.RandomGenerator;

/**
 * The surrogate estimator's per-event designs θ_i = θ + δ_i with δ_i = ±σ∘ξ: ξ_j uniform on
 * [−√3, √3] (mean 0, variance 1, bounded so a design never leaves θ ± √3σ), drawn from the stream
 * of the event pair's even member; the odd member takes −σ∘ξ (antithetic pairs), which makes Σδ
 * and all odd moments of a complete pair vanish, so curvature does not leak into the slopes.
 */
public final class SurrogateDesigns {
    /** Half-width of the uniform ξ in units of σ: √3 gives unit variance. */
    public static final double HALF_WIDTH = Math.sqrt(3.0);

    private SurrogateDesigns() {
    }

    /**
     * Writes the displacement δ_k of each differentiated parameter k (σ of simulator parameter
     * {@code differentiated[k]}) into {@code delta}.
     */
    public static void displacement(RandomGenerator pairStream, boolean mirrored, double[] widths, int[] differentiated,
                                    double[] delta) {
        for (int k = 0; k < differentiated.length; k++) {
            double xi = HALF_WIDTH * (2 * pairStream.nextDouble() - 1);
            double step = widths[differentiated[k]] * xi;
            delta[k] = mirrored ? -step : step;
        }
    }

    /** Checks the settings' widths against a design point: one per parameter, positive where differentiated. */
    public static double[] checkedWidths(EstimatorSettings settings, DesignPoint point) {
        double[] widths = settings.surrogateWidths();
        if (widths.length != point.values().length) {
            throw new IllegalArgumentException("the surrogate estimator needs one width σ per parameter: got "
                    + widths.length + " for " + point.values().length + " parameters");
        }
        for (int j : point.differentiated()) {
            if (!(widths[j] > 0) || !Double.isFinite(widths[j])) {
                throw new IllegalArgumentException("surrogate width σ of parameter " + j + " must be positive and finite, was "
                        + widths[j]);
            }
        }
        return widths;
    }
}
