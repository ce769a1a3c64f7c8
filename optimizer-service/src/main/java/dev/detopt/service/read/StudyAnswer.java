package dev.detopt.service.read;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The study's answer first: the design after the last update, its deviation from a known target,
 * an uncertainty per free parameter (and how it was computed), the best step labelled for what it
 * is, and when and how long it ran. Fields are null when there is nothing to say yet.
 *
 * @param finalTheta  θ after the last optimizer update (the design the next step would simulate)
 * @param lossUnit    the physics loss's unit (null where the simulator declares none)
 * @param latest      the newest step
 * @param best        the step with the lowest single-step total
 * @param uncertainty how {@link ParameterAnswer#uncertainty()} was computed
 * @param categoricals the categorical parameters' answers: the most probable choice (empty without categoricals)
 */
public record StudyAnswer(UUID studyId, String status, int stepsCompleted, Map<String, Double> finalTheta,
                          String lossUnit, StepLoss latest, BestSoFar best, Uncertainty uncertainty,
                          List<ParameterAnswer> parameters, Timing timing, List<CategoricalAnswer> categoricals) {

    /**
     * A categorical parameter of the answer: the final design is its most probable choice.
     *
     * @param choice        the most probable choice after the last update (the first on a tie)
     * @param probability   its probability
     * @param probabilities every choice's probability after the last update, in {@code choices} order
     * @param gradient      ∂L/∂logit per choice at the newest step (null before the first step)
     */
    public record CategoricalAnswer(String name, String unit, boolean frozen, String choice, double probability,
                                    List<String> choices, List<Double> probabilities, List<Double> gradient) {
    }

    /** One step's losses; {@code physicsStderr} is the standard error of its physics loss estimate. */
    public record StepLoss(int step, Double total, Double physics, Double physicsStderr) {
    }

    /**
     * The lowest single-step estimate of the total loss. Each step's loss is a noisy estimate, so the
     * minimum is biased low; {@code latestMinusBest} over {@code latestMinusBestStderr} says whether
     * the newest step is distinguishable from it.
     */
    public record BestSoFar(int step, Double total, Double physicsStderr, Map<String, Double> theta, String label,
                            Double latestMinusBest, Double latestMinusBestStderr) {
    }

    /**
     * @param method      {@code gauss-newton}, {@code spread} or {@code none}
     * @param steps       the steps the figure comes from
     * @param description in words, for the page
     */
    public record Uncertainty(String method, List<Integer> steps, String description) {
    }

    /**
     * One parameter of the answer.
     *
     * @param value             θ after the last update
     * @param target            θ* where a simulated profile-match target names it
     * @param deviation         θ − θ*
     * @param relativeDeviation (θ − θ*)/θ*
     * @param uncertainty       one standard uncertainty (free parameters only)
     * @param gradient          ∂L/∂θ at the newest step
     * @param signalToNoise     that gradient over its standard error
     */
    public record ParameterAnswer(String name, String unit, String meaning, boolean frozen, double value, Double lower,
                                  Double upper, Double target, Double deviation, Double relativeDeviation,
                                  Double uncertainty, Double gradient, Double gradientStderr, Double signalToNoise) {
    }

    /** Times as instants (UTC, ISO 8601 with Z); wall time from start to finish, or to now while it runs. */
    public record Timing(Instant createdAt, Instant startedAt, Instant finishedAt, String zone, Double wallSeconds,
                         long eventsSimulated) {
    }
}
