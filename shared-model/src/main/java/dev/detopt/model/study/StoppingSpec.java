package dev.detopt.model.study;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Early-stopping rules, each optional (null: off). The study also stops after maxSteps.
 *
 * @param gradientNorm stop when the norm of the total-loss gradient in scaled coordinates
 *                     (∂L/∂θ_j · scale_j) falls below this
 * @param plateau      stop when the best total loss has not improved for some steps
 * @param maxEvents    compute budget: stop before a step would take the simulated events above this
 * @param maxWallTime  deadline (ISO-8601 duration, e.g. {@code PT12H}) from the study's start; the
 *                     service ends the study at the first step boundary past it. It depends on
 *                     scheduling, so {@link StudyEngine} and the reference runner ignore it: the
 *                     trajectory up to the stop is the reference's.
 * @param maxCoreHours compute budget in core-hours of worker CPU (lost work included), checked by the
 *                     service at step boundaries like {@code maxWallTime}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoppingSpec(Double gradientNorm, Plateau plateau, Long maxEvents, String maxWallTime, Double maxCoreHours) {
    public static final StoppingSpec NONE = new StoppingSpec(null, null, null);

    public StoppingSpec(Double gradientNorm, Plateau plateau, Long maxEvents) {
        this(gradientNorm, plateau, maxEvents, null, null);
    }

    /** {@link #maxWallTime} as a duration, or null. */
    public java.time.Duration wallTimeLimit() {
        return maxWallTime == null ? null : java.time.Duration.parse(maxWallTime);
    }

    /**
     * @param steps             number of consecutive steps without improvement that stops the study
     * @param relativeTolerance an improvement must lower the best total by more than this fraction of |best|
     */
    public record Plateau(int steps, double relativeTolerance) {
    }
}
