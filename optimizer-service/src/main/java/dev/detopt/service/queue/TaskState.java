package dev.detopt.service.queue;

/** State of a batch task. */
public enum TaskState {
    /** Waiting for a worker. */
    QUEUED,
    /** Waiting, but its study is paused. */
    HELD,
    /** A worker holds a lease. */
    LEASED,
    /** Its result is stored. */
    COMPLETED,
    /** Its study was cancelled, failed or stopped. */
    CANCELLED
}
