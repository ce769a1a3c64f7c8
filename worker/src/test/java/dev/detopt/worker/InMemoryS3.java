package dev.detopt.worker;

import dev.detopt.storage.ObjectStore;
import dev.detopt.storage.embedded.EmbeddedS3Server;
import dev.detopt.storage.S3ObjectStore;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The embedded S3 server in memory on loopback, with the bucket and keys {@link WorkerTestEnvironment}
 * gives a worker, for one test class: started before its first test, closed after its last. Use:
 * <pre>{@code
 * @RegisterExtension
 * static final InMemoryS3 s3 = new InMemoryS3();
 *
 * WorkerTestEnvironment.of(server.url(), s3.server());  new CheckpointStore(s3.objects());
 * }</pre>
 */
final class InMemoryS3 implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedS3Server server;
    private ObjectStore objects;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = EmbeddedS3Server.inMemory("127.0.0.1", 0, WorkerTestEnvironment.S3_ACCESS_KEY,
                WorkerTestEnvironment.S3_SECRET_KEY);
        objects = new S3ObjectStore(server.settings(WorkerTestEnvironment.S3_BUCKET));
        objects.ensureBucket();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        objects.close();
        server.close();
    }

    EmbeddedS3Server server() {
        return server;
    }

    /** A client on the bucket, as the worker's checkpoint store uses it. */
    ObjectStore objects() {
        return objects;
    }
}
