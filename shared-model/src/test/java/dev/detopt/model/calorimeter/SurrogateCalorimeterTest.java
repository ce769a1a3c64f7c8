package dev.detopt.model.calorimeter;

import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.stats.SampleSummary;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The surrogate estimator on the calorimeter at 10 GeV (issue 17, point 5): its ∂/∂a and ∂/∂g of the
 * visible energy agree with central finite differences (common random numbers) within three
 * combined standard errors. The CI version uses few events; {@link EstimatorErrorFigures} makes the
 * same comparison with full statistics (docs/performance.md).
 */
class SurrogateCalorimeterTest {
    private static final double[] THETA = {10_000, 2.3, 5.7};
    private static final int[] A_AND_G = {1, 2};
    /** σ of the surrogate: a few percent of the thicknesses, where the mean response is still close to linear. */
    private static final double[] WIDTHS = {0, 0.2, 0.4};
    private static final double[] FD_STEPS = {0, 0.05, 0.1};

    private static SampleSummary run(EstimatorSettings settings, long seed, int events) {
        CalorimeterSimulator simulator = new CalorimeterSimulator(CalorimeterConfig.defaults());
        try (BatchRunner runner = new BatchRunner(simulator, new DesignPoint(THETA, A_AND_G), settings,
                new RandomStreams(seed), 0, 2)) {
            return runner.run(0, events).summary();
        }
    }

    private static void compare(int surrogateEvents, int finiteDifferenceEvents) {
        CalorimeterSimulator simulator = new CalorimeterSimulator(CalorimeterConfig.defaults());
        int visible = simulator.visibleIndex();
        SampleSummary surrogate = run(EstimatorSettings.surrogate(WIDTHS, false), 31, surrogateEvents);
        SampleSummary finite = run(EstimatorSettings.finiteDifference(FD_STEPS, true), 37, finiteDifferenceEvents);
        String[] names = {"a", "g"};
        for (int k = 0; k < 2; k++) {
            double s = surrogate.gradient(visible, k);
            double sError = surrogate.gradientStderr(visible, k);
            double f = finite.gradient(visible, k);
            double fError = finite.gradientStderr(visible, k);
            System.out.printf("d visible/d%s: surrogate %.2f ± %.2f (%d events), finite differences %.2f ± %.2f (%d events)%n",
                    names[k], s, sError, surrogateEvents, f, fError, finiteDifferenceEvents);
            assertThat(Math.abs(s - f)).as("d visible/d%s", names[k]).isLessThan(3 * Math.hypot(sError, fError));
            // the comparison has power: the surrogate resolves the derivative's sign
            assertThat(Math.abs(s)).as("d visible/d%s is resolved", names[k]).isGreaterThan(3 * sError);
        }
    }

    @Test
    void visibleEnergyDerivativesAgreeWithFiniteDifferencesAtTenGev() {
        compare(800, 200);
    }
}
