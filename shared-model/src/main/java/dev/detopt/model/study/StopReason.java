package dev.detopt.model.study;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Why a study stopped. */
public enum StopReason {
    /** maxSteps steps were run. */
    MAX_STEPS("max-steps"),
    /** The scaled gradient norm fell below stopping.gradientNorm. */
    GRADIENT_NORM("gradient-norm"),
    /** The best total loss did not improve for stopping.plateau.steps steps. */
    PLATEAU("plateau"),
    /** Another step would exceed stopping.maxEvents simulated events. */
    EVENT_BUDGET("event-budget"),
    /** The loss or its gradient was NaN or infinite; θ was left unchanged. */
    NON_FINITE("non-finite"),
    /** stopping.maxWallTime had passed at a step boundary (decided by the service, not the engine). */
    MAX_WALL_TIME("max-wall-time"),
    /** stopping.maxCoreHours of worker CPU had been used at a step boundary (decided by the service). */
    MAX_CORE_HOURS("max-core-hours");

    private final String wireName;

    StopReason(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static StopReason fromWireName(String name) {
        for (StopReason reason : values()) {
            if (reason.wireName.equals(name)) {
                return reason;
            }
        }
        throw new IllegalArgumentException("unknown stop reason '" + name + "'");
    }

    @Override
    public String toString() {
        return wireName;
    }
}
