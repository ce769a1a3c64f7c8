package dev.detopt.model.study;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Detector cost c(θ) = Σ_m price_m · volume_m(θ) + channelPrice · channels(θ), and how a budget enters the loss.
 *
 * @param materialPrices price per cm³ (or per unit of the simulator's "volume") by material name
 * @param channelPrice   price per readout channel
 * @param budget         budget B in the same currency (null: no penalty, cost is only reported)
 * @param penalty        how the budget enters the loss (required when a budget is set)
 * @param choicePrices   per categorical parameter, the price per unit volume of the region it fills, by
 *                       choice (e.g. absorber → {Pb: 3, Cu: 0.8}); replaces that region's materialPrices entry.
 *                       The cost is then the expectation under the choice distribution and a budget penalty
 *                       the expectation of each choice's penalty
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"materialPrices", "choicePrices", "channelPrice", "budget", "penalty"})
public record CostSpec(Map<String, Double> materialPrices, double channelPrice, Double budget, Penalty penalty,
                       @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Map<String, Double>> choicePrices) {
    public CostSpec {
        materialPrices = Collections.unmodifiableMap(new LinkedHashMap<>(materialPrices == null ? Map.of() : materialPrices));
        Map<String, Map<String, Double>> copy = new LinkedHashMap<>();
        if (choicePrices != null) {
            choicePrices.forEach((name, prices) -> copy.put(name, Collections.unmodifiableMap(new LinkedHashMap<>(prices))));
        }
        choicePrices = Collections.unmodifiableMap(copy);
    }

    public CostSpec(Map<String, Double> materialPrices, double channelPrice, Double budget, Penalty penalty) {
        this(materialPrices, channelPrice, budget, penalty, null);
    }

    /**
     * A budget penalty, with d = sharpness·(c − B)/B.
     *
     * @param shape             logistic: L = (1 + e^d)·L_phys; additive: L = L_phys + λ·b(d) with
     *                          b = 2σ(d) for d ≤ 0 and 1 + d/2 above
     * @param sharpness         s in d (default 10)
     * @param lambda            additive only: fixed λ; null means automatic
     * @param lambdaWarmupSteps automatic λ: mean physics loss of the first this-many steps (default 1)
     * @param lambdaFactor      automatic λ: multiplier on that mean (default 1)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"shape", "sharpness", "lambda", "lambdaWarmupSteps", "lambdaFactor"})
    public record Penalty(PenaltyShape shape, double sharpness, Double lambda,
            @JsonIgnore int lambdaWarmupSteps, @JsonIgnore double lambdaFactor) {
        public boolean automaticLambda() {
            return shape == PenaltyShape.ADDITIVE && lambda == null;
        }

        /** Written for the additive shape only: the parser refuses these fields on a logistic penalty. */
        @JsonProperty("lambdaWarmupSteps")
        Integer lambdaWarmupStepsIfAdditive() {
            return shape == PenaltyShape.ADDITIVE ? lambdaWarmupSteps : null;
        }

        @JsonProperty("lambdaFactor")
        Double lambdaFactorIfAdditive() {
            return shape == PenaltyShape.ADDITIVE ? lambdaFactor : null;
        }
    }

    public enum PenaltyShape {
        LOGISTIC("logistic"),
        ADDITIVE("additive");

        private final String wireName;

        PenaltyShape(String wireName) {
            this.wireName = wireName;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }

        public static PenaltyShape fromWireName(String name) {
            for (PenaltyShape shape : values()) {
                if (shape.wireName.equals(name)) {
                    return shape;
                }
            }
            return null;
        }
    }
}
