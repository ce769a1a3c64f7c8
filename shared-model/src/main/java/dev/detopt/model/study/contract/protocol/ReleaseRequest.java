package dev.detopt.model.study.contract.protocol;

import java.util.List;

/**
 * {@code POST /api/v1/workers/{id}/release}: hands leases back to the queue at once. An empty list
 * hands back every lease the service counts as this worker's and marks it stopping.
 *
 * @param leases the leases to hand back
 * @param reason {@value #SHUTDOWN} or {@value #PREEMPTED} (counted as a preemption)
 */
public record ReleaseRequest(List<LeaseReference> leases, String reason) {
    public static final String SHUTDOWN = "shutdown";
    public static final String PREEMPTED = "preempted";
}
