package dev.detopt.model.study.optimizer;

import java.util.List;

/**
 * The durable state of an optimizer, one entry per free parameter (free parameters in simulator
 * order), in scaled coordinates θ_j/scale_j.
 *
 * @param steps        number of updates made
 * @param firstMoment  SGD: momentum velocity; Adam: first-moment estimate m
 * @param secondMoment Adam: second-moment estimate v; empty for SGD
 */
public record OptimizerState(long steps, List<Double> firstMoment, List<Double> secondMoment) {
    public OptimizerState {
        firstMoment = List.copyOf(firstMoment);
        secondMoment = List.copyOf(secondMoment);
    }

    double[] first() {
        return firstMoment.stream().mapToDouble(Double::doubleValue).toArray();
    }

    double[] second() {
        return secondMoment.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static List<Double> list(double[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }
}
