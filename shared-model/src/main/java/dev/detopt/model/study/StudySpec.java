package dev.detopt.model.study;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Objects;

/**
 * A complete, validated description of an optimization study: immutable, and the same JSON both
 * ways ({@link StudySpecs#parse}, {@link StudySpecs#toJson}). Build it through
 * {@link StudySpecs#parse} so every rule of docs/study-model.md has been checked.
 *
 * @param name           human-readable name
 * @param simulator      simulator name and its fixed configuration (defaults filled in)
 * @param parameters     every simulator parameter, with start value, bounds, scale and frozen flag
 * @param estimator      gradient estimator and its options
 * @param objective      physics objective on expected observables
 * @param cost           cost model, budget and penalty; null for physics only
 * @param optimizer      SGD (+momentum) or Adam
 * @param eventsPerStep  events simulated per optimization step
 * @param eventsPerBatch events per batch task (the unit of distributed work); ≤ eventsPerStep
 * @param maxSteps       maximum number of steps
 * @param stopping       early-stopping rules (all optional)
 * @param seed           master seed: all random numbers derive from it, the step and the event index
 * @param artifactEvery  the service keeps a JSON snapshot every this many steps and at the end; null
 *                       for the default {@value #DEFAULT_ARTIFACT_EVERY}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "simulator", "parameters", "estimator", "objective", "cost", "optimizer",
        "eventsPerStep", "eventsPerBatch", "maxSteps", "stopping", "seed", "artifactEvery"})
public record StudySpec(String name, SimulatorSpec simulator, List<ParameterSpec> parameters, EstimatorSpec estimator,
                        ObjectiveSpec objective, CostSpec cost, OptimizerSpec optimizer, long eventsPerStep,
                        long eventsPerBatch, int maxSteps, StoppingSpec stopping, long seed, Integer artifactEvery) {
    /** Steps between artifact snapshots when the spec names none. */
    public static final int DEFAULT_ARTIFACT_EVERY = 10;

    public StudySpec(String name, SimulatorSpec simulator, List<ParameterSpec> parameters, EstimatorSpec estimator,
                     ObjectiveSpec objective, CostSpec cost, OptimizerSpec optimizer, long eventsPerStep,
                     long eventsPerBatch, int maxSteps, StoppingSpec stopping, long seed) {
        this(name, simulator, parameters, estimator, objective, cost, optimizer, eventsPerStep, eventsPerBatch, maxSteps,
                stopping, seed, null);
    }

    /** Steps between artifact snapshots: {@link #artifactEvery} or the default. */
    public int artifactInterval() {
        return artifactEvery == null ? DEFAULT_ARTIFACT_EVERY : artifactEvery;
    }

    public StudySpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(simulator, "simulator");
        parameters = List.copyOf(parameters);
        Objects.requireNonNull(estimator, "estimator");
        Objects.requireNonNull(objective, "objective");
        Objects.requireNonNull(optimizer, "optimizer");
        stopping = stopping == null ? StoppingSpec.NONE : stopping;
    }

    /** Number of batch tasks per step: ⌈eventsPerStep / eventsPerBatch⌉. */
    public int batchesPerStep() {
        return Math.toIntExact((eventsPerStep + eventsPerBatch - 1) / eventsPerBatch);
    }

    public ParameterSpec parameter(String parameterName) {
        return parameters.stream().filter(p -> p.name().equals(parameterName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no parameter '" + parameterName + "'"));
    }
}
