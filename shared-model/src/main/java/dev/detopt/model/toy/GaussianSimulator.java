package dev.detopt.model.toy;

import dev.detopt.model.random.EventRandomness;
import dev.detopt.model.random.StreamPurpose;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.EventEvaluator;
import dev.detopt.model.sim.FiniteDifferenceEvaluator;
import dev.detopt.model.sim.PrimalSimulation;
import dev.detopt.model.sim.Simulator;
import dev.detopt.model.sim.SurrogateEvaluator;
import dev.detopt.model.stats.EventSample;
import dev.detopt.model.stats.SampleLayout;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * An analytic toy simulator, cheap enough for service and contract tests and exact enough to check
 * optimizers: y = μ + σ·z with z ~ N(0, 1), observables y, y² and loss = (y − center)². So
 * E[y] = μ, E[y²] = μ² + σ², E[loss] = (μ − center)² + σ². Supports every estimator (its
 * randomness is continuous, so stochastic AD reduces to pathwise; the score of N(μ, σ²) is
 * (z/σ, (z² − 1)/σ)). Parameters: "mu", "sigma" (σ must stay positive: give it a lower bound).
 */
public final class GaussianSimulator implements Simulator {
    public static final String NAME = "gaussian";
    private static final List<String> PARAMETERS = List.of("mu", "sigma");
    private static final List<String> OBSERVABLES = List.of("y", "y.squared", "loss");
    private static final int OBSERVABLE_COUNT = OBSERVABLES.size();

    /** @param center the point the per-event loss measures from */
    public record Config(double center) {
        public static Config defaults() {
            return new Config(2.0);
        }

        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            if (!Double.isFinite(center)) {
                problems.add("center must be a finite number");
            }
            return problems;
        }
    }

    private final double center;

    public GaussianSimulator(Config config) {
        this.center = config.center();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> parameterNames() {
        return PARAMETERS;
    }

    @Override
    public List<String> observableNames() {
        return OBSERVABLES;
    }

    @Override
    public Set<EstimatorKind> supportedEstimators() {
        return EnumSet.allOf(EstimatorKind.class);
    }

    @Override
    public EventEvaluator evaluator(DesignPoint point, EstimatorSettings estimator) {
        requireSupported(estimator.kind());
        if (estimator.kind() == EstimatorKind.FINITE_DIFFERENCE || estimator.kind() == EstimatorKind.SURROGATE) {
            PrimalSimulation primal = (theta, random, out) -> observe(theta[0] + theta[1] * random.nextGaussian(), out);
            return estimator.kind() == EstimatorKind.SURROGATE
                    ? new SurrogateEvaluator(primal, OBSERVABLE_COUNT, point, estimator)
                    : new FiniteDifferenceEvaluator(primal, OBSERVABLE_COUNT, point, estimator);
        }
        SampleLayout.GradientForm form = switch (estimator.kind()) {
            case SCORE -> SampleLayout.GradientForm.SCORE;
            case SCORE_BASELINE -> SampleLayout.GradientForm.SCORE_BASELINE;
            default -> SampleLayout.GradientForm.DIRECT;
        };
        return new Evaluator(point, new SampleLayout(OBSERVABLE_COUNT, point.differentiatedCount(), form));
    }

    private void observe(double y, double[] out) {
        out[0] = y;
        out[1] = y * y;
        out[2] = (y - center) * (y - center);
    }

    private final class Evaluator implements EventEvaluator {
        private final double mu;
        private final double sigma;
        private final int[] differentiated;
        private final SampleLayout layout;

        Evaluator(DesignPoint point, SampleLayout layout) {
            this.mu = point.value(0);
            this.sigma = point.value(1);
            this.differentiated = point.differentiated();
            this.layout = layout;
        }

        @Override
        public SampleLayout layout() {
            return layout;
        }

        @Override
        public void evaluate(EventRandomness randomness, EventSample out) {
            double z = randomness.stream(StreamPurpose.SIMULATION).nextGaussian();
            double y = mu + sigma * z;
            observe(y, out.observables);
            int n = differentiated.length;
            for (int k = 0; k < n; k++) {
                boolean isMu = differentiated[k] == 0;
                if (layout.hasScore()) {
                    double score = isMu ? z / sigma : (z * z - 1) / sigma;
                    out.score[k] = score;
                    for (int i = 0; i < OBSERVABLE_COUNT; i++) {
                        out.gradient[i * n + k] = out.observables[i] * score;
                    }
                } else {
                    double dy = isMu ? 1.0 : z;
                    out.gradient[k] = dy;
                    out.gradient[n + k] = 2 * y * dy;
                    out.gradient[2 * n + k] = 2 * (y - center) * dy;
                }
            }
        }
    }
}
