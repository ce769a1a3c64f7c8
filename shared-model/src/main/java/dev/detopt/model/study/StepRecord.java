package dev.detopt.model.study;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Map;

/**
 * What one step measured, at the design θ the step simulated. Deterministic: it holds no wall
 * time (the service times steps itself), so the reference runner and the distributed service
 * produce identical records.
 *
 * @param step           step index
 * @param theta          the design simulated, every parameter by name
 * @param physics        physics objective L_phys
 * @param physicsStderr  its standard error (delta method)
 * @param cost           detector cost c(θ) (0 without a cost model)
 * @param penalty        L − L_phys
 * @param total          L, the loss the optimizer descends
 * @param gradient       ∂L/∂θ_j for each free parameter
 * @param gradientStderr standard errors of those (delta method, see docs/study-model.md)
 * @param gradientNorm   ‖(∂L/∂θ_j · scale_j)‖₂ over free parameters
 * @param events         events simulated in this step
 * @param eventsTotal    events simulated up to and including this step
 * @param lambda         λ of the additive penalty for this step (null for other shapes)
 */
@JsonPropertyOrder({"step", "theta", "physics", "physicsStderr", "cost", "penalty", "total", "gradient",
        "gradientStderr", "gradientNorm", "events", "eventsTotal", "lambda"})
public record StepRecord(int step, Map<String, Double> theta, double physics, double physicsStderr, double cost,
                         double penalty, double total, Map<String, Double> gradient, Map<String, Double> gradientStderr,
                         double gradientNorm, long events, long eventsTotal, Double lambda) {
    public StepRecord {
        theta = StudyState.copy(theta);
        gradient = StudyState.copy(gradient);
        gradientStderr = StudyState.copy(gradientStderr);
    }
}
