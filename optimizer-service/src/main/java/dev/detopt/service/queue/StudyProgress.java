package dev.detopt.service.queue;

import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.service.study.StudyRow;
import java.util.Map;

/**
 * What the task queue needs from the study lifecycle, and all it may ask of it: the one interface
 * between the two packages. Every method is called with the study's row locked by the caller's
 * transaction.
 */
public interface StudyProgress {

    /**
     * Refuses a result whose statistics do not have the study's shape (observables, free
     * parameters, gradient form), with an {@link IllegalArgumentException} saying why.
     */
    void checkResultShape(StudyRow study, BatchResult result);

    /**
     * After results of {@code step} were stored: when no task of the step is unfinished, reduces
     * the step's results in batch order and advances the study (the next step's tasks, or its
     * end). {@code known}: results just stored in this transaction, by batch index (the others are
     * read back); {@code unfinished}: the step's unfinished tasks when the caller knows, else -1.
     * Returns true when this call completed the step.
     */
    boolean advanceIfStepDone(StudyRow study, int step, Map<Integer, BatchResult> known, long unfinished);

    /** Ends the study as FAILED (a task failed too often); its unfinished tasks are cancelled. */
    void failStudy(StudyRow study, String reason);
}
