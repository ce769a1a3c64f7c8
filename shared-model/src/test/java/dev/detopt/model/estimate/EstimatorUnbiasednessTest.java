package dev.detopt.model.estimate;

import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.EventEvaluator;
import dev.detopt.model.stats.EventSample;
import dev.detopt.model.stats.SampleAccumulator;
import dev.detopt.model.stats.SampleSummary;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Unbiasedness of the estimators on programs whose exact expectation is known in closed form or by
 * enumerating the program's tree (issue 4, point 3; issue 22, point 3). Every estimator must lie
 * within 4 standard errors of its exact expectation for each seed of a fixed set and for the pooled
 * run. The exact expectation of a finite difference is the central difference of the exact mean,
 * so its step can be large (low variance) without a bias to allow for. Each window must also be
 * narrow against the effect it guards — at most 15 % of the exact value per seed and 10 % pooled —
 * so a sign error or a factor of two fails on every seed; windows are printed and in the messages.
 */
class EstimatorUnbiasednessTest {
    private static final long[] SEEDS = {11, 12, 13};
    private static final double TOLERANCE_IN_STANDARD_ERRORS = 4;
    /** The widest window (4 standard errors) allowed per seed, as a fraction of the exact value. */
    private static final double MAX_WINDOW_PER_SEED = 0.15;
    /** The widest window allowed for the pooled run, as a fraction of the exact value. */
    private static final double MAX_WINDOW_POOLED = 0.1;

    /** f(θ) = [u ≥ 0.6 − dθ] + 1: E[f] = 1.4 + dθ, derivative d; pathwise sees a constant. */
    private static final double D = 0.5;
    private static final StraightLineProgram THRESHOLD = (theta, direction, random, y, tangents) -> {
        boolean b = random.bernoulli(0.4 + D * theta[0], direction == 0 ? D : 0);
        y[0] = (b ? 1 : 0) + 1;
        tangents[0] = 0;
    };

    /** b ~ Bernoulli(h(θ)), f = g(θ) + b with g = θ² and h = e^(−θ) (a decreasing probability). */
    private static final StraightLineProgram SMOOTH_PLUS_DECISION = (theta, direction, random, y, tangents) -> {
        double t = theta[0];
        double h = Math.exp(-t);
        boolean b = random.bernoulli(h, direction == 0 ? -h : 0);
        y[0] = t * t + (b ? 1 : 0);
        tangents[0] = direction == 0 ? 2 * t : 0;
    };

    /** Settings of every estimator (finite differences with and without common random numbers, SAD with and without reuse). */
    private static List<EstimatorSettings> allSettings(double finiteDifferenceStep) {
        List<EstimatorSettings> settings = new ArrayList<>();
        settings.add(EstimatorSettings.of(EstimatorKind.SCORE));
        settings.add(EstimatorSettings.of(EstimatorKind.SCORE_BASELINE));
        settings.add(new EstimatorSettings(EstimatorKind.STOCHASTIC_AD, null, true, true));
        settings.add(new EstimatorSettings(EstimatorKind.STOCHASTIC_AD, null, true, false));
        settings.add(EstimatorSettings.finiteDifference(new double[] {finiteDifferenceStep}, true));
        settings.add(EstimatorSettings.finiteDifference(new double[] {finiteDifferenceStep}, false));
        return settings;
    }

    static <S> SampleAccumulator run(SteppedProgram<S> program, double theta, EstimatorSettings settings, long seed, int events) {
        EventEvaluator evaluator = ProgramEstimators.evaluator(program, new DesignPoint(new double[] {theta}, new int[] {0}), settings);
        RandomStreams streams = new RandomStreams(seed);
        SampleAccumulator accumulator = new SampleAccumulator(evaluator.layout());
        EventSample sample = new EventSample(evaluator.layout());
        for (int event = 0; event < events; event++) {
            sample.clear();
            evaluator.evaluate(streams.event(0, event), sample);
            accumulator.add(sample);
        }
        return accumulator;
    }

    /**
     * Asserts each seed and the pooled run within 4 standard errors of {@code exact}, each window no
     * wider than its allowed fraction of {@code exact}; returns the pooled summary.
     */
    private static <S> SampleSummary assertUnbiased(String name, SteppedProgram<S> program, double theta,
                                                    EstimatorSettings settings, int eventsPerSeed, int observable, double exact) {
        SampleAccumulator pooled = null;
        for (long seed : SEEDS) {
            SampleAccumulator run = run(program, theta, settings, seed, eventsPerSeed);
            assertWithinWindow(name + " " + settings + " seed " + seed, run.summary(), observable, exact, MAX_WINDOW_PER_SEED);
            if (pooled == null) {
                pooled = run;
            } else {
                pooled.merge(run);
            }
        }
        SampleSummary summary = pooled.summary();
        assertWithinWindow(name + " " + settings + " pooled", summary, observable, exact, MAX_WINDOW_POOLED);
        return summary;
    }

    private static void assertWithinWindow(String what, SampleSummary summary, int observable, double exact,
                                           double maxWindow) {
        double estimate = summary.gradient(observable, 0);
        double stderr = summary.gradientStderr(observable, 0);
        double window = TOLERANCE_IN_STANDARD_ERRORS * stderr;
        String report = String.format("%s: %.5f, exact %.5f, window ±%.5f (4σ, ±%.1f %% of the exact value; allowed ±%.0f %%),"
                + " %.2f σ off", what, estimate, exact, window, 100 * window / Math.abs(exact), 100 * maxWindow,
                (estimate - exact) / stderr);
        System.out.println(report);
        assertThat(stderr).as(report).isPositive();
        assertThat(window).as("window too wide for the effect it guards: " + report)
                .isLessThanOrEqualTo(maxWindow * Math.abs(exact));
        assertThat(estimate).as(report).isCloseTo(exact, within(window));
    }

    /** The exact expectation of the estimator: the derivative, or for finite differences the central difference of the mean. */
    private static double expected(EstimatorSettings settings, java.util.function.DoubleUnaryOperator mean, double theta,
                                   double derivative) {
        if (settings.kind() != EstimatorKind.FINITE_DIFFERENCE) {
            return derivative;
        }
        double h = settings.finiteDifferenceSteps()[0];
        return (mean.applyAsDouble(theta + h) - mean.applyAsDouble(theta - h)) / (2 * h);
    }

    @Test
    void thresholdProgramIsEstimatedWithoutBiasByEveryEstimatorButPathwise() {
        SteppedProgram<?> program = THRESHOLD.asStepped(1);
        double theta = 0.3;
        // E[f] = 1.4 + dθ is linear: its central difference is d for every h (θ ± h keeps the probability in [0, 1])
        for (EstimatorSettings settings : allSettings(0.2)) {
            assertUnbiased("[u ≥ 0.6 − dθ] + 1", program, theta, settings, 20_000, 0,
                    expected(settings, t -> 1.4 + D * t, theta, D));
        }
    }

    @Test
    void pathwiseIsBiasedOnTheThresholdProgram() {
        SteppedProgram<?> program = THRESHOLD.asStepped(1);
        SampleSummary pathwise = run(program, 0.3, EstimatorSettings.of(EstimatorKind.PATHWISE), 11, 20_000).summary();
        SampleSummary stochasticAd = run(program, 0.3, EstimatorSettings.of(EstimatorKind.STOCHASTIC_AD), 11, 20_000).summary();
        System.out.printf("pathwise on [u ≥ 0.6 − dθ] + 1: %.5f ± %.5f, exact %.5f%n",
                pathwise.gradient(0, 0), pathwise.gradientStderr(0, 0), D);
        // every event's pathwise derivative is exactly zero ...
        assertThat(pathwise.gradient(0, 0)).isZero();
        assertThat(pathwise.gradientStderr(0, 0)).isZero();
        // ... while the true derivative d is resolved many standard errors away from zero
        assertThat(D).isGreaterThan(20 * stochasticAd.gradientStderr(0, 0));
        // the primal itself is right: E[f] = 1.4 + dθ
        assertThat(pathwise.mean()[0]).isCloseTo(1.4 + D * 0.3, within(4 * pathwise.meanStderr()[0]));
    }

    @Test
    void smoothTermPlusDecisionIsEstimatedWithoutBias() {
        SteppedProgram<?> program = SMOOTH_PLUS_DECISION.asStepped(1);
        double theta = 0.7;
        double exact = 2 * theta - Math.exp(-theta);
        // E[f] = θ² + e^−θ; a finite difference's expectation is its central difference (exact below).
        // The baseline scales the pathwise term g'(θ) by N/(N−1): a known +2θ/(N−1) ≈ 7e-5 per seed, about one
        // of its (tiny) standard errors; it is reported in the output and documented in docs/estimators.md.
        for (EstimatorSettings settings : allSettings(0.2)) {
            assertUnbiased("θ² + Bernoulli(e^−θ)", program, theta, settings, 20_000, 0,
                    expected(settings, t -> t * t + Math.exp(-t), theta, exact));
        }
        SampleSummary pathwise = run(program, theta, EstimatorSettings.of(EstimatorKind.PATHWISE), 11, 2_000).summary();
        // pathwise keeps only g'(θ) = 2θ, exactly, and misses h'(θ)
        assertThat(pathwise.gradient(0, 0)).isCloseTo(2 * theta, within(1e-12));
    }

    @Test
    void multiStepWalkExercisesLockstepAlternatives() {
        SteppedProgram<Walk.State> program = new Walk();
        // Where all three derivatives are large (at θ = 0.4, d E[x] ≈ −0.07 is lost in any fast test's noise).
        double theta = -0.7;
        double[] exact = Walk.exactGradients(theta);
        System.out.printf("walk exact: d E[x²] = %.5f, d E[x] = %.5f, d E[θx] = %.5f%n", exact[0], exact[1], exact[2]);
        for (EstimatorSettings settings : allSettings(0.2)) {
            if (settings.kind() == EstimatorKind.FINITE_DIFFERENCE && !settings.commonRandomNumbers()) {
                continue; // independent streams: a window of ±16 % of d E[x²] per seed at 20 000 events, too wide
            }
            for (int observable = 0; observable < 3; observable++) {
                int o = observable;
                assertUnbiased("walk observable " + observable, program, theta, settings, 20_000, observable,
                        expected(settings, t -> Walk.exactMeans(t)[o], theta, exact[observable]));
            }
        }
    }

    @Test
    void reusingThePrimalUniformsLowersTheStochasticAdVarianceOnTheWalk() {
        SteppedProgram<Walk.State> program = new Walk();
        SampleSummary reuse = run(program, 0.4, new EstimatorSettings(EstimatorKind.STOCHASTIC_AD, null, true, true), 21, 40_000).summary();
        SampleSummary fresh = run(program, 0.4, new EstimatorSettings(EstimatorKind.STOCHASTIC_AD, null, true, false), 21, 40_000).summary();
        System.out.printf("walk SAD standard error of d E[x²]: reuse %.5f, fresh %.5f%n",
                reuse.gradientStderr(0, 0), fresh.gradientStderr(0, 0));
        assertThat(reuse.gradientStderr(0, 0)).isLessThan(0.95 * fresh.gradientStderr(0, 0));
    }

    @Test
    void estimatesAreReproducibleEventByEvent() {
        SteppedProgram<Walk.State> program = new Walk();
        for (EstimatorSettings settings : allSettings(1e-3)) {
            SampleAccumulator first = run(program, 0.4, settings, 5, 500);
            SampleAccumulator second = run(program, 0.4, settings, 5, 500);
            assertThat(second.state()).as(settings.toString()).isEqualTo(first.state());
        }
    }

    @Test
    void moreThanOneDifferentiatedParameterIsAClearError() {
        SteppedProgram<?> program = THRESHOLD.asStepped(1);
        DesignPoint two = new DesignPoint(new double[] {0.3, 1.0}, new int[] {0, 1});
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ProgramEstimators.evaluator(program, two, EstimatorSettings.of(EstimatorKind.STOCHASTIC_AD)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one parameter");
    }

    /**
     * A five-step walk: at each step x grows with probability p = σ(1.5 sin(θ + x)), by 2 with
     * probability 0.3 (a θ-independent uniform drawn only then) and by 1 otherwise. The sign of
     * dp/dθ changes with x, so both kinds of candidate occur. Observables x², x and θ·x (the last
     * with a pathwise tangent x).
     */
    static final class Walk implements SteppedProgram<Walk.State> {
        static final int STEPS = 5;

        static final class State {
            double theta;
            boolean tracks;
            int x;
            int step;
        }

        static double probability(double theta, int x) {
            return 1 / (1 + Math.exp(-1.5 * Math.sin(theta + x)));
        }

        static double probabilityDerivative(double theta, int x) {
            double p = probability(theta, x);
            return p * (1 - p) * 1.5 * Math.cos(theta + x);
        }

        @Override public int observables() { return 3; }
        @Override public State newState() { return new State(); }

        @Override
        public void copy(State from, State into) {
            into.theta = from.theta;
            into.tracks = from.tracks;
            into.x = from.x;
            into.step = from.step;
        }

        @Override
        public void start(State s, double[] theta, int direction, RandomContext random) {
            s.theta = theta[0];
            s.tracks = direction == 0;
            s.x = 0;
            s.step = 0;
        }

        @Override public boolean finished(State s) { return s.step == STEPS; }

        @Override
        public void step(State s, RandomContext random) {
            double p = probability(s.theta, s.x);
            if (random.bernoulli(p, s.tracks ? probabilityDerivative(s.theta, s.x) : 0)) {
                s.x += random.uniform() < 0.3 ? 2 : 1;
            }
            s.step++;
        }

        @Override
        public void results(State s, double[] y, double[] tangents) {
            y[0] = s.x * (double) s.x;
            y[1] = s.x;
            y[2] = s.theta * s.x;
            tangents[0] = 0;
            tangents[1] = 0;
            tangents[2] = s.tracks ? s.x : 0;
        }

        /** E[x²], E[x], E[θx] by exact enumeration of the walk's tree. */
        static double[] exactMeans(double theta) {
            double[] value = new double[3];
            enumerate(theta, 0, 0, value, new double[3]);
            return value;
        }

        /** d/dθ of E[x²], E[x], E[θx] by exact enumeration of the walk's tree. */
        static double[] exactGradients(double theta) {
            double[] value = new double[3];
            double[] derivative = new double[3];
            enumerate(theta, 0, 0, value, derivative);
            return derivative;
        }

        /** Fills E[f | step, x] and its θ-derivative for the three observables. */
        private static void enumerate(double theta, int step, int x, double[] value, double[] derivative) {
            if (step == STEPS) {
                value[0] = x * (double) x;
                value[1] = x;
                value[2] = theta * x;
                derivative[0] = 0;
                derivative[1] = 0;
                derivative[2] = x;
                return;
            }
            double p = probability(theta, x);
            double dp = probabilityDerivative(theta, x);
            double[] stay = new double[3];
            double[] dStay = new double[3];
            double[] one = new double[3];
            double[] dOne = new double[3];
            double[] two = new double[3];
            double[] dTwo = new double[3];
            enumerate(theta, step + 1, x, stay, dStay);
            enumerate(theta, step + 1, x + 1, one, dOne);
            enumerate(theta, step + 1, x + 2, two, dTwo);
            for (int i = 0; i < 3; i++) {
                double moved = 0.3 * two[i] + 0.7 * one[i];
                double dMoved = 0.3 * dTwo[i] + 0.7 * dOne[i];
                value[i] = p * moved + (1 - p) * stay[i];
                derivative[i] = dp * (moved - stay[i]) + p * dMoved + (1 - p) * dStay[i];
            }
        }
    }
}
