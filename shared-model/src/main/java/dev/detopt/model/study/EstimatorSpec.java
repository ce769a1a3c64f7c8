package dev.detopt.model.study;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param surrogateWidths       surrogate: width σ of the per-event design sampling per parameter name, in the
 *                              parameter's unit (default 0.1 × the parameter's scale); left out of the JSON when empty
 * @param surrogateQuadratic    surrogate: also fit a diagonal quadratic term (default false)
 */
@JsonPropertyOrder({"kind", "finiteDifferenceSteps", "commonRandomNumbers", "reuseUniforms", "surrogateWidths",
        "surrogateQuadratic"})
public record EstimatorSpec(EstimatorKind kind, Map<String, Double> finiteDifferenceSteps,
                            boolean commonRandomNumbers, boolean reuseUniforms,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Double> surrogateWidths,
                            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean surrogateQuadratic) {
    /** Default width of the surrogate's design sampling, as a fraction of the parameter's scale. */
    public static final double DEFAULT_SURROGATE_WIDTH = 0.1;

    public EstimatorSpec {
        Objects.requireNonNull(kind, "kind");
        finiteDifferenceSteps = Collections.unmodifiableMap(new LinkedHashMap<>(
                finiteDifferenceSteps == null ? Map.of() : finiteDifferenceSteps));
        surrogateWidths = Collections.unmodifiableMap(new LinkedHashMap<>(
                surrogateWidths == null ? Map.of() : surrogateWidths));
    }

    public EstimatorSpec(EstimatorKind kind, Map<String, Double> finiteDifferenceSteps, boolean commonRandomNumbers,
                         boolean reuseUniforms) {
        this(kind, finiteDifferenceSteps, commonRandomNumbers, reuseUniforms, null, false);
    }
}
