package dev.detopt.service.infra;

import dev.detopt.storage.embedded.EmbeddedS3Server;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The embedded servers one application context started (either may be absent when an external
 * server is configured). Registered as a bean so that everything using them is shut down first.
 */
public final class EmbeddedInfrastructure implements AutoCloseable {

    public static final String BEAN_NAME = "detoptEmbeddedInfrastructure";

    private final Optional<EmbeddedPostgresServer> postgres;
    private final Optional<EmbeddedS3Server> objectStore;
    private final AtomicBoolean closed = new AtomicBoolean();

    public EmbeddedInfrastructure(Optional<EmbeddedPostgresServer> postgres, Optional<EmbeddedS3Server> objectStore) {
        this.postgres = postgres;
        this.objectStore = objectStore;
    }

    public Optional<EmbeddedPostgresServer> postgres() {
        return postgres;
    }

    public Optional<EmbeddedS3Server> objectStore() {
        return objectStore;
    }

    public boolean isEmpty() {
        return postgres.isEmpty() && objectStore.isEmpty();
    }

    /** Stops S3 then PostgreSQL (once; later calls do nothing); a failure of one does not keep the other running. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        RuntimeException failure = null;
        try {
            objectStore.ifPresent(EmbeddedS3Server::close);
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            postgres.ifPresent(EmbeddedPostgresServer::close);
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
