package dev.detopt.service.storage;

import dev.detopt.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * UP when the bucket takes a write: a small probe object is written and deleted again, so a
 * bucket that lists but rejects writes (read-only credentials, a full or read-only store) shows
 * DOWN, as does a store that does not answer. Shows in {@code /actuator/health} as {@code objectStore}.
 */
public class ObjectStoreHealthIndicator extends AbstractHealthIndicator {

    /** One key for every replica: concurrent probes overwrite and delete the same small object. */
    static final String PROBE_KEY = "health-check/probe";
    private static final byte[] PROBE = "detopt health probe".getBytes(StandardCharsets.US_ASCII);

    private final ObjectStore objectStore;

    public ObjectStoreHealthIndicator(ObjectStore objectStore) {
        super("Object store health check failed");
        this.objectStore = objectStore;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        objectStore.put(PROBE_KEY, PROBE, "text/plain");
        objectStore.delete(PROBE_KEY);
        builder.up().withDetail("bucket", objectStore.bucket());
    }
}
