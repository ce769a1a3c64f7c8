package dev.detopt.model.estimate;

import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.EventEvaluator;
import dev.detopt.model.sim.FiniteDifferenceEvaluator;
import dev.detopt.model.sim.PrimalSimulation;
import dev.detopt.model.sim.SurrogateEvaluator;

/**
 * The five gradient estimators of science.md §2 for any {@link SteppedProgram}: a simulator's
 * {@code evaluator(point, settings)} can delegate here. The program's θ-dependent Bernoulli
 * decisions are what pathwise AD misses and what the score function and stochastic AD see.
 *
 * <p>Pathwise, score and stochastic AD differentiate along one parameter: a design point with more
 * than one differentiated parameter is rejected with a clear error.
 */
public final class ProgramEstimators {
    private ProgramEstimators() {
    }

    public static <S> EventEvaluator evaluator(SteppedProgram<S> program, DesignPoint point, EstimatorSettings settings) {
        EstimatorKind kind = settings.kind();
        if (kind == EstimatorKind.FINITE_DIFFERENCE) {
            return new FiniteDifferenceEvaluator(primal(program), program.observables(), point, settings);
        }
        if (kind == EstimatorKind.SURROGATE) {
            return new SurrogateEvaluator(primal(program), program.observables(), point, settings);
        }
        if (point.differentiatedCount() > 1) {
            throw new IllegalArgumentException("the " + kind.wireName()
                    + " estimator of a stepped program differentiates one parameter at a time; "
                    + point.differentiatedCount() + " were requested");
        }
        return switch (kind) {
            case PATHWISE -> new PathwiseEvaluator<>(program, point);
            case SCORE -> new ScoreFunctionEvaluator<>(program, point, false);
            case SCORE_BASELINE -> new ScoreFunctionEvaluator<>(program, point, true);
            case STOCHASTIC_AD -> new StochasticAdEvaluator<>(program, point, settings.reuseUniforms());
            case FINITE_DIFFERENCE, SURROGATE -> throw new AssertionError("handled above");
        };
    }

    /** The program without derivatives, e.g. for finite differences. Thread-confined. */
    public static <S> PrimalSimulation primal(SteppedProgram<S> program) {
        S state = program.newState();
        double[] tangents = new double[program.observables()];
        PlainDraws draws = new PlainDraws();
        return (theta, random, out) -> {
            draws.random = random;
            program.start(state, theta, -1, draws);
            while (!program.finished(state)) {
                program.step(state, draws);
            }
            program.results(state, out, tangents);
            draws.random = null;
        };
    }
}
