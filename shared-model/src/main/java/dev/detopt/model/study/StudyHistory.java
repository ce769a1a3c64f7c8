package dev.detopt.model.study;

import java.util.List;

/** A finished (or interrupted) run: every step record, the state to continue from, and why it stopped. */
public record StudyHistory(List<StepRecord> steps, StudyState finalState, StopReason stopReason) {
    public StudyHistory {
        steps = List.copyOf(steps);
    }
}
