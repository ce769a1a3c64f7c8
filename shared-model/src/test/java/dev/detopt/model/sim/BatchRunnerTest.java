package dev.detopt.model.sim;

import dev.detopt.model.random.EventRandomness;
import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.random.StreamPurpose;
import dev.detopt.model.stats.AccumulatorState;
import dev.detopt.model.stats.EventSample;
import dev.detopt.model.stats.SampleAccumulator;
import dev.detopt.model.stats.SampleLayout;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchRunnerTest {

    /** y = θ·u with u ~ U(0,1) and a variable amount of work; pathwise dy/dθ = u; E[y] = θ/2. */
    static final class ScaledUniform implements Simulator {
        @Override public String name() { return "scaled-uniform"; }
        @Override public List<String> parameterNames() { return List.of("theta"); }
        @Override public List<String> observableNames() { return List.of("y", "y2"); }
        @Override public Set<EstimatorKind> supportedEstimators() {
            return Set.of(EstimatorKind.PATHWISE, EstimatorKind.FINITE_DIFFERENCE);
        }
        @Override public EventEvaluator evaluator(DesignPoint point, EstimatorSettings estimator) {
            requireSupported(estimator.kind());
            PrimalSimulation primal = (theta, random, out) -> {
                double u = draw(random);
                out[0] = theta[0] * u;
                out[1] = out[0] * out[0];
            };
            if (estimator.kind() == EstimatorKind.FINITE_DIFFERENCE) {
                return new FiniteDifferenceEvaluator(primal, 2, point, estimator);
            }
            double theta = point.value(0);
            SampleLayout layout = new SampleLayout(2, point.differentiatedCount(), SampleLayout.GradientForm.DIRECT);
            return new EventEvaluator() {
                @Override public SampleLayout layout() { return layout; }
                @Override public void evaluate(EventRandomness randomness, EventSample out) {
                    double u = draw(randomness.stream(StreamPurpose.SIMULATION));
                    out.observables[0] = theta * u;
                    out.observables[1] = theta * u * theta * u;
                    if (layout.parameters() == 1) {
                        out.gradient[0] = u;
                        out.gradient[1] = 2 * theta * u * u;
                    }
                }
            };
        }

        private static double draw(RandomGenerator random) {
            int extra = random.nextInt(50);
            double u = random.nextDouble();
            for (int i = 0; i < extra; i++) {
                u = (u + random.nextDouble() * 1e-12) % 1.0;
            }
            return u;
        }
    }

    private final Simulator simulator = new ScaledUniform();
    private final DesignPoint point = new DesignPoint(new double[] {3.0}, new int[] {0});

    @Test
    void sameStatisticsForAnyThreadCountChunkingAndBatchSplit() {
        RandomStreams streams = new RandomStreams(99);
        SampleAccumulator single;
        try (BatchRunner one = new BatchRunner(simulator, point, EstimatorSettings.of(EstimatorKind.PATHWISE), streams, 4, 1)) {
            single = one.run(0, 2_000);
        }
        SampleAccumulator split = null;
        try (BatchRunner two = new BatchRunner(simulator, point, EstimatorSettings.of(EstimatorKind.PATHWISE), streams, 4, 2)) {
            List<SampleAccumulator> batches = new ArrayList<>();
            long[] edges = {0, 333, 1000, 1001, 2000};
            for (int b = 0; b + 1 < edges.length; b++) {
                batches.add(two.run(edges[b], edges[b + 1]));
            }
            for (SampleAccumulator batch : batches) {
                if (split == null) {
                    split = batch;
                } else {
                    split.merge(batch);
                }
            }
        }
        assertThat(split.state()).isEqualTo(single.state());
        assertThat(split.summary().mean()[0]).isEqualTo(single.summary().mean()[0]);
    }

    @Test
    void checkpointAndResumeIsBitIdentical() {
        RandomStreams streams = new RandomStreams(5);
        EstimatorSettings pathwise = EstimatorSettings.of(EstimatorKind.PATHWISE);
        SampleAccumulator reference;
        try (BatchRunner runner = new BatchRunner(simulator, point, pathwise, streams, 0, 2)) {
            reference = runner.run(100, 1_100);
        }
        List<BatchRunner.Progress> checkpoints = new ArrayList<>();
        BatchRunner.Progress stopped;
        try (BatchRunner runner = new BatchRunner(simulator, point, pathwise, streams, 0, 2)) {
            stopped = runner.run(new BatchRunner.Progress(100, new SampleAccumulator(runner.layout())), 1_100, 64,
                    progress -> checkpoints.add(new BatchRunner.Progress(progress.nextEvent(),
                            SampleAccumulator.restore(progress.statistics().state()))),
                    () -> checkpoints.size() >= 3);
        }
        assertThat(stopped.nextEvent()).isEqualTo(100 + 3 * 64);
        AccumulatorState saved = checkpoints.get(2).statistics().state();
        BatchRunner.Progress resumed;
        try (BatchRunner runner = new BatchRunner(simulator, point, pathwise, streams, 0, 1)) {
            resumed = runner.run(new BatchRunner.Progress(checkpoints.get(2).nextEvent(), SampleAccumulator.restore(saved)),
                    1_100, 1000, p -> { }, () -> false);
        }
        assertThat(resumed.statistics().state()).isEqualTo(reference.state());
    }

    @Test
    void estimatesAgreeWithTheAnalyticExpectation() {
        RandomStreams streams = new RandomStreams(1);
        try (BatchRunner runner = new BatchRunner(simulator, point, EstimatorSettings.of(EstimatorKind.PATHWISE), streams, 0, 2)) {
            var summary = runner.run(0, 20_000).summary();
            // E[y] = θ/2, dE[y]/dθ = 1/2, E[y²] = θ²/3, dE[y²]/dθ = 2θ/3
            assertThat(summary.mean()[0]).isCloseTo(1.5, org.assertj.core.data.Offset.offset(4 * summary.meanStderr()[0]));
            assertThat(summary.gradient(0, 0)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(4 * summary.gradientStderr(0, 0)));
            assertThat(summary.gradient(1, 0)).isCloseTo(2.0, org.assertj.core.data.Offset.offset(4 * summary.gradientStderr(1, 0)));
        }
    }

    @Test
    void finiteDifferencesWithCommonRandomNumbersMatchPathwiseOnASmoothModel() {
        RandomStreams streams = new RandomStreams(8);
        EstimatorSettings fd = EstimatorSettings.finiteDifference(new double[] {1e-3}, true);
        try (BatchRunner pathwise = new BatchRunner(simulator, point, EstimatorSettings.of(EstimatorKind.PATHWISE), streams, 0, 1);
             BatchRunner finite = new BatchRunner(simulator, point, fd, streams, 0, 1)) {
            var a = pathwise.run(0, 500).summary();
            var b = finite.run(0, 500).summary();
            assertThat(b.gradient(0, 0)).isCloseTo(a.gradient(0, 0), org.assertj.core.data.Offset.offset(1e-9));
            assertThat(b.mean()[0]).isEqualTo(a.mean()[0]);
        }
    }

    @Test
    void unsupportedEstimatorIsAClearError() {
        assertThatThrownBy(() -> new BatchRunner(simulator, point, EstimatorSettings.of(EstimatorKind.SCORE),
                new RandomStreams(1), 0, 1))
                .isInstanceOf(UnsupportedEstimatorException.class)
                .hasMessageContaining("score").hasMessageContaining("scaled-uniform");
    }
}
