package dev.detopt.model.study;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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
 * @param observables    every observable's estimate at this step, by name (null in records made
 *                       before it was recorded)
 * @param categoricals   each categorical parameter's distribution the step's events were drawn from and
 *                       the logit gradient, by name (absent without categoricals); {@code cost} is then the
 *                       expected cost and {@code penalty} the expected penalty
 */
@JsonPropertyOrder({"step", "theta", "physics", "physicsStderr", "cost", "penalty", "total", "gradient",
        "gradientStderr", "gradientNorm", "events", "eventsTotal", "lambda", "observables", "categoricals"})
public record StepRecord(int step, Map<String, Double> theta, double physics, double physicsStderr, double cost,
                         double penalty, double total, Map<String, Double> gradient, Map<String, Double> gradientStderr,
                         double gradientNorm, long events, long eventsTotal, Double lambda,
                         Map<String, ObservableEstimate> observables,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, CategoricalEstimate> categoricals) {
    public StepRecord(int step, Map<String, Double> theta, double physics, double physicsStderr, double cost,
                      double penalty, double total, Map<String, Double> gradient, Map<String, Double> gradientStderr,
                      double gradientNorm, long events, long eventsTotal, Double lambda,
                      Map<String, ObservableEstimate> observables) {
        this(step, theta, physics, physicsStderr, cost, penalty, total, gradient, gradientStderr, gradientNorm, events,
                eventsTotal, lambda, observables, null);
    }

    public StepRecord {
        categoricals = Collections.unmodifiableMap(new LinkedHashMap<>(categoricals == null ? Map.of() : categoricals));
        theta = StudyState.copy(theta);
        gradient = StudyState.copy(gradient);
        gradientStderr = StudyState.copy(gradientStderr);
        observables = observables == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(observables));
    }

    /** A record without observable estimates (as made before they were recorded). */
    public StepRecord(int step, Map<String, Double> theta, double physics, double physicsStderr, double cost,
                      double penalty, double total, Map<String, Double> gradient, Map<String, Double> gradientStderr,
                      double gradientNorm, long events, long eventsTotal, Double lambda) {
        this(step, theta, physics, physicsStderr, cost, penalty, total, gradient, gradientStderr, gradientNorm, events,
                eventsTotal, lambda, null);
    }

    /**
     * One observable's estimate from the step's events.
     *
     * @param mean     E[y] estimate
     * @param stderr   its standard error
     * @param gradient ∂E[y]/∂θ_j for each free parameter; only for the observables a profile-match
     *                 objective compares with its target (the Jacobian its Gauss–Newton
     *                 uncertainty needs), null for the others
     */
    /**
     * A categorical parameter at one step.
     *
     * @param choices        its choices, in the spec's order
     * @param probabilities  the probabilities the step's events drew from (softmax of the logits)
     * @param logits         those logits
     * @param gradient       ∂L/∂logit per choice (score function; zero for a frozen categorical)
     * @param gradientStderr their standard errors
     * @param events         events that drew each choice
     */
    @JsonPropertyOrder({"choices", "probabilities", "logits", "gradient", "gradientStderr", "events"})
    public record CategoricalEstimate(List<String> choices, List<Double> probabilities, List<Double> logits,
                                      List<Double> gradient, List<Double> gradientStderr, List<Long> events) {
        public CategoricalEstimate {
            choices = List.copyOf(choices);
            probabilities = List.copyOf(probabilities);
            logits = List.copyOf(logits);
            gradient = List.copyOf(gradient);
            gradientStderr = List.copyOf(gradientStderr);
            events = List.copyOf(events);
        }

        /** The most probable choice (the first on a tie): the design this distribution stands for. */
        public String mostProbable() {
            int best = 0;
            for (int k = 1; k < probabilities.size(); k++) {
                if (probabilities.get(k) > probabilities.get(best)) {
                    best = k;
                }
            }
            return choices.get(best);
        }
    }

    @JsonPropertyOrder({"mean", "stderr", "gradient"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ObservableEstimate(double mean, double stderr, Map<String, Double> gradient) {
        public ObservableEstimate {
            gradient = gradient == null ? null : StudyState.copy(gradient);
        }
    }
}
