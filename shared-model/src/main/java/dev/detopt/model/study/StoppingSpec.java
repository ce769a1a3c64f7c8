package dev.detopt.model.study;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Early-stopping rules, each optional (null: off). The study also stops after maxSteps.
 *
 * @param gradientNorm stop when the norm of the total-loss gradient in scaled coordinates
 *                     (∂L/∂θ_j · scale_j) falls below this
 * @param plateau      stop when the best total loss has not improved for some steps
 * @param maxEvents    compute budget: stop before a step would take the simulated events above this
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoppingSpec(Double gradientNorm, Plateau plateau, Long maxEvents) {
    public static final StoppingSpec NONE = new StoppingSpec(null, null, null);

    /**
     * @param steps             number of consecutive steps without improvement that stops the study
     * @param relativeTolerance an improvement must lower the best total by more than this fraction of |best|
     */
    public record Plateau(int steps, double relativeTolerance) {
    }
}
