package dev.detopt.model.study.contract.protocol;

import java.util.List;

/**
 * {@code POST /api/v1/workers/{id}/heartbeat}: the leases a worker holds, with their progress.
 *
 * @param leases the leases (may be empty: the worker is alive and idle)
 */
public record HeartbeatRequest(List<LeaseReference> leases) {
}
