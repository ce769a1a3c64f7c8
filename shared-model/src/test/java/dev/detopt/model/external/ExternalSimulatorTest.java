package dev.detopt.model.external;

import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.random.StreamPurpose;
import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.Simulator;
import dev.detopt.model.stats.SampleAccumulator;
import dev.detopt.model.stats.SampleSummary;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The adapter on the C example (y_i = μ + σ z_i): estimators, request splitting, threads, the seed rule. */
class ExternalSimulatorTest {

    private static SampleAccumulator run(Simulator simulator, double[] theta, int[] differentiated, EstimatorSettings estimator,
                                         long seed, long events, int threads, int chunk) {
        try (BatchRunner runner = new BatchRunner(simulator, new DesignPoint(theta, differentiated), estimator,
                new RandomStreams(seed), 3, threads)) {
            return runner.run(new BatchRunner.Progress(0, new SampleAccumulator(runner.layout())), events, chunk, p -> { }, () -> false)
                    .statistics();
        }
    }

    @Test
    void tangentsAndFiniteDifferencesAgreeAndSeeTheSameEvents() throws Exception {
        try (ExternalSimulators simulators = new ExternalSimulators(List.of(Programs.gaussWork("gauss-work", 4, 0, false)))) {
            Simulator simulator = simulators.catalog().simulator("gauss-work", null);
            double[] theta = {0.5, 2.0};
            SampleSummary pathwise = run(simulator, theta, new int[] {0, 1}, EstimatorSettings.of(EstimatorKind.PATHWISE),
                    11, 500, 1, 128).summary();
            SampleSummary finite = run(simulator, theta, new int[] {0, 1},
                    EstimatorSettings.finiteDifference(new double[] {0.01, 0.01}, true), 11, 500, 1, 128).summary();
            // the same event seeds give the same observables, bit for bit
            assertThat(finite.mean()).isEqualTo(pathwise.mean());
            // y is linear in θ: central differences with common random numbers equal the tangents up to rounding
            for (int k = 0; k < pathwise.gradient().length; k++) {
                assertThat(finite.gradient()[k]).isCloseTo(pathwise.gradient()[k], within(1e-9));
            }
            // dE[y_i]/dμ = 1 for every event
            assertThat(pathwise.gradient()[0]).isEqualTo(1.0);
            // without common random numbers the two sides see independent events (their own seeds):
            // per event (y+ − y−)/2h has standard deviation σ√2/(2h), so the standard error is 2√2/0.02/√500 ≈ 6.32
            SampleSummary independent = run(simulator, theta, new int[] {0, 1},
                    EstimatorSettings.finiteDifference(new double[] {0.01, 0.01}, false), 11, 500, 1, 128).summary();
            assertThat(finite.gradientStderr()[0]).isZero();
            assertThat(independent.gradientStderr()[0]).isCloseTo(2 * Math.sqrt(2) / 0.02 / Math.sqrt(500), within(1.0));
        }
    }

    @Test
    void scoreTermsGiveUnbiasedScoreGradients() throws Exception {
        try (ExternalSimulators simulators = new ExternalSimulators(List.of(Programs.gaussWork("gauss-score", 1, 0, true)))) {
            Simulator simulator = simulators.catalog().simulator("gauss-score", null);
            assertThat(simulator.supportedEstimators()).contains(EstimatorKind.SCORE, EstimatorKind.SCORE_BASELINE);
            SampleSummary score = run(simulator, new double[] {0.5, 2.0}, new int[] {0, 1},
                    EstimatorSettings.of(EstimatorKind.SCORE_BASELINE), 5, 40_000, 2, 4096).summary();
            // dE[y]/dμ = 1 and dE[y]/dσ = 0 for y = μ + σ z
            assertThat(score.gradientStderr()[0]).isLessThan(0.02);
            assertThat(score.gradient()[0]).isCloseTo(1.0, within(4 * score.gradientStderr()[0]));
            assertThat(score.gradient()[1]).isCloseTo(0.0, within(4 * score.gradientStderr()[1]));
        }
    }

    @Test
    void resultsDoNotDependOnThreadsChunksOrRequestSize() throws Exception {
        try (ExternalSimulators simulators = new ExternalSimulators(List.of(Programs.gaussWork("gauss-work", 10, 0, false)))) {
            Simulator simulator = simulators.catalog().simulator("gauss-work", null);
            double[] theta = {0.5, 2.0};
            EstimatorSettings pathwise = EstimatorSettings.of(EstimatorKind.PATHWISE);
            long events = 2 * ExternalSimulator.MAX_EVENTS_PER_REQUEST + 17;
            SampleAccumulator oneThread = run(simulator, theta, new int[] {1}, pathwise, 9, events, 1, 100_000);
            SampleAccumulator threeThreads = run(simulator, theta, new int[] {1}, pathwise, 9, events, 3, 999);
            assertThat(threeThreads).isEqualTo(oneThread);
            assertThat(simulators.runningPids("gauss-work")).hasSize(3);
        }
    }

    /** The rule of docs/simulator-protocol.md §4, written out independently of RandomStreams. */
    private static long documentedSeed(long seed, long step, long event, int purpose, int substream) {
        long h = splitMix(seed ^ 0x9E3779B97F4A7C15L);
        h = splitMix(h + step * 0xBF58476D1CE4E5B9L + 0x632BE59BD9B4E019L);
        h = splitMix(h + event * 0x94D049BB133111EBL + 0x2545F4914F6CDD1DL);
        return splitMix(h + ((((long) purpose) << 32) | (substream & 0xFFFFFFFFL)) * 0x9E3779B97F4A7C15L);
    }

    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Test
    void eventSeedsFollowTheDocumentedRule() {
        RandomStreams streams = new RandomStreams(-42);
        for (long event : new long[] {0, 1, 1_000_000_007L, Long.MAX_VALUE}) {
            assertThat(streams.eventSeed(5, event, StreamPurpose.SIMULATION, 0)).isEqualTo(documentedSeed(-42, 5, event, 1, 0));
            assertThat(streams.eventSeed(5, event, StreamPurpose.FINITE_DIFFERENCE, 3)).isEqualTo(documentedSeed(-42, 5, event, 3, 3));
        }
    }
}
