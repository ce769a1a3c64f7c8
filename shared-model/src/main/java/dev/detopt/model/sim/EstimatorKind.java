package dev.detopt.model.sim;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The gradient estimators of science.md §2, with their wire names. */
public enum EstimatorKind {
    PATHWISE("pathwise"),
    SCORE("score"),
    SCORE_BASELINE("score-baseline"),
    STOCHASTIC_AD("stochastic-ad"),
    FINITE_DIFFERENCE("finite-difference"),
    SURROGATE("surrogate");

    private final String wireName;

    EstimatorKind(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static EstimatorKind fromWireName(String name) {
        for (EstimatorKind kind : values()) {
            if (kind.wireName.equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown estimator '" + name + "'; known: "
                + Arrays.stream(values()).map(EstimatorKind::wireName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
