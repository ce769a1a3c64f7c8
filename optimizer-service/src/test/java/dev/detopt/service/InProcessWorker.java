package dev.detopt.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.model.study.catalog.SimulatorCatalog;
import dev.detopt.service.config.DetoptProperties;
import dev.detopt.storage.ObjectStore;
import dev.detopt.storage.S3ObjectStore;
import dev.detopt.worker.CheckpointStore;
import dev.detopt.worker.ServiceClient;
import dev.detopt.worker.Worker;
import dev.detopt.worker.WorkerConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real worker ({@link Worker}) running in the test JVM on a daemon thread, configured from
 * environment variables as {@code WorkerMain} would be; {@link #close()} stops it like SIGTERM would
 * and expects exit code 0.
 */
public final class InProcessWorker implements AutoCloseable {
    private final Worker worker;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final ObjectStore store;

    /** What every worker needs: the service on this port, the worker token, its id and the object store. */
    public static Map<String, String> environment(int port, DetoptProperties.S3 s3, String workerId) {
        Map<String, String> env = new HashMap<>();
        env.put("DETOPT_SERVICE_URL", "http://127.0.0.1:" + port);
        env.put("DETOPT_WORKER_TOKEN", TestTokens.WORKER);
        env.put("DETOPT_WORKER_ID", workerId);
        env.put("DETOPT_S3_ENDPOINT", s3.endpoint());
        env.put("DETOPT_S3_BUCKET", s3.bucket());
        env.put("DETOPT_S3_ACCESS_KEY", s3.accessKey());
        env.put("DETOPT_S3_SECRET_KEY", s3.secretKey());
        return env;
    }

    public InProcessWorker(Map<String, String> environment) {
        this(environment, SimulatorCatalog.standard());
    }

    public InProcessWorker(Map<String, String> environment, SimulatorCatalog catalog) {
        WorkerConfig config = WorkerConfig.from(environment::get);
        store = new S3ObjectStore(config.s3().orElseThrow());
        CompletableFuture<Void> stop = new CompletableFuture<>();
        worker = new Worker(config, new ServiceClient(config.serviceUrl(), config.token(), stop),
                new CheckpointStore(store), catalog, stop);
        Thread.ofPlatform().daemon().name("worker-" + environment.get("DETOPT_WORKER_ID"))
                .start(() -> exit.complete(worker.run()));
    }

    @Override
    public void close() throws Exception {
        worker.requestStop();
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        store.close();
    }
}
