package dev.detopt.service;

import dev.detopt.service.queue.TaskQueue;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Moves a lease's time in tests: the test profile runs no background sweeper, so an expired lease
 * stays LEASED until the test sweeps it ({@link #expireAndSweep}), with the service's own sweep.
 */
public final class TestLeases {
    private final JdbcTemplate jdbc;
    private final TaskQueue queue;

    public TestLeases(JdbcTemplate jdbc, TaskQueue queue) {
        this.jdbc = jdbc;
        this.queue = queue;
    }

    /** The task's lease ran out a second ago (not yet requeued). */
    public void expire(long taskId) {
        jdbc.update("UPDATE tasks SET lease_expires_at = now() - interval '1 second' WHERE id = ? AND state = 'LEASED'",
                taskId);
    }

    /** The lease runs out in {@code seconds} (a heartbeat must extend it). */
    public void expireIn(long taskId, int seconds) {
        jdbc.update("UPDATE tasks SET lease_expires_at = now() + make_interval(secs => ?) WHERE id = ? AND state = 'LEASED'",
                seconds, taskId);
    }

    /**
     * A worker was killed: its leases run out now instead of after the lease time, and the sweep
     * requeues them, as the background sweeper would. Returns how many were requeued.
     */
    public int expireAndSweepHeldBy(String worker) {
        jdbc.update("UPDATE tasks SET lease_expires_at = now() - interval '1 second' WHERE lease_owner = ? AND state = 'LEASED'",
                worker);
        return queue.sweepExpiredLeases();
    }

    /** Expires the leases and runs the sweep, as the background sweeper would; returns how many it requeued. */
    public int expireAndSweep(long... taskIds) {
        for (long taskId : taskIds) {
            expire(taskId);
        }
        return queue.sweepExpiredLeases();
    }
}
