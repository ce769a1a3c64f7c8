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
 */
public record EstimatorSettings(EstimatorKind kind, double[] finiteDifferenceSteps,
                                boolean commonRandomNumbers, boolean reuseUniforms) {

    public EstimatorSettings {
        if (kind == null) {
            throw new IllegalArgumentException("estimator kind is required");
        }
        finiteDifferenceSteps = finiteDifferenceSteps == null ? new double[0] : finiteDifferenceSteps.clone();
    }

    public static EstimatorSettings of(EstimatorKind kind) {
        return new EstimatorSettings(kind, null, true, true);
    }

    public static EstimatorSettings finiteDifference(double[] steps, boolean commonRandomNumbers) {
        return new EstimatorSettings(EstimatorKind.FINITE_DIFFERENCE, steps, commonRandomNumbers, true);
    }

    @Override
    public double[] finiteDifferenceSteps() {
        return finiteDifferenceSteps.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EstimatorSettings s && kind == s.kind
                && Arrays.equals(finiteDifferenceSteps, s.finiteDifferenceSteps)
                && commonRandomNumbers == s.commonRandomNumbers && reuseUniforms == s.reuseUniforms;
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Arrays.hashCode(finiteDifferenceSteps)
                + (commonRandomNumbers ? 1 : 0) + (reuseUniforms ? 2 : 0);
    }

    @Override
    public String toString() {
        return "EstimatorSettings[" + kind + ", h=" + Arrays.toString(finiteDifferenceSteps)
                + ", crn=" + commonRandomNumbers + ", reuseUniforms=" + reuseUniforms + "]";
    }
}
