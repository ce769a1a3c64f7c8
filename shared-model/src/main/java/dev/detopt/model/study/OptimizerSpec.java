package dev.detopt.model.study;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** The optimizer (science.md §6). Learning rates act on θ/scale of each parameter. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = OptimizerSpec.Sgd.class, name = "sgd"),
        @JsonSubTypes.Type(value = OptimizerSpec.Adam.class, name = "adam")})
public sealed interface OptimizerSpec {
    double learningRate();

    /** v ← μ·v + g; u ← u − lr·v (momentum μ = 0 is plain SGD). */
    record Sgd(double learningRate, double momentum) implements OptimizerSpec {
    }

    /** Adam (Kingma &amp; Ba) with bias correction; defaults β1 0.9, β2 0.999, ε 1e-8. */
    record Adam(double learningRate, double beta1, double beta2, double epsilon) implements OptimizerSpec {
    }
}
