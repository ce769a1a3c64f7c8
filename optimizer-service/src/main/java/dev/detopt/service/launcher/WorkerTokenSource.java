package dev.detopt.service.launcher;

/**
 * The worker token the local launcher hands to the processes it starts. In local mode the
 * security module generates one ({@code LocalCredentials}); a bean of this type exposes it.
 */
@FunctionalInterface
public interface WorkerTokenSource {
    String workerToken();
}
