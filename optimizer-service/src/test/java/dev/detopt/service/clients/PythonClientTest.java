package dev.detopt.service.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.model.study.catalog.SimulatorCatalog;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestTokens;
import dev.detopt.service.config.DetoptProperties;
import dev.detopt.storage.ObjectStore;
import dev.detopt.storage.S3ObjectStore;
import dev.detopt.worker.CheckpointStore;
import dev.detopt.worker.ServiceClient;
import dev.detopt.worker.Worker;
import dev.detopt.worker.WorkerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The Python client (clients/python, package {@code detopt}) against this real service with a real
 * worker: runs its unittest suite with {@code python3} (or {@code DETOPT_PYTHON}) as a child
 * process, passing the service's URL and one token per role. The suite's output is in
 * target/python-client-test.log and in the failure message.
 */
@ServiceTest
class PythonClientTest {
    static final Path CLIENT = Path.of("..", "clients", "python").toAbsolutePath().normalize();

    @LocalServerPort
    int port;

    @Autowired
    DetoptProperties detopt;

    @Test
    void theClientsUnitTestsPassAgainstTheService() throws Exception {
        assertThat(CLIENT.resolve("detopt").resolve("__init__.py")).as("the Python client's sources").exists();
        new ApiClient(port).cancelActiveStudies();
        String python = System.getenv().getOrDefault("DETOPT_PYTHON", "python3");
        Path log = Files.createDirectories(Path.of("target")).resolve("python-client-test.log");
        ProcessBuilder builder = new ProcessBuilder(python, "-m", "unittest", "discover", "-v", "-s", "tests", "-t", ".")
                .directory(CLIENT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("DETOPT_TEST_URL", "http://127.0.0.1:" + port);
        env.put("DETOPT_TEST_OPERATOR_TOKEN", TestTokens.OPERATOR);
        env.put("DETOPT_TEST_VIEWER_TOKEN", TestTokens.VIEWER);
        env.put("DETOPT_TEST_ADMIN_TOKEN", TestTokens.ADMIN);
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.put("PYTHONUNBUFFERED", "1");
        Process process;
        try (InProcessWorker worker = new InProcessWorker("python-client-worker")) {
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new AssertionError("cannot run " + python + " (Python >= 3.9 is needed for the client's tests; "
                        + "set DETOPT_PYTHON to its path): " + e.getMessage(), e);
            }
            boolean ended = process.waitFor(4, TimeUnit.MINUTES);
            if (!ended) {
                process.destroyForcibly();
            }
            String output = Files.readString(log);
            System.out.println(output);
            assertThat(ended).as("python unittest ended within 4 minutes:\n" + output).isTrue();
            assertThat(process.exitValue()).as("python unittest exit code; output:\n" + output).isZero();
            assertThat(output).contains("OK").doesNotContain("skipped");
        }
    }

    /** A worker in this JVM, so the client's studies run; close() stops it like SIGTERM would. */
    final class InProcessWorker implements AutoCloseable {
        final Worker worker;
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        final ObjectStore store;

        InProcessWorker(String id) {
            DetoptProperties.S3 s3 = detopt.s3();
            Map<String, String> env = new HashMap<>(Map.of(
                    "DETOPT_SERVICE_URL", "http://127.0.0.1:" + port, "DETOPT_WORKER_TOKEN", TestTokens.WORKER,
                    "DETOPT_WORKER_THREADS", "2", "DETOPT_WORKER_ID", id, "DETOPT_S3_ENDPOINT", s3.endpoint(),
                    "DETOPT_S3_BUCKET", s3.bucket(), "DETOPT_S3_ACCESS_KEY", s3.accessKey(),
                    "DETOPT_S3_SECRET_KEY", s3.secretKey()));
            WorkerConfig config = WorkerConfig.from(env::get);
            store = new S3ObjectStore(config.s3().orElseThrow());
            CompletableFuture<Void> stop = new CompletableFuture<>();
            worker = new Worker(config, new ServiceClient(config.serviceUrl(), config.token(), stop),
                    new CheckpointStore(store), SimulatorCatalog.standard(), stop);
            Thread.ofPlatform().daemon().name("worker-" + id).start(() -> exit.complete(worker.run()));
        }

        @Override
        public void close() throws Exception {
            worker.requestStop();
            assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
            store.close();
        }
    }
}
