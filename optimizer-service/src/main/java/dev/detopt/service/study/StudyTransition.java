package dev.detopt.service.study;

import dev.detopt.service.domain.IllegalTransitionException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The study status transition table: every change of a study's status, the statuses it is allowed
 * from and the status it leads to. The lifecycle checks an action against this table and nowhere
 * else. (Deleting is listed too: it leads to no status.)
 */
public enum StudyTransition {
    START("start", EnumSet.of(StudyStatus.CREATED), StudyStatus.RUNNING),
    PAUSE("pause", EnumSet.of(StudyStatus.RUNNING), StudyStatus.PAUSED),
    RESUME("resume", EnumSet.of(StudyStatus.PAUSED), StudyStatus.RUNNING),
    CANCEL("cancel", EnumSet.of(StudyStatus.CREATED, StudyStatus.RUNNING, StudyStatus.PAUSED), StudyStatus.CANCELLED),
    /** A stopping rule ended the study after a step (the step can complete while paused). */
    COMPLETE("complete", EnumSet.of(StudyStatus.RUNNING, StudyStatus.PAUSED), StudyStatus.COMPLETED),
    /** A task failed too often, or a step could not be reduced. */
    FAIL("fail", EnumSet.of(StudyStatus.RUNNING, StudyStatus.PAUSED), StudyStatus.FAILED),
    /** A study that stopped at its step or event limit continues with a larger limit. */
    EXTEND("extend", EnumSet.of(StudyStatus.COMPLETED), StudyStatus.RUNNING),
    /** Not while workers may still send results: pause or cancel first. */
    DELETE("delete", EnumSet.of(StudyStatus.CREATED, StudyStatus.PAUSED, StudyStatus.COMPLETED, StudyStatus.FAILED,
            StudyStatus.CANCELLED), null);

    private final String action;
    private final Set<StudyStatus> from;
    private final StudyStatus to;

    StudyTransition(String action, Set<StudyStatus> from, StudyStatus to) {
        this.action = action;
        this.from = from;
        this.to = to;
    }

    public Set<StudyStatus> from() {
        return from;
    }

    /** The status this transition leads to (null: the study is deleted). */
    public StudyStatus to() {
        return to;
    }

    public boolean allowedFrom(StudyStatus status) {
        return from.contains(status);
    }

    /** Throws {@link IllegalTransitionException} unless the study's status allows this transition. */
    public void require(StudyStatus status) {
        if (allowedFrom(status)) {
            return;
        }
        throw new IllegalTransitionException(this == DELETE
                ? "cannot delete a study that is " + status + "; pause or cancel it first"
                : "cannot " + action + " a study that is " + status + " (allowed from " + from + ")");
    }

    /** "FROM → TO", as the study's event log records a status change. */
    public String describe(StudyStatus status) {
        return status + " → " + to;
    }
}
