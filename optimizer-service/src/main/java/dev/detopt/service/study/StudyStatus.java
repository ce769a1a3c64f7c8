package dev.detopt.service.study;

/** Lifecycle of a study ({@link StudyTransition} lists the allowed changes). Terminal states never change again. */
public enum StudyStatus {
    CREATED, RUNNING, PAUSED, COMPLETED, FAILED, CANCELLED;

    public boolean terminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** Workers may hold leases of (and complete) tasks of a study in these states. */
    public boolean active() {
        return this == RUNNING || this == PAUSED;
    }
}
