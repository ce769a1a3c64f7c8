package dev.detopt.model.study;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Objects;

/**
 * One design parameter.
 *
 * @param name         simulator parameter name (e.g. "e", "a", "theta")
 * @param unit         unit for display (e.g. "MeV", "mm"); informational
 * @param initial      start value θ0
 * @param lower        lower bound (null: unbounded); steps are projected back into the bounds
 * @param upper        upper bound (null: unbounded)
 * @param scale        typical size of the parameter: the optimizer works in θ/scale, so one
 *                     learning rate suits parameters in MeV and in mm (default 1)
 * @param learningRate per-parameter learning rate overriding the optimizer's (null: the optimizer's)
 * @param frozen       kept at {@code initial}, not differentiated
 * @param choices      a categorical parameter's choices (null for a numeric one); its optimised variables
 *                     are the logits, and initial, bounds and scale do not apply
 * @param logits       a categorical parameter's initial logits, one per choice (null for a numeric one)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "unit", "initial", "lower", "upper", "scale", "choices", "logits", "learningRate", "frozen"})
public record ParameterSpec(String name, String unit, @JsonIgnore double initial, Double lower, Double upper,
                            @JsonIgnore double scale, Double learningRate, boolean frozen, List<String> choices,
                            List<Double> logits) {
    public ParameterSpec {
        Objects.requireNonNull(name, "name");
        choices = choices == null ? null : List.copyOf(choices);
        logits = logits == null ? null : List.copyOf(logits);
        if ((choices == null) != (logits == null)) {
            throw new IllegalArgumentException("a categorical parameter needs both choices and logits");
        }
    }

    /** A numeric parameter. */
    public ParameterSpec(String name, String unit, double initial, Double lower, Double upper, double scale,
                         Double learningRate, boolean frozen) {
        this(name, unit, initial, lower, upper, scale, learningRate, frozen, null, null);
    }

    /** A categorical parameter (docs/study-model.md §1). */
    public static ParameterSpec categorical(String name, String unit, List<String> choices, List<Double> logits,
                                            Double learningRate, boolean frozen) {
        return new ParameterSpec(name, unit, 0.0, null, null, 1.0, learningRate, frozen, choices, logits);
    }

    @JsonIgnore
    public boolean isCategorical() {
        return choices != null;
    }

    /** Written for numeric parameters only: the parser refuses it on a categorical. */
    @JsonProperty("initial")
    Double initialIfNumeric() {
        return isCategorical() ? null : initial;
    }

    @JsonProperty("scale")
    Double scaleIfNumeric() {
        return isCategorical() ? null : scale;
    }

    public double lowerOrInfinity() {
        return lower == null ? Double.NEGATIVE_INFINITY : lower;
    }

    public double upperOrInfinity() {
        return upper == null ? Double.POSITIVE_INFINITY : upper;
    }
}
