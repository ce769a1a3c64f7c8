package dev.detopt.model.study.contract;

import java.util.Objects;

/**
 * Which events of which study step a batch covers: the identity a task, its result and its
 * checkpoints share. A result answers a task, and a checkpoint belongs to it, exactly when their
 * coordinates are equal; this record is the one place that rule is written.
 */
public record BatchCoordinates(String studyId, int step, int batchIndex, long eventFrom, long eventTo) {
    public BatchCoordinates {
        Objects.requireNonNull(studyId, "studyId");
    }

    /** True when {@code other} names the very same batch (study, step, batch index, event range). */
    public boolean matches(BatchCoordinates other) {
        return equals(other);
    }

    /** "study s, step k, batch b, events [from, to)" for messages. */
    public String describe() {
        return "study " + studyId + ", step " + step + ", batch " + batchIndex + ", events [" + eventFrom + ", " + eventTo
                + ")";
    }
}
