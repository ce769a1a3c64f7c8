package dev.detopt.model.study.contract.protocol;

import java.util.List;

/**
 * The answer to a heartbeat: leases extended, and tasks to abandon (their lease is no longer
 * current: expired, superseded, completed, or the study ended).
 */
public record HeartbeatResponse(List<ExtendedLease> extended, List<Long> abandon) {
}
