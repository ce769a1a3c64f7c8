package dev.detopt.model.branching;

import dev.detopt.model.estimate.ProgramEstimators;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.EventEvaluator;
import dev.detopt.model.sim.Simulator;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The branching shower in a material map (science.md §3): one parameter, the inner radius θ of the
 * material, which moves only discrete interaction decisions. Pathwise AD therefore gives exactly
 * zero (biased); the score function, stochastic AD and finite differences see the dependence.
 */
public final class BranchingSimulator implements Simulator {
    public static final String NAME = "branching";
    private static final List<String> PARAMETERS = List.of("theta");
    private static final List<String> OBSERVABLES = List.of("loss", "mean-hit-radius", "hits");

    private final BranchingConfig config;
    private final BranchingShower program;

    public BranchingSimulator(BranchingConfig config) {
        List<String> problems = config.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid branching configuration: " + String.join("; ", problems));
        }
        this.config = config;
        this.program = new BranchingShower(config.splitProbability());
    }

    public BranchingConfig config() {
        return config;
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
        if (point.values().length != 1) {
            throw new IllegalArgumentException("the branching simulator has one parameter (theta), got "
                    + point.values().length + " values");
        }
        return ProgramEstimators.evaluator(program, point, estimator);
    }
}
