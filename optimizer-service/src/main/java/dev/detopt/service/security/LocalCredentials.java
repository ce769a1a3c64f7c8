package dev.detopt.service.security;

import java.util.Optional;

/**
 * Credentials the service hands to worker processes it starts itself in local mode (embedded
 * database): a worker token accepted while the service runs, kept in {@code .detopt/worker-token}
 * with a persistent embedded stack (see {@link TokenBootstrap#localWorkerToken}). Empty in other
 * modes, where workers get a token created through the admin API.
 */
public final class LocalCredentials {

    private final String workerToken;

    private LocalCredentials(String workerToken) {
        this.workerToken = workerToken;
    }

    public static LocalCredentials none() {
        return new LocalCredentials(null);
    }

    public static LocalCredentials withWorkerToken(String workerToken) {
        return new LocalCredentials(workerToken);
    }

    /** The bearer token local workers use ({@code DETOPT_WORKER_TOKEN} of the worker). */
    public Optional<String> workerToken() {
        return Optional.ofNullable(workerToken);
    }

    @Override
    public String toString() {
        return workerToken == null ? "LocalCredentials[none]" : "LocalCredentials[worker token]";
    }
}
