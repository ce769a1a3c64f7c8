package dev.detopt.model.study.contract;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.detopt.model.categorical.SoftmaxChoice;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorSettings;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Objects;

/**
 * One unit of distributed work (wire contract version 1): simulate events [eventFrom, eventTo) of
 * one step at design θ and return their sufficient statistics. Everything a worker needs is here;
 * the event random numbers depend only on (seed, step, event index), so the result does not depend
 * on which worker runs the task, how many threads it uses, or how often it is preempted.
 *
 * @param version         contract version, {@value #VERSION}
 * @param studyId         the study this batch belongs to
 * @param step            optimization step (also selects the random streams)
 * @param batchIndex      position of this batch in the step; the step reduces results in this order
 * @param theta           every simulator parameter, in the simulator's parameter order
 * @param differentiated  ascending indices into theta of the parameters to differentiate
 * @param eventFrom       first event index (inclusive)
 * @param eventTo         last event index (exclusive)
 * @param simulator       simulator name in the catalogue
 * @param simulatorConfig the simulator's complete configuration
 * @param estimator       gradient estimator and its options
 * @param seed            the study's master seed
 * @param checkpointKey   where the worker may store checkpoints of this batch (null: none)
 * @param categoricals    the categorical design parameters each event draws its choice of (empty: none; absent
 *                        from tasks written before they existed)
 */
@JsonPropertyOrder({"version", "studyId", "step", "batchIndex", "theta", "differentiated", "eventFrom", "eventTo",
        "simulator", "simulatorConfig", "estimator", "seed", "checkpointKey", "categoricals"})
public record BatchTask(int version, String studyId, int step, int batchIndex, List<Double> theta,
                        List<Integer> differentiated, long eventFrom, long eventTo, String simulator,
                        ObjectNode simulatorConfig, EstimatorSettings estimator, long seed, String checkpointKey,
                        List<Categorical> categoricals) {
    public static final int VERSION = 1;

    /** A task without categorical parameters. */
    public BatchTask(int version, String studyId, int step, int batchIndex, List<Double> theta,
                     List<Integer> differentiated, long eventFrom, long eventTo, String simulator,
                     ObjectNode simulatorConfig, EstimatorSettings estimator, long seed, String checkpointKey) {
        this(version, studyId, step, batchIndex, theta, differentiated, eventFrom, eventTo, simulator, simulatorConfig,
                estimator, seed, checkpointKey, List.of());
    }

    /**
     * A categorical design parameter of the task: its choices and their logits (the probabilities are
     * their softmax, computed with StrictMath so the worker draws exactly what the engine expects).
     * Event k's choice is drawn from its stream of purpose CATEGORICAL, substream = the position in the list.
     */
    @JsonPropertyOrder({"name", "choices", "logits"})
    public record Categorical(String name, List<String> choices, List<Double> logits) {
        public Categorical {
            Objects.requireNonNull(name, "categoricals[].name");
            choices = List.copyOf(choices);
            logits = List.copyOf(logits);
            if (choices.isEmpty() || choices.size() != logits.size()) {
                throw new IllegalArgumentException("categorical '" + name + "' needs one logit per choice, and a choice");
            }
        }

        public SoftmaxChoice distribution() {
            return new SoftmaxChoice(choices, logits.stream().mapToDouble(Double::doubleValue).toArray());
        }
    }

    public BatchTask {
        categoricals = categoricals == null ? List.of() : List.copyOf(categoricals);
        if (version != VERSION) {
            throw new IllegalArgumentException("batch task version " + version + " is not supported (this build speaks " + VERSION + ")");
        }
        Objects.requireNonNull(studyId, "studyId");
        theta = List.copyOf(theta);
        differentiated = List.copyOf(differentiated);
        Objects.requireNonNull(simulator, "simulator");
        simulatorConfig = simulatorConfig == null ? WireJson.mapper().createObjectNode() : simulatorConfig.deepCopy();
        Objects.requireNonNull(estimator, "estimator");
        if (step < 0 || batchIndex < 0) {
            throw new IllegalArgumentException("step and batchIndex must not be negative");
        }
        if (eventFrom < 0 || eventTo <= eventFrom) {
            throw new IllegalArgumentException("event range [" + eventFrom + ", " + eventTo + ") is empty or negative");
        }
    }

    @Override
    public ObjectNode simulatorConfig() {
        return simulatorConfig.deepCopy();
    }

    /** Study, step, batch index and event range: what a result must name to answer this task. */
    public BatchCoordinates coordinates() {
        return new BatchCoordinates(studyId, step, batchIndex, eventFrom, eventTo);
    }

    public long events() {
        return eventTo - eventFrom;
    }

    public DesignPoint designPoint() {
        return new DesignPoint(theta.stream().mapToDouble(Double::doubleValue).toArray(),
                differentiated.stream().mapToInt(Integer::intValue).toArray());
    }

    public BatchTask withCheckpointKey(String key) {
        return new BatchTask(version, studyId, step, batchIndex, theta, differentiated, eventFrom, eventTo, simulator,
                simulatorConfig, estimator, seed, key, categoricals);
    }
}
