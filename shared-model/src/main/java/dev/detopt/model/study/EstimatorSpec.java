package dev.detopt.model.study;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.detopt.model.sim.EstimatorKind;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The gradient estimator and its options.
 *
 * @param kind                  pathwise, score, score-baseline, stochastic-ad or finite-difference
 * @param finiteDifferenceSteps central-difference step h per parameter name, in the parameter's
 *                              unit (finite differences only; default 0.01 × the parameter's scale)
 * @param commonRandomNumbers   finite differences: both sides replay the event's random numbers (default true)
 * @param reuseUniforms         stochastic AD: the alternative path reuses the primal's uniforms (default true)
 */
@JsonPropertyOrder({"kind", "finiteDifferenceSteps", "commonRandomNumbers", "reuseUniforms"})
public record EstimatorSpec(EstimatorKind kind, Map<String, Double> finiteDifferenceSteps,
                            boolean commonRandomNumbers, boolean reuseUniforms) {
    public EstimatorSpec {
        Objects.requireNonNull(kind, "kind");
        finiteDifferenceSteps = Collections.unmodifiableMap(new LinkedHashMap<>(
                finiteDifferenceSteps == null ? Map.of() : finiteDifferenceSteps));
    }
}
