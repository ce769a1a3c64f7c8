package dev.detopt.model.calorimeter;

import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.stats.SampleSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Physics and gradient validation of the calorimeter (issue 3, point 4). Fixed seeds; tolerances in standard errors. */
class ShowerValidationTest {
    private static final String[] PARAMETERS = {"e", "a", "g"};

    private static SampleSummary run(CalorimeterSimulator simulator, DesignPoint point, EstimatorSettings estimator,
                                     long seed, int events) {
        try (BatchRunner runner = new BatchRunner(simulator, point, estimator, new RandomStreams(seed), 0, 2)) {
            return runner.run(0, events).summary();
        }
    }

    /**
     * Homogeneous PbWO4 (no gaps, layers of X0/4): the longitudinal profile peaks within ±1 X0 of
     * t_max = ln(E/Ec) − 0.5 with the PDG critical energy Ec = 9.64 MeV (PDG review "Passage of
     * particles through matter", eq. 34.36 and the PbWO4 entry of the material tables).
     */
    @ParameterizedTest(name = "{0} MeV electrons, {1} events")
    @CsvSource({"1000, 1000", "10000, 120", "100000, 40"})
    void showerMaximumInHomogeneousLeadTungstate(double energy, int events) {
        double x0 = Material.PBWO4.radiationLengthMm();
        double layer = x0 / 4;
        int layers = 140;
        CalorimeterSimulator simulator = new CalorimeterSimulator(CalorimeterConfig.defaults().withLayers(layers));
        SampleSummary summary = run(simulator, new DesignPoint(new double[] {energy, layer, 0.0}, new int[0]),
                EstimatorSettings.of(EstimatorKind.PATHWISE), 3, events);
        double[] profile = summary.mean();
        // smooth over five layers (1.25 X0), take the highest, refine with a parabola through its neighbours
        double[] smooth = new double[layers];
        for (int i = 2; i < layers - 2; i++) {
            smooth[i] = profile[i - 2] + profile[i - 1] + profile[i] + profile[i + 1] + profile[i + 2];
        }
        int peak = 3;
        for (int i = 3; i < layers - 3; i++) {
            if (smooth[i] > smooth[peak]) {
                peak = i;
            }
        }
        double below = smooth[peak - 1];
        double at = smooth[peak];
        double above = smooth[peak + 1];
        double curvature = below - 2 * at + above;
        double offset = curvature < 0 ? Math.max(-0.5, Math.min(0.5, 0.5 * (below - above) / curvature)) : 0.0;
        double tMax = (peak + 0.5 + offset) * layer / x0;
        double expected = Math.log(energy / Material.PBWO4.criticalEnergyMev()) - 0.5;
        assertThat(tMax).as("shower maximum in X0").isCloseTo(expected, within(1.0));
        // 35 X0 hold the shower: the leakage is a small fraction
        assertThat(profile[simulator.leakageIndex()]).isLessThan(0.01 * energy);
    }

    private record Mismatch(String observable, String parameter, double pathwise, double pathwiseError,
                            double finiteDifference, double finiteDifferenceError) {
    }

    /**
     * Mean pathwise derivatives of every layer deposit against central finite differences with
     * common random numbers (issue 3): within 10% (plus three combined standard errors) on the
     * layers holding at least 2% of the energy, and never significantly (three standard errors) of
     * the opposite sign where the finite difference is significant (four standard errors): deep in
     * the tail the pathwise estimator is much noisier than finite differences. The visible energy
     * (sum of the gap deposits, the calorimeter's signal) must meet the same allowance: the
     * same-sign per-layer deviations of the earlier photon model added up there (∂/∂g 27% low at
     * 9σ at 10 GeV), though each layer alone stayed inside its allowance.
     */
    private static void assertPathwiseMatchesFiniteDifferences(double energy, double[] steps, long seed, int events,
                                                               int minimumCompared) {
        CalorimeterSimulator simulator = new CalorimeterSimulator(CalorimeterConfig.defaults());
        DesignPoint point = new DesignPoint(new double[] {energy, 2.3, 5.7}, new int[] {0, 1, 2});
        SampleSummary pathwise = run(simulator, point, EstimatorSettings.of(EstimatorKind.PATHWISE), seed, events);
        SampleSummary finite = run(simulator, point, EstimatorSettings.finiteDifference(steps, true), seed, events);
        List<Mismatch> outside = new ArrayList<>();
        List<Mismatch> wrongSign = new ArrayList<>();
        int compared = 0;
        for (int i = 0; i < simulator.visibleIndex() + 1; i++) {
            if (i == simulator.leakageIndex()) {
                continue; // escape flips bias it (docs/simulation.md, "What still flips")
            }
            boolean large = pathwise.mean()[i] >= 0.02 * energy;
            for (int j = 0; j < 3; j++) {
                double pw = pathwise.gradient(i, j);
                double pwError = pathwise.gradientStderr(i, j);
                double fd = finite.gradient(i, j);
                double fdError = finite.gradientStderr(i, j);
                Mismatch m = new Mismatch(simulator.observableNames().get(i), PARAMETERS[j], pw, pwError, fd, fdError);
                if (large) {
                    compared++;
                    if (Math.abs(pw - fd) > 0.10 * Math.abs(fd) + 3 * Math.hypot(pwError, fdError)) {
                        outside.add(m);
                    }
                }
                // a significant finite difference and a pathwise mean significantly of the other sign
                if (Math.abs(fd) > 4 * fdError && pw * Math.signum(fd) < -3 * pwError) {
                    wrongSign.add(m);
                }
            }
        }
        assertThat(compared).isGreaterThanOrEqualTo(minimumCompared);
        assertThat(outside).isEmpty();
        assertThat(wrongSign).isEmpty();
    }

    /** 1 GeV electrons, default geometry (layers 7–19 hold ≥ 2% each). */
    @Test
    void pathwiseDerivativesAgreeWithFiniteDifferencesLayerByLayer() {
        assertPathwiseMatchesFiniteDifferences(1000, new double[] {10.0, 0.05, 0.1}, 17, 6000, 30);
    }

    /**
     * 10 GeV electrons in the default geometry (issue 3's configuration; absorber layers 16–25 hold
     * ≥ 2% each). Before implicit capture of the photo-effect, ∂/∂a came out 13–63% high and ∂/∂g
     * 10–28% low on layers 21–25 here (docs/simulation.md). About 50 CPU-seconds.
     */
    @Test
    void pathwiseDerivativesAgreeWithFiniteDifferencesLayerByLayerAtTenGev() {
        assertPathwiseMatchesFiniteDifferences(10_000, new double[] {100.0, 0.05, 0.1}, 29, 3000, 24);
    }

    /**
     * With the same material in absorber and gap, moving a boundary changes nothing discrete (no
     * process flips between materials), so the pathwise derivative is unbiased: it must agree with
     * finite differences within statistics on every layer, for a and g.
     */
    @Test
    void pathwiseGeometryDerivativesAreUnbiasedWhenNoMaterialChanges() {
        CalorimeterSimulator simulator = new CalorimeterSimulator(CalorimeterConfig.defaults().withLayers(20),
                Material.PBWO4, Material.PBWO4);
        DesignPoint point = new DesignPoint(new double[] {1000, 2.3, 5.7}, new int[] {1, 2});
        int events = 1500;
        SampleSummary pathwise = run(simulator, point, EstimatorSettings.of(EstimatorKind.PATHWISE), 23, events);
        SampleSummary finite = run(simulator, point,
                EstimatorSettings.finiteDifference(new double[] {1.0, 0.05, 0.1}, true), 23, events);
        List<Mismatch> outside = new ArrayList<>();
        for (int i = 0; i <= 2 * simulator.config().layers(); i++) {
            for (int j = 0; j < 2; j++) {
                double pw = pathwise.gradient(i, j);
                double fd = finite.gradient(i, j);
                double error = Math.hypot(pathwise.gradientStderr(i, j), finite.gradientStderr(i, j));
                if (Math.abs(pw - fd) > 0.02 * Math.abs(fd) + 4 * error) {
                    outside.add(new Mismatch(simulator.observableNames().get(i), PARAMETERS[j + 1], pw,
                            pathwise.gradientStderr(i, j), fd, finite.gradientStderr(i, j)));
                }
            }
        }
        assertThat(outside).isEmpty();
        // and the derivatives are really there: the thickest layers' deposits grow with their thickness
        assertThat(pathwise.gradient(simulator.gapIndex(2), 1)).isGreaterThan(10 * pathwise.gradientStderr(simulator.gapIndex(2), 1));
    }
}
