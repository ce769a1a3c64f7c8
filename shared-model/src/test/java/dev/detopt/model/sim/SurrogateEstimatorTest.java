package dev.detopt.model.sim;

import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.random.StreamPurpose;
import dev.detopt.model.stats.AccumulatorState;
import dev.detopt.model.stats.EventSample;
import dev.detopt.model.stats.SampleAccumulator;
import dev.detopt.model.stats.SampleLayout;
import dev.detopt.model.stats.SampleSummary;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.model.toy.GaussianSimulator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The surrogate estimator on programs whose mean response is known in closed form. Expected values
 * come from the formulas in the comments, with the design ξ ~ U(−√3, √3): E[ξ²] = 1, E[ξ⁴] = 9/5,
 * so a linear fit's slope is f' + f'''·(9/5)σ²/6 = f' + 0.3·f'''·σ² and its intercept f + f''σ²/2.
 */
class SurrogateEstimatorTest {

    /**
     * Parameters (x, z); observables cubic = x³ + x·z + 0.5·N(0, 1) and hit = [u < x/4 + 1/2] (a
     * black box whose per-event output does not change continuously with x).
     */
    static final class AnalyticProgram implements Simulator {
        @Override public String name() { return "analytic"; }
        @Override public List<String> parameterNames() { return List.of("x", "z"); }
        @Override public List<String> observableNames() { return List.of("cubic", "hit"); }
        @Override public Set<EstimatorKind> supportedEstimators() { return Set.of(EstimatorKind.SURROGATE); }
        @Override public EventEvaluator evaluator(DesignPoint point, EstimatorSettings estimator) {
            requireSupported(estimator.kind());
            PrimalSimulation primal = (theta, random, out) -> {
                double x = theta[0];
                double z = theta[1];
                out[0] = x * x * x + x * z + 0.5 * random.nextGaussian();
                out[1] = random.nextDouble() < x / 4 + 0.5 ? 1.0 : 0.0;
            };
            return new SurrogateEvaluator(primal, 2, point, estimator);
        }
    }

    private static final double X = 1.0;
    private static final double Z = 0.5;
    private static final double SIGMA_X = 0.2;
    private static final double SIGMA_Z = 0.3;
    private static final long EVENTS = 40_000;

    private static SampleSummary run(Simulator simulator, double[] theta, double[] widths, boolean quadratic, long seed,
                                     long events) {
        int[] all = new int[theta.length];
        for (int j = 0; j < all.length; j++) {
            all[j] = j;
        }
        try (BatchRunner runner = new BatchRunner(simulator, new DesignPoint(theta, all),
                EstimatorSettings.surrogate(widths, quadratic), new RandomStreams(seed), 0, 2)) {
            return runner.run(0, events).summary();
        }
    }

    private static void assertWithin4Se(double estimate, double stderr, double exact) {
        assertThat(stderr).isPositive().isFinite();
        assertThat(Math.abs(estimate - exact)).as("%s ± %s against %s", estimate, stderr, exact).isLessThan(4 * stderr);
    }

    @Test
    void linearSurrogateMatchesTheExactGradientPlusItsKnownSigmaSquaredBias() {
        SampleSummary s = run(new AnalyticProgram(), new double[] {X, Z}, new double[] {SIGMA_X, SIGMA_Z}, false, 11, EVENTS);
        System.out.printf("linear: d cubic/dx %.5f ± %.5f, d cubic/dz %.5f ± %.5f, d hit/dx %.5f ± %.5f, mean cubic %.5f ± %.5f%n",
                s.gradient(0, 0), s.gradientStderr(0, 0), s.gradient(0, 1), s.gradientStderr(0, 1),
                s.gradient(1, 0), s.gradientStderr(1, 0), s.mean()[0], s.meanStderr()[0]);
        // ∂/∂x (x³ + xz) = 3x² + z = 3.5, plus 0.3·6·σx² = 0.072 from the third derivative
        assertWithin4Se(s.gradient(0, 0), s.gradientStderr(0, 0), 3 * X * X + Z + 1.8 * SIGMA_X * SIGMA_X);
        // ∂/∂z = x (no third derivative in z; the xz cross term is uncorrelated with δ)
        assertWithin4Se(s.gradient(0, 1), s.gradientStderr(0, 1), X);
        // P(hit) = x/4 + 1/2 is linear: slope 1/4 exactly, none in z
        assertWithin4Se(s.gradient(1, 0), s.gradientStderr(1, 0), 0.25);
        assertWithin4Se(s.gradient(1, 1), s.gradientStderr(1, 1), 0.0);
        // intercept of a linear fit: the mean over the smeared designs, x³ + xz + 3x·σx²
        assertWithin4Se(s.mean()[0], s.meanStderr()[0], X * X * X + X * Z + 3 * X * SIGMA_X * SIGMA_X);
        assertWithin4Se(s.mean()[1], s.meanStderr()[1], X / 4 + 0.5);
    }

    @Test
    void quadraticSurrogateRemovesTheCurvatureFromTheMean() {
        SampleSummary s = run(new AnalyticProgram(), new double[] {X, Z}, new double[] {SIGMA_X, SIGMA_Z}, true, 12, EVENTS);
        System.out.printf("quadratic: d cubic/dx %.5f ± %.5f, mean cubic %.5f ± %.5f%n",
                s.gradient(0, 0), s.gradientStderr(0, 0), s.mean()[0], s.meanStderr()[0]);
        assertWithin4Se(s.gradient(0, 0), s.gradientStderr(0, 0), 3 * X * X + Z + 1.8 * SIGMA_X * SIGMA_X);
        assertWithin4Se(s.gradient(0, 1), s.gradientStderr(0, 1), X);
        assertWithin4Se(s.gradient(1, 0), s.gradientStderr(1, 0), 0.25);
        // the δ² term takes the curvature 3x·δx², so the intercept is f(θ) = x³ + xz itself
        assertWithin4Se(s.mean()[0], s.meanStderr()[0], X * X * X + X * Z);
    }

    @Test
    void secondMomentsGiveTheResolutionAtThetaWithTheQuadraticTerm() {
        // gaussian: y = μ + s·N(0,1); E[y] = μ, E[y²] = μ² + s², so ∂E[y²]/∂μ = 2μ and ∂E[y²]/∂s = 2s
        double mu = 1.0;
        double s = 0.5;
        double wMu = 0.3;
        double wS = 0.2;
        GaussianSimulator gaussian = new GaussianSimulator(GaussianSimulator.Config.defaults());
        SampleSummary quadratic = run(gaussian, new double[] {mu, s}, new double[] {wMu, wS}, true, 13, EVENTS);
        assertWithin4Se(quadratic.mean()[1], quadratic.meanStderr()[1], mu * mu + s * s);
        assertWithin4Se(quadratic.gradient(1, 0), quadratic.gradientStderr(1, 0), 2 * mu);
        assertWithin4Se(quadratic.gradient(1, 1), quadratic.gradientStderr(1, 1), 2 * s);
        assertWithin4Se(quadratic.gradient(0, 0), quadratic.gradientStderr(0, 0), 1.0);
        assertWithin4Se(quadratic.gradient(0, 1), quadratic.gradientStderr(0, 1), 0.0);
        // without the quadratic term E[y²] also holds the design spread: μ² + s² + wμ² + wS²
        SampleSummary linear = run(gaussian, new double[] {mu, s}, new double[] {wMu, wS}, false, 13, EVENTS);
        assertWithin4Se(linear.mean()[1], linear.meanStderr()[1], mu * mu + s * s + wMu * wMu + wS * wS);
        assertThat(Math.abs(linear.mean()[1] - (mu * mu + s * s))).isGreaterThan(10 * linear.meanStderr()[1]);
    }

    @Test
    void antitheticPairsMirrorTheDisplacementAndUseTheirOwnSimulationStreams() {
        Simulator simulator = new AnalyticProgram();
        DesignPoint point = new DesignPoint(new double[] {X, Z}, new int[] {0, 1});
        EventEvaluator evaluator = simulator.evaluator(point, EstimatorSettings.surrogate(new double[] {SIGMA_X, SIGMA_Z}, false));
        RandomStreams streams = new RandomStreams(5);
        EventSample even = new EventSample(evaluator.layout());
        EventSample odd = new EventSample(evaluator.layout());
        evaluator.evaluate(streams.event(3, 10), even);
        evaluator.evaluate(streams.event(3, 11), odd);
        // ξ of the pair (10, 11) is the first draw of event 10's SURROGATE stream, mapped to ±√3·σ
        var pairStream = streams.stream(3, 10, StreamPurpose.SURROGATE);
        double xiX = Math.sqrt(3) * (2 * pairStream.nextDouble() - 1);
        double xiZ = Math.sqrt(3) * (2 * pairStream.nextDouble() - 1);
        assertThat(even.displacement).containsExactly(SIGMA_X * xiX, SIGMA_Z * xiZ);
        assertThat(odd.displacement).containsExactly(-SIGMA_X * xiX, -SIGMA_Z * xiZ);
        assertThat(even.observables[0]).isNotEqualTo(-odd.observables[0]);
        assertThat(Math.abs(even.displacement[0])).isLessThanOrEqualTo(Math.sqrt(3) * SIGMA_X);
    }

    @Test
    void statisticsAreBitIdenticalForAnyThreadCountBatchSplitAndCheckpoint() {
        GaussianSimulator gaussian = new GaussianSimulator(GaussianSimulator.Config.defaults());
        DesignPoint point = new DesignPoint(new double[] {1.0, 0.5}, new int[] {0, 1});
        EstimatorSettings settings = EstimatorSettings.surrogate(new double[] {0.3, 0.2}, true);
        RandomStreams streams = new RandomStreams(77);
        SampleAccumulator whole;
        try (BatchRunner one = new BatchRunner(gaussian, point, settings, streams, 2, 1)) {
            whole = one.run(0, 2_001);
        }
        SampleAccumulator split = new SampleAccumulator(whole.layout());
        try (BatchRunner three = new BatchRunner(gaussian, point, settings, streams, 2, 3)) {
            // odd edges split antithetic pairs across batches; a checkpoint goes through JSON mid-batch
            long[] edges = {0, 333, 1_000, 1_001, 2_001};
            for (int b = 0; b + 1 < edges.length; b++) {
                BatchRunner.Progress half = three.run(new BatchRunner.Progress(edges[b], new SampleAccumulator(three.layout())),
                        (edges[b] + edges[b + 1]) / 2, 7, p -> { }, () -> false);
                AccumulatorState saved = WireJson.read(WireJson.write(half.statistics().state()), AccumulatorState.class);
                BatchRunner.Progress done = three.run(new BatchRunner.Progress(half.nextEvent(), SampleAccumulator.restore(saved)),
                        edges[b + 1], 64, p -> { }, () -> false);
                split.merge(done.statistics());
            }
        }
        assertThat(split.state()).isEqualTo(whole.state());
        assertThat(split.summary().gradient()).containsExactly(whole.summary().gradient());
        assertThat(whole.layout().gradientForm()).isEqualTo(SampleLayout.GradientForm.SURROGATE_QUADRATIC);
    }

    @Test
    void statesAndTasksWrittenBeforeTheSurrogateExistedStillRead() {
        SampleAccumulator direct = new SampleAccumulator(new SampleLayout(1, 1, SampleLayout.GradientForm.DIRECT));
        String json = WireJson.write(direct.state()).replace(",\"sumXX\":[],\"sumXY\":[]", "");
        assertThat(json).doesNotContain("sumXX");
        assertThat(SampleAccumulator.restore(WireJson.read(json, AccumulatorState.class))).isEqualTo(direct);
        String settings = WireJson.write(EstimatorSettings.of(EstimatorKind.PATHWISE))
                .replace(",\"surrogateWidths\":[],\"surrogateQuadratic\":false", "");
        assertThat(settings).doesNotContain("surrogate");
        assertThat(WireJson.read(settings, EstimatorSettings.class)).isEqualTo(EstimatorSettings.of(EstimatorKind.PATHWISE));
    }

    @Test
    void tooFewEventsGiveNaNNotAnException() {
        SampleSummary s = run(new AnalyticProgram(), new double[] {X, Z}, new double[] {SIGMA_X, SIGMA_Z}, true, 1, 3);
        assertThat(s.gradient(0, 0)).isNaN();
    }

    @Test
    void widthsMustBePositiveForEveryDifferentiatedParameter() {
        Simulator simulator = new AnalyticProgram();
        DesignPoint point = new DesignPoint(new double[] {X, Z}, new int[] {0, 1});
        assertThatThrownBy(() -> simulator.evaluator(point, EstimatorSettings.surrogate(new double[] {0.1, 0.0}, false)))
                .hasMessageContaining("parameter 1");
        assertThatThrownBy(() -> simulator.evaluator(point, EstimatorSettings.surrogate(new double[] {0.1}, false)))
                .hasMessageContaining("one width");
    }
}
