package dev.detopt.model.cli;

import dev.detopt.model.branching.BranchingConfig;
import dev.detopt.model.branching.BranchingSimulator;
import dev.detopt.model.estimate.EstimatorStudy;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.Simulator;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.util.List;

/** Options shared by the estimator study commands ({@code estimate}, {@code scan}). */
final class StudyOptions {
    @Option(names = "--simulator", defaultValue = "branching", description = "Simulator (branching). Default: ${DEFAULT-VALUE}.")
    String simulator;

    @Option(names = "--split-prob", defaultValue = "1", description = "branching: split probability, 0 = energy loss, 1 = shower. Default: ${DEFAULT-VALUE}.")
    double splitProbability;

    @Option(names = "--estimators", split = ",", defaultValue = "all",
            description = "Comma-separated: all, pathwise, score, score-baseline, stochastic-ad, finite-difference, surrogate. Default: ${DEFAULT-VALUE}.")
    List<String> estimators;

    @Option(names = "--seed", defaultValue = "1", description = "Study seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--threads", description = "Worker threads. Default: available processors.")
    Integer threads;

    @Option(names = "--fd-step", defaultValue = "0.05", description = "Finite-difference step h. Default: ${DEFAULT-VALUE}.")
    double finiteDifferenceStep;

    @Option(names = "--fd-independent", description = "Finite differences with independent streams instead of common random numbers.")
    boolean finiteDifferenceIndependent;

    @Option(names = "--surrogate-width", defaultValue = "0.1", description = "Surrogate: width σ of the per-event design sampling. Default: ${DEFAULT-VALUE}.")
    double surrogateWidth;

    @Option(names = "--surrogate-quadratic", description = "Surrogate: also fit a diagonal quadratic term.")
    boolean surrogateQuadratic;

    @Option(names = "--no-reuse-uniforms", description = "Stochastic AD: the alternative draws only fresh numbers instead of reusing the primal's.")
    boolean noReuseUniforms;

    int threadCount(CommandLine commandLine) {
        int count = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (count < 1) {
            throw new ParameterException(commandLine, "--threads must be at least 1");
        }
        return count;
    }

    /** The configured simulator; bad options are reported as usage errors. */
    Simulator createSimulator(CommandLine commandLine) {
        if (!simulator.equals(BranchingSimulator.NAME)) {
            throw new ParameterException(commandLine, "unknown simulator '" + simulator + "'; known: " + BranchingSimulator.NAME);
        }
        BranchingConfig config = new BranchingConfig(splitProbability);
        if (!config.problems().isEmpty()) {
            throw new ParameterException(commandLine, "--split-prob: " + String.join("; ", config.problems()));
        }
        return new BranchingSimulator(config);
    }

    List<EstimatorSettings> estimatorSettings(CommandLine commandLine, Simulator sim) {
        if (!(finiteDifferenceStep > 0) || !Double.isFinite(finiteDifferenceStep)) {
            throw new ParameterException(commandLine, "--fd-step must be positive, was " + finiteDifferenceStep);
        }
        if (!(surrogateWidth > 0) || !Double.isFinite(surrogateWidth)) {
            throw new ParameterException(commandLine, "--surrogate-width must be positive, was " + surrogateWidth);
        }
        try {
            return EstimatorStudy.settings(estimators, sim.parameterNames().size(), finiteDifferenceStep,
                    !finiteDifferenceIndependent, !noReuseUniforms, surrogateWidth, surrogateQuadratic);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, "--estimators: " + e.getMessage());
        }
    }
}
