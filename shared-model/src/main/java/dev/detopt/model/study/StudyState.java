package dev.detopt.model.study;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.detopt.model.study.optimizer.OptimizerState;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a study needs to continue, as a plain JSON value (stored by the service as JSONB).
 * Together with the {@link StudySpec} it determines the rest of the trajectory bit for bit: every
 * double survives a JSON round trip exactly, and nothing here depends on timing or scheduling.
 * Maps are keyed by parameter name; their order carries no meaning.
 *
 * @param version                 state format version, {@value #VERSION}
 * @param step                    the next step to run (0 at the start)
 * @param theta                   current design, every simulator parameter by name
 * @param optimizer               optimizer moments and step count
 * @param penaltyScale            automatic λ of the additive penalty (null when not automatic)
 * @param target                  profile target simulated at the start (null when given as numbers or not a profile match)
 * @param eventsSimulated         events simulated by completed steps
 * @param best                    best step so far by total loss (null before the first step)
 * @param stepsWithoutImprovement consecutive steps without improvement (plateau rule)
 * @param stopReason              why the study stopped, or null while it runs
 * @param logits                  current logits of each categorical parameter, by name, one per choice in
 *                                the spec's order (absent without categoricals)
 */
@JsonPropertyOrder({"version", "step", "theta", "optimizer", "penaltyScale", "target", "eventsSimulated", "best",
        "stepsWithoutImprovement", "stopReason", "logits"})
public record StudyState(int version, int step, Map<String, Double> theta, OptimizerState optimizer,
                         PenaltyScale penaltyScale, List<Double> target, long eventsSimulated, Best best,
                         int stepsWithoutImprovement, StopReason stopReason,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, List<Double>> logits) {
    public static final int VERSION = 1;

    /** A state without categorical parameters. */
    public StudyState(int version, int step, Map<String, Double> theta, OptimizerState optimizer,
                      PenaltyScale penaltyScale, List<Double> target, long eventsSimulated, Best best,
                      int stepsWithoutImprovement, StopReason stopReason) {
        this(version, step, theta, optimizer, penaltyScale, target, eventsSimulated, best, stepsWithoutImprovement,
                stopReason, null);
    }

    public StudyState {
        Map<String, List<Double>> logitCopy = new LinkedHashMap<>();
        if (logits != null) {
            logits.forEach((name, values) -> logitCopy.put(name, List.copyOf(values)));
        }
        logits = Collections.unmodifiableMap(logitCopy);
        if (version != VERSION) {
            throw new IllegalArgumentException("study state version " + version + " is not supported");
        }
        theta = copy(theta);
        Objects.requireNonNull(optimizer, "optimizer");
        target = target == null ? null : List.copyOf(target);
    }

    static Map<String, Double> copy(Map<String, Double> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(map)));
    }

    /** This state, stopped for {@code reason} (a stop the service decides, such as a deadline). */
    public StudyState stoppedBy(StopReason reason) {
        return new StudyState(version, step, theta, optimizer, penaltyScale, target, eventsSimulated, best,
                stepsWithoutImprovement, reason, logits);
    }

    public boolean finished() {
        return stopReason != null;
    }

    /**
     * Automatic λ: the mean physics loss of the first warm-up steps times the factor.
     *
     * @param samples    physics-loss values averaged so far
     * @param physicsSum their sum (in step order)
     * @param lambda     current λ (0 before the first step)
     */
    public record PenaltyScale(int samples, double physicsSum, double lambda) {
    }

    /** The best step so far: its index, total loss and design. */
    public record Best(int step, double total, Map<String, Double> theta) {
        public Best {
            theta = copy(theta);
        }
    }
}
