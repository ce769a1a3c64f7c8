package dev.detopt.service.launcher;

/**
 * Where launchers report worker endings: preemptions (spot reclaim, eviction, node loss,
 * scale-down) separately from crashes. The default implementation logs and counts them in
 * Micrometer; the study event log (issue 6) can provide its own bean.
 */
public interface WorkerEvents {

    /** A worker was taken away by its platform; its leases resume elsewhere from checkpoints. */
    void preempted(String worker, String node, String reason);

    /** A worker ended on its own with an error (non-zero exit, OOM kill). */
    void crashed(String worker, String node, String reason, int exitCode);
}
