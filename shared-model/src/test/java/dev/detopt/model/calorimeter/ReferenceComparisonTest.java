package dev.detopt.model.calorimeter;

import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.stats.SampleSummary;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The default physics against the reference HepEmShow (G4HepEm physics, multiple scattering and
 * loss fluctuations off), electrons in the default geometry (issue 14; docs/simulation.md,
 * "Comparison with HepEmShow"). The reference profiles are src/test/resources/reference/*.csv,
 * measured once with HepEmShow; nothing here is computed by the code under test.
 *
 * <p>The target of issue 14: every absorber or gap layer holding ≥ 1% of the visible energy within
 * 3% of the reference, the leakage within 5%. Both sides are samples, so each check allows
 * {@code target + K·σ}, σ the combined standard error of the ratio detopt/reference. K = 4.6 is
 * the normal quantile with P(|Z| > K) = 4.2·10⁻⁶ ≤ 0.001/200: a simulator whose true deviations are
 * all within the targets fails any one check with probability at most that (a mean of thousands of
 * events is close to normal), so by Bonferroni's inequality, which holds whatever the correlation
 * between layers, it passes all of at most 200 checks (here 170) with probability > 99.9%. The
 * first layer's absorber and gap (just under 1% of the visible energy) are held to the 3% target
 * too, and the visible energy to 2%. The seed is fixed, so the runs are deterministic.
 *
 * <p>Before issue 14 the leakage was +41% and absorber.0 +34% at 1 GeV (+19% and +46% at 10 GeV);
 * with the complete-screening bremsstrahlung spectrum the leakage was still +11% at 1 GeV. Each
 * agreement test also asserts that its windows on those observables are narrower than those
 * deviations, so that physics would fail; and a negative control runs the one earlier cause that
 * is still selectable (delta rays off) and must fail the front layers.
 */
class ReferenceComparisonTest {
    /** Bonferroni normal quantile for a family-wise 0.1% over ≤ 200 two-sided checks (see the class comment). */
    static final double K = 4.6;
    static final double LAYER_TARGET = 0.03;
    static final double LEAKAGE_TARGET = 0.05;
    /** Layers compared: those holding at least this fraction of the reference's visible energy. */
    static final double LAYER_FRACTION = 0.01;
    /** Visible energy: within 2% (issue 14's measured agreement before the changes). */
    static final double VISIBLE_TARGET = 0.02;

    private static final int EVENTS_1_GEV = 40_000;
    private static final int EVENTS_10_GEV = 6_000;
    private static final int NEGATIVE_CONTROL_EVENTS = 5_000;
    private static final long SEED = 11;

    @Test
    void referenceProfilesAreCompleteAndConserveEnergy() {
        for (int energy : new int[] {1000, 10_000}) {
            ReferenceProfile reference = ReferenceProfile.load(energy);
            assertThat(reference.layers()).isEqualTo(CalorimeterConfig.defaults().layers());
            double deposits = 0;
            double visible = 0;
            for (int i = 0; i < reference.layers(); i++) {
                deposits += reference.mean("absorber." + i) + reference.mean("gap." + i);
                visible += reference.mean("gap." + i);
            }
            assertThat(reference.mean("visible")).isCloseTo(visible, within(1e-6 * visible));
            assertThat(reference.mean("leakage")).isCloseTo(reference.mean("leakage.front") + reference.mean("leakage.back")
                    + reference.mean("leakage.sides"), within(1e-6 * energy));
            assertThat(deposits + reference.mean("leakage")).isCloseTo(energy, within(1e-6 * energy));
        }
    }

    @Test
    void oneGevProfileAgreesWithHepEmShowLayerByLayer() {
        // before issue 14: leakage +41.4%, absorber.0 +34.4%; complete-screening spectrum: leakage +11.3%
        assertAgreement(1000, EVENTS_1_GEV, Map.of("leakage", 0.113, "absorber.0", 0.344));
    }

    @Test
    void tenGevProfileAgreesWithHepEmShowLayerByLayer() {
        // before issue 14: leakage +18.6%, absorber.0 +45.8%, absorber.5 +15.0%
        assertAgreement(10_000, EVENTS_10_GEV, Map.of("leakage", 0.186, "absorber.0", 0.458, "absorber.5", 0.150));
    }

    @Test
    void withoutDeltaRaysTheFrontLayersFailTheirWindows() {
        // a known bad physics, still selectable: the whole ionisation loss deposited on the track
        // (before issue 14 the first layers were 30–46% high for this reason)
        ReferenceProfile reference = ReferenceProfile.load(1000);
        List<String> names = new CalorimeterSimulator(CalorimeterConfig.defaults()).observableNames();
        SampleSummary detopt = simulate(CalorimeterConfig.defaults().withDeltaRays(false), 1000, NEGATIVE_CONTROL_EVENTS, SEED, 2);
        List<Check> failed = checks(reference, detopt, names).stream().filter(c -> !c.passes()).toList();
        System.out.printf("1 GeV without delta rays, %d events: %d checks fail%n", NEGATIVE_CONTROL_EVENTS, failed.size());
        failed.forEach(c -> System.out.println("  " + c));
        assertThat(failed.stream().map(c -> c.deviation().observable())).contains("absorber.0", "gap.0");
    }

    static SampleSummary simulate(double energyMev, int events, long seed, int threads) {
        return simulate(CalorimeterConfig.defaults(), energyMev, events, seed, threads);
    }

    static SampleSummary simulate(CalorimeterConfig config, double energyMev, int events, long seed, int threads) {
        CalorimeterSimulator simulator = new CalorimeterSimulator(config);
        try (BatchRunner runner = new BatchRunner(simulator, new DesignPoint(new double[] {energyMev, 2.3, 5.7}, new int[0]),
                EstimatorSettings.of(EstimatorKind.PATHWISE), new RandomStreams(seed), 0, threads)) {
            return runner.run(0, events).summary();
        }
    }

    /** One compared observable, its window target + K·σ and how far inside it the deviation is (in σ). */
    record Check(ReferenceProfile.Deviation deviation, double target) {
        double window() {
            return target + K * deviation.relativeStderr();
        }

        boolean passes() {
            return Math.abs(deviation.relative()) <= window();
        }

        /** (window − |deviation|)/σ: how many standard errors inside the window. */
        double marginInSigma() {
            return (window() - Math.abs(deviation.relative())) / deviation.relativeStderr();
        }

        @Override
        public String toString() {
            return String.format("%s %+.2f%% ± %.2f%% (window ±%.2f%%, %.1fσ inside)", deviation.observable(),
                    100 * deviation.relative(), 100 * deviation.relativeStderr(), 100 * window(), marginInSigma());
        }
    }

    /**
     * The layer checks (≥ 1% of visible, and the first layer's absorber and gap, which hold a little
     * less but showed the largest excess before issue 14), then leakage and visible energy.
     */
    static List<Check> checks(ReferenceProfile reference, SampleSummary detopt, List<String> detoptObservables) {
        List<Check> checks = new ArrayList<>();
        List<String> layers = new ArrayList<>(List.of("absorber.0", "gap.0"));
        reference.layersHolding(LAYER_FRACTION).stream().filter(name -> !layers.contains(name)).forEach(layers::add);
        for (String layer : layers) {
            checks.add(new Check(reference.deviation(detopt, detoptObservables, layer), LAYER_TARGET));
        }
        checks.add(new Check(reference.deviation(detopt, detoptObservables, "leakage"), LEAKAGE_TARGET));
        checks.add(new Check(reference.deviation(detopt, detoptObservables, "visible"), VISIBLE_TARGET));
        return checks;
    }

    /**
     * Every check passes, and the windows of the observables in {@code excluded} are narrower than the
     * deviation each had with earlier physics (so that physics would fail here).
     */
    private static void assertAgreement(int energyMev, int events, Map<String, Double> excluded) {
        ReferenceProfile reference = ReferenceProfile.load(energyMev);
        List<String> names = new CalorimeterSimulator(CalorimeterConfig.defaults()).observableNames();
        long start = System.nanoTime();
        SampleSummary detopt = simulate(energyMev, events, SEED, 2);
        List<Check> checks = checks(reference, detopt, names);
        Check tightest = checks.stream().min(Comparator.comparingDouble(Check::marginInSigma)).orElseThrow();
        Check worstLayer = checks.stream().filter(c -> c.target() == LAYER_TARGET)
                .max(Comparator.comparingDouble(c -> Math.abs(c.deviation().relative()))).orElseThrow();
        DoubleSummaryStatistics layerWindows = checks.stream().filter(c -> c.target() == LAYER_TARGET)
                .mapToDouble(Check::window).summaryStatistics();
        System.out.printf("%d MeV, %d events (%.1f s): %d checks, layer windows ±%.2f%% to ±%.2f%%; tightest %s;"
                        + " largest layer deviation %s%n", energyMev, events, (System.nanoTime() - start) * 1e-9, checks.size(),
                100 * layerWindows.getMin(), 100 * layerWindows.getMax(), tightest, worstLayer);
        checks.stream().filter(c -> c.target() != LAYER_TARGET || c.deviation().observable().endsWith(".0")
                        || excluded.containsKey(c.deviation().observable()))
                .forEach(c -> System.out.println("  " + c));
        for (Check check : checks) {
            assertThat(check.passes()).as(check.toString()).isTrue();
            Double earlier = excluded.get(check.deviation().observable());
            if (earlier != null) {
                assertThat(check.window()).as("window of " + check + " against the earlier " + earlier).isLessThan(earlier);
            }
        }
        assertThat(checks.stream().map(c -> c.deviation().observable())).containsAll(excluded.keySet());
    }
}
