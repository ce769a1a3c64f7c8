package dev.detopt.model.calorimeter;

import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.EventEvaluator;
import dev.detopt.model.sim.UnsupportedEstimatorException;
import dev.detopt.model.stats.AccumulatorState;
import dev.detopt.model.stats.EventSample;
import dev.detopt.model.stats.SampleAccumulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CalorimeterSimulatorTest {
    private static final double TWO_ELECTRON_MASSES = 2 * 0.51099895;
    private final CalorimeterSimulator simulator = new CalorimeterSimulator(CalorimeterConfig.defaults());
    private final DesignPoint all = new DesignPoint(CalorimeterSimulator.DEFAULT_POINT, new int[] {0, 1, 2});

    @Test
    void namesParametersAndObservablesAsAgreed() {
        assertThat(simulator.name()).isEqualTo("calorimeter");
        assertThat(simulator.parameterNames()).containsExactly("e", "a", "g");
        List<String> observables = simulator.observableNames();
        assertThat(observables).hasSize(103);
        assertThat(observables.get(0)).isEqualTo("absorber.0");
        assertThat(observables.get(49)).isEqualTo("absorber.49");
        assertThat(observables.get(50)).isEqualTo("gap.0");
        assertThat(observables.subList(100, 103)).containsExactly("leakage", "visible", "visible.squared");
        assertThat(simulator.supportedEstimators()).containsExactlyInAnyOrder(EstimatorKind.PATHWISE, EstimatorKind.FINITE_DIFFERENCE,
                EstimatorKind.SURROGATE);
    }

    @Test
    void scoreFunctionAndStochasticAdAreRejectedWithTheReason() {
        for (EstimatorKind kind : List.of(EstimatorKind.SCORE, EstimatorKind.SCORE_BASELINE, EstimatorKind.STOCHASTIC_AD)) {
            assertThatThrownBy(() -> simulator.evaluator(all, EstimatorSettings.of(kind)))
                    .isInstanceOf(UnsupportedEstimatorException.class)
                    .hasMessageContaining(kind.wireName())
                    .hasMessageContaining("continuous transformations")
                    .hasMessageContaining("pathwise");
        }
    }

    @Test
    void invalidDesignPointsAndConfigurationsAreClearErrors() {
        assertThatThrownBy(() -> simulator.evaluator(new DesignPoint(new double[] {-1, 2.3, 5.7}, new int[0]),
                EstimatorSettings.of(EstimatorKind.PATHWISE))).hasMessageContaining("e must be");
        assertThatThrownBy(() -> simulator.evaluator(new DesignPoint(new double[] {1000, -0.1, 5.7}, new int[0]),
                EstimatorSettings.of(EstimatorKind.PATHWISE))).hasMessageContaining("a and g");
        CalorimeterConfig bad = new CalorimeterConfig(0, -1, "mu-", false, 1, 1, 1, 5, true);
        assertThat(bad.problems()).hasSize(4)
                .anySatisfy(p -> assertThat(p).contains("layers"))
                .anySatisfy(p -> assertThat(p).contains("transverseSizeMm"))
                .anySatisfy(p -> assertThat(p).contains("particle"))
                .anySatisfy(p -> assertThat(p).contains("photonTrackingCutMev"));
        assertThat(CalorimeterConfig.defaults().problems()).isEmpty();
        assertThatThrownBy(() -> new CalorimeterSimulator(bad)).hasMessageContaining("layers");
    }

    @Test
    void configurationRoundTripsThroughJsonWithItsComponentNames() {
        JsonMapper mapper = JsonMapper.builder().build();
        String json = mapper.writeValueAsString(CalorimeterConfig.defaults());
        assertThat(json).contains("\"layers\":50", "\"transverseSizeMm\":400.0", "\"particle\":\"e-\"", "\"deltaRays\":true");
        assertThat(mapper.readValue(json, CalorimeterConfig.class)).isEqualTo(CalorimeterConfig.defaults());
        // fields left out take their defaults
        assertThat(mapper.readValue("{\"layers\": 30, \"particle\": \"gamma\"}", CalorimeterConfig.class))
                .isEqualTo(CalorimeterConfig.defaults().withLayers(30).withParticle("gamma"));
        assertThat(mapper.readValue("{}", CalorimeterConfig.class)).isEqualTo(CalorimeterConfig.defaults());
    }

    @Test
    void geometryHelpersForTheCostModel() {
        // 50 layers · 2.3 mm · 400 mm · 400 mm = 18 400 cm³ of PbWO4
        assertThat(simulator.absorberVolumeCm3(2.3)).isCloseTo(18_400.0, within(1e-9));
        assertThat(simulator.gapVolumeCm3(5.7)).isCloseTo(45_600.0, within(1e-9));
        assertThat(simulator.readoutChannels()).isEqualTo(50);
    }

    private static double[] sumOfDepositsAndLeakage(CalorimeterSimulator sim, EventSample sample, int n) {
        int layers = sim.config().layers();
        double[] sums = new double[1 + n];
        for (int i = 0; i <= 2 * layers; i++) {
            sums[0] += sample.observables[i];
            for (int k = 0; k < n; k++) {
                sums[1 + k] += sample.gradient[i * n + k];
            }
        }
        return sums;
    }

    @ParameterizedTest(name = "{0} at {1} MeV, a={2}, g={3}, delta rays {4}, residual range {5}")
    @CsvSource({
            "e-, 10000, 2.3, 5.7, false, true",
            "e-, 3000, 2.3, 5.7, true, true",
            "e+, 3000, 2.3, 5.7, false, true",
            "e+, 30, 2.3, 5.7, true, true",
            "e+, 200, 2.3, 5.7, true, false",
            "gamma, 3000, 2.3, 5.7, true, false",
            "e-, 2000, 4.0, 0.0, false, true",
            "gamma, 500, 0.0, 10.0, false, true",
    })
    void energyIsConservedInEveryEventAndItsDerivativeIsExact(String particle, double energy, double a, double g,
                                                              boolean deltaRays, boolean residualRange) {
        CalorimeterSimulator sim = new CalorimeterSimulator(CalorimeterConfig.defaults().withParticle(particle)
                .withDeltaRays(deltaRays).withResidualRange(residualRange));
        EventEvaluator evaluator = sim.evaluator(new DesignPoint(new double[] {energy, a, g}, new int[] {0, 1, 2}),
                EstimatorSettings.of(EstimatorKind.PATHWISE));
        EventSample sample = new EventSample(evaluator.layout());
        RandomStreams streams = new RandomStreams(11);
        // a positron primary also releases the rest energy of its annihilation
        double expected = particle.equals("e+") ? energy + TWO_ELECTRON_MASSES : energy;
        for (int event = 0; event < 20; event++) {
            sample.clear();
            evaluator.evaluate(streams.event(0, event), sample);
            double[] sums = sumOfDepositsAndLeakage(sim, sample, 3);
            assertThat(sums[0]).as("event %d", event).isCloseTo(expected, within(1e-9 * expected));
            assertThat(sums[1]).as("d/de, event %d", event).isCloseTo(1.0, within(1e-9));
            // the total does not depend on the geometry at all
            assertThat(sums[2]).as("d/da, event %d", event).isCloseTo(0.0, within(1e-9 * expected));
            assertThat(sums[3]).as("d/dg, event %d", event).isCloseTo(0.0, within(1e-9 * expected));
        }
    }

    @Test
    void visibleEnergyIsTheSumOfTheGapsAndItsSquare() {
        EventEvaluator evaluator = simulator.evaluator(new DesignPoint(new double[] {2000, 2.3, 5.7}, new int[] {1}),
                EstimatorSettings.of(EstimatorKind.PATHWISE));
        EventSample sample = new EventSample(evaluator.layout());
        evaluator.evaluate(new RandomStreams(3).event(0, 0), sample);
        double visible = 0;
        double visibleByA = 0;
        for (int i = 0; i < 50; i++) {
            visible += sample.observables[simulator.gapIndex(i)];
            visibleByA += sample.gradient[simulator.gapIndex(i)];
        }
        assertThat(visible).isPositive();
        assertThat(sample.observables[simulator.visibleIndex()]).isCloseTo(visible, within(1e-9 * visible));
        assertThat(sample.observables[simulator.visibleSquaredIndex()]).isCloseTo(visible * visible, within(1e-9 * visible * visible));
        assertThat(sample.gradient[simulator.visibleIndex()]).isCloseTo(visibleByA, within(1e-9 * visible));
        assertThat(sample.gradient[simulator.visibleSquaredIndex()]).isCloseTo(2 * visible * visibleByA, within(1e-9 * visible * visible));
    }

    @Test
    void statisticsAreBitIdenticalForAnySplitIntoBatchesAndThreads() {
        DesignPoint point = new DesignPoint(new double[] {1000, 2.3, 5.7}, new int[] {0, 1, 2});
        RandomStreams streams = new RandomStreams(2026);
        SampleAccumulator single;
        try (BatchRunner runner = new BatchRunner(simulator, point, EstimatorSettings.of(EstimatorKind.PATHWISE), streams, 7, 1)) {
            single = runner.run(0, 120);
        }
        SampleAccumulator split;
        try (BatchRunner runner = new BatchRunner(simulator, point, EstimatorSettings.of(EstimatorKind.PATHWISE), streams, 7, 2)) {
            long[] edges = {0, 17, 64, 65, 120};
            List<SampleAccumulator> batches = new ArrayList<>();
            for (int b = 0; b + 1 < edges.length; b++) {
                batches.add(runner.run(edges[b], edges[b + 1]));
            }
            split = new SampleAccumulator(runner.layout());
            for (SampleAccumulator batch : batches) {
                split.merge(batch);
            }
        }
        assertThat(split.state()).isEqualTo(single.state());
        assertThat(split.summary().mean()).containsExactly(single.summary().mean());
        assertThat(split.summary().gradient()).containsExactly(single.summary().gradient());
        assertThat(single.summary().mean()[simulator.visibleIndex()]).isPositive();
    }

    @Test
    void aCheckpointedAndResumedBatchIsBitIdentical() {
        DesignPoint point = new DesignPoint(new double[] {800, 2.3, 5.7}, new int[] {1});
        EstimatorSettings fd = EstimatorSettings.finiteDifference(new double[] {1, 0.05, 0.1}, true);
        RandomStreams streams = new RandomStreams(5);
        SampleAccumulator reference;
        try (BatchRunner runner = new BatchRunner(simulator, point, fd, streams, 0, 2)) {
            reference = runner.run(10, 90);
        }
        List<AccumulatorState> saved = new ArrayList<>();
        BatchRunner.Progress stopped;
        try (BatchRunner runner = new BatchRunner(simulator, point, fd, streams, 0, 2)) {
            stopped = runner.run(new BatchRunner.Progress(10, new SampleAccumulator(runner.layout())), 90, 16,
                    progress -> saved.add(progress.statistics().state()), () -> saved.size() >= 2);
        }
        assertThat(stopped.nextEvent()).isEqualTo(42);
        BatchRunner.Progress resumed;
        try (BatchRunner runner = new BatchRunner(simulator, point, fd, streams, 0, 1)) {
            resumed = runner.run(new BatchRunner.Progress(42, SampleAccumulator.restore(saved.get(1))), 90, 1000,
                    p -> { }, () -> false);
        }
        assertThat(resumed.statistics().state()).isEqualTo(reference.state());
    }

    /**
     * An electron below the tracking cut whose residual range ends in its region, and whose clocks
     * (the first uniforms of the substream it would get) would not run out on the way, is deposited
     * at once instead of being stacked and tracked: per event the deposits, the leakage and their
     * tangents must be what tracking every such electron gives, up to the order of the sums.
     */
    @Test
    void depositingSubCutElectronsAtOnceGivesWhatTrackingThemGives() {
        CalorimeterConfig config = CalorimeterConfig.defaults();
        MaterialTables tables = new MaterialTables(config);
        int[] all = {0, 1, 2};
        ShowerTransport shortcut = new ShowerTransport(config, tables, all, true);
        ShowerTransport tracked = new ShowerTransport(config, tables, all, false);
        SplittableRandom seeds = new SplittableRandom(19);
        int regions = 2 * config.layers();
        for (int event = 0; event < 60; event++) {
            long seed = seeds.nextLong();
            double energy = event % 2 == 0 ? 1000 : 3000;
            shortcut.simulate(energy, 2.3, 5.7, seed);
            tracked.simulate(energy, 2.3, 5.7, seed);
            for (int r = 0; r < regions; r++) {
                assertThat(shortcut.deposit[r]).as("event %s region %s", event, r)
                        .isCloseTo(tracked.deposit[r], within(1e-9 * energy));
                for (int k = 0; k < 3; k++) {
                    double expected = tracked.depositTangent[r * 3 + k];
                    assertThat(shortcut.depositTangent[r * 3 + k]).as("event %s region %s tangent %s", event, r, k)
                            .isCloseTo(expected, within(1e-9 * (1 + Math.abs(expected))));
                }
            }
            assertThat(shortcut.leakage).isCloseTo(tracked.leakage, within(1e-9 * energy));
        }
    }
}
