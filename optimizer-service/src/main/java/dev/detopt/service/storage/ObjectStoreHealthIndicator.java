package dev.detopt.service.storage;

import dev.detopt.storage.ObjectStore;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** UP when the bucket answers a listing; shows in {@code /actuator/health} as {@code objectStore}. */
public class ObjectStoreHealthIndicator extends AbstractHealthIndicator {

    private final ObjectStore objectStore;

    public ObjectStoreHealthIndicator(ObjectStore objectStore) {
        super("Object store health check failed");
        this.objectStore = objectStore;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        objectStore.list("health-check/");
        builder.up().withDetail("bucket", objectStore.bucket());
    }
}
