package dev.detopt.service.launcher;

import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;

/**
 * Replicas for the outstanding work: one per {@code tasksPerReplica} queued or leased tasks,
 * between the minimum and the maximum. Scaling up is immediate; scaling down waits until the work
 * has stayed below the current size for {@code scaleDownDelay}, so a step boundary (a moment with
 * nothing queued before the next step's tasks arrive) does not tear the fleet down. Leased tasks
 * count as work, so busy workers are never the reason to shrink, and a scale-down stops at the
 * replicas that hold leases (several leases per worker, or several tasks per replica, could
 * otherwise take the target below them).
 */
final class ScalingPolicy {
    private final int minReplicas;
    private final int maxReplicas;
    private final int tasksPerReplica;
    private final Duration scaleDownDelay;
    private Instant lastFullyNeeded;

    ScalingPolicy(int minReplicas, int maxReplicas, int tasksPerReplica, Duration scaleDownDelay) {
        if (minReplicas < 0 || maxReplicas < minReplicas || tasksPerReplica < 1) {
            throw new IllegalArgumentException("need 0 <= minReplicas <= maxReplicas and tasksPerReplica >= 1, got "
                    + minReplicas + ", " + maxReplicas + ", " + tasksPerReplica);
        }
        this.minReplicas = minReplicas;
        this.maxReplicas = maxReplicas;
        this.tasksPerReplica = tasksPerReplica;
        this.scaleDownDelay = scaleDownDelay;
    }

    /** The replica count to set now, given the current one, when every replica may be removed. */
    int desired(int current, WorkerDemand.Demand work, Instant now) {
        return desired(current, work, now, () -> 0);
    }

    /**
     * The replica count to set now, given the current one.
     *
     * @param busy how many of the current replicas hold leases, asked only when scaling down: the
     *             count never drops below them, and while they hold it up the scale-down delay stays
     *             spent, so each one goes at the next reconcile after it became idle
     */
    synchronized int desired(int current, WorkerDemand.Demand work, Instant now, IntSupplier busy) {
        long needed = (work.outstanding() + tasksPerReplica - 1) / tasksPerReplica;
        int target = (int) Math.max(minReplicas, Math.min(maxReplicas, needed));
        if (target >= current || lastFullyNeeded == null) {
            lastFullyNeeded = now;
            return target;
        }
        if (Duration.between(lastFullyNeeded, now).compareTo(scaleDownDelay) >= 0) {
            int kept = Math.max(target, Math.min(current, busy.getAsInt()));
            if (kept == target) {
                lastFullyNeeded = now;
            }
            return kept;
        }
        return current;
    }
}
