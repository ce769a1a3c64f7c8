package dev.detopt.model.study.contract.protocol;

/** The answer to a registration: the id to use in every later call, the lease length and how often to heartbeat. */
public record RegisterResponse(String workerId, int leaseSeconds, int heartbeatSeconds) {
}
