package dev.detopt.model.sim;

import java.util.Arrays;

/**
 * An estimator and its options.
 *
 * @param kind                  which estimator
 * @param finiteDifferenceSteps absolute central-difference step h per simulator parameter (in the
 *                              simulator's parameter order; only read by finite differences)
 * @param commonRandomNumbers   finite differences: both sides use the event's simulation stream
 *                              (true) or independent streams (false)
 * @param reuseUniforms         stochastic AD: the alternative path reuses the primal's uniforms
 *                              first-in-first-out (true) or draws only fresh ones (false)
 * @param surrogateWidths       surrogate: width σ of the design sampling per simulator parameter (in the
 *                              simulator's parameter order; empty for the other estimators)
 * @param surrogateQuadratic    surrogate: fit a diagonal quadratic term besides the linear one (never
 *                              null; a task written before the surrogate existed reads as false)
 */
public record EstimatorSettings(EstimatorKind kind, double[] finiteDifferenceSteps,
                                boolean commonRandomNumbers, boolean reuseUniforms,
                                double[] surrogateWidths, Boolean surrogateQuadratic) {

    public EstimatorSettings {
        if (kind == null) {
            throw new IllegalArgumentException("estimator kind is required");
        }
        finiteDifferenceSteps = finiteDifferenceSteps == null ? new double[0] : finiteDifferenceSteps.clone();
        surrogateWidths = surrogateWidths == null ? new double[0] : surrogateWidths.clone();
        surrogateQuadratic = Boolean.TRUE.equals(surrogateQuadratic);
    }

    public EstimatorSettings(EstimatorKind kind, double[] finiteDifferenceSteps, boolean commonRandomNumbers,
                             boolean reuseUniforms) {
        this(kind, finiteDifferenceSteps, commonRandomNumbers, reuseUniforms, null, false);
    }

    public static EstimatorSettings of(EstimatorKind kind) {
        return new EstimatorSettings(kind, null, true, true);
    }

    /** The surrogate estimator with width σ_j per simulator parameter. */
    public static EstimatorSettings surrogate(double[] widths, boolean quadratic) {
        return new EstimatorSettings(EstimatorKind.SURROGATE, null, true, true, widths, quadratic);
    }

    public static EstimatorSettings finiteDifference(double[] steps, boolean commonRandomNumbers) {
        return new EstimatorSettings(EstimatorKind.FINITE_DIFFERENCE, steps, commonRandomNumbers, true);
    }

    @Override
    public double[] finiteDifferenceSteps() {
        return finiteDifferenceSteps.clone();
    }

    @Override
    public double[] surrogateWidths() {
        return surrogateWidths.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EstimatorSettings s && kind == s.kind
                && Arrays.equals(finiteDifferenceSteps, s.finiteDifferenceSteps)
                && commonRandomNumbers == s.commonRandomNumbers && reuseUniforms == s.reuseUniforms
                && Arrays.equals(surrogateWidths, s.surrogateWidths) && surrogateQuadratic.equals(s.surrogateQuadratic);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Arrays.hashCode(finiteDifferenceSteps)
                + (commonRandomNumbers ? 1 : 0) + (reuseUniforms ? 2 : 0)
                + 37 * Arrays.hashCode(surrogateWidths) + (surrogateQuadratic ? 4 : 0);
    }

    @Override
    public String toString() {
        return "EstimatorSettings[" + kind + ", h=" + Arrays.toString(finiteDifferenceSteps)
                + ", crn=" + commonRandomNumbers + ", reuseUniforms=" + reuseUniforms
                + (surrogateWidths.length > 0 ? ", σ=" + Arrays.toString(surrogateWidths) : "")
                + (surrogateQuadratic ? ", quadratic" : "") + "]";
    }
}
