package dev.detopt.model.study;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "unit", "initial", "lower", "upper", "scale", "learningRate", "frozen"})
public record ParameterSpec(String name, String unit, double initial, Double lower, Double upper, double scale,
                            Double learningRate, boolean frozen) {
    public ParameterSpec {
        Objects.requireNonNull(name, "name");
    }

    public double lowerOrInfinity() {
        return lower == null ? Double.NEGATIVE_INFINITY : lower;
    }

    public double upperOrInfinity() {
        return upper == null ? Double.POSITIVE_INFINITY : upper;
    }
}
