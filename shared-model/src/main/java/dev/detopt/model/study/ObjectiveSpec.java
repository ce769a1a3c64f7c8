package dev.detopt.model.study;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The physics objective: a differentiable function of expected observables (science.md §5). */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ObjectiveSpec.ProfileMatch.class, name = "profile-match"),
        @JsonSubTypes.Type(value = ObjectiveSpec.EnergyResolution.class, name = "energy-resolution"),
        @JsonSubTypes.Type(value = ObjectiveSpec.ExpectedLoss.class, name = "expected-loss")})
public sealed interface ObjectiveSpec {

    /**
     * Σ_i w_i (E[y_i] − t_i)².
     *
     * @param observables observable names or patterns ending in {@code *} (e.g. {@code gap.*}),
     *                    expanded in the simulator's observable order
     * @param weights     w_i per expanded observable (null: all 1)
     * @param target      t_i: given numbers or a simulated design
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ProfileMatch(List<String> observables, List<Double> weights, Target target) implements ObjectiveSpec {
        public ProfileMatch {
            observables = List.copyOf(observables);
            weights = weights == null ? null : List.copyOf(weights);
        }
    }

    /**
     * √Var[V] / E[V] from E[V] and E[V²] (both must be observables, so that their gradients exist).
     *
     * @param observable        V, default "visible"
     * @param squaredObservable V², default "visible.squared"
     */
    record EnergyResolution(String observable, String squaredObservable) implements ObjectiveSpec {
    }

    /** E[loss] of a per-event loss observable (default "loss"). */
    record ExpectedLoss(String observable) implements ObjectiveSpec {
    }

    /** Exactly one of {@code values} (one per expanded observable) or {@code simulate}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Target(List<Double> values, SimulatedTarget simulate) {
        public Target {
            values = values == null ? null : List.copyOf(values);
        }
    }

    /**
     * The target is the mean profile of a design θ*, simulated once when the study starts.
     *
     * @param parameters θ* by parameter name; parameters not named keep their initial values
     * @param events     events to simulate
     * @param seed       its own seed (null: derived from the study seed)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SimulatedTarget(Map<String, Double> parameters, long events, Long seed) {
        public SimulatedTarget {
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }
    }
}
