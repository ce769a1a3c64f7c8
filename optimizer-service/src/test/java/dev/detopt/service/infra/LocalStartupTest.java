package dev.detopt.service.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.detopt.service.ApiClient;
import dev.detopt.service.OptimizerServiceApplication;
import dev.detopt.service.TestTokens;
import dev.detopt.service.infra.HttpPortCheck.HttpPortTakenException;
import dev.detopt.service.launcher.HandStartedWorkerSettings;
import dev.detopt.storage.S3ObjectStore;
import dev.detopt.storage.S3Settings;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ConfigurableApplicationContext;

/** The service as the command line starts it: port checked first, settings for hand-started workers written. */
class LocalStartupTest {

    @TempDir
    Path directory;

    @Test
    void aTakenPortIsReportedBeforeAnythingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> OptimizerServiceApplication.application().run("--server.port=" + port,
                    "--detopt.embedded.directory=" + directory, "--detopt.workers.mode=none"))
                    .isInstanceOfSatisfying(HttpPortTakenException.class, e -> {
                        assertThat(e.port()).isEqualTo(port);
                        FailureAnalysis analysis = new HttpPortTakenFailureAnalyzer().analyze(e);
                        assertThat(analysis.getDescription()).contains("port " + port + " is already in use");
                        assertThat(analysis.getAction()).contains("DETOPT_PORT");
                    });
        }
        assertThat(directory.resolve("postgres")).as("no PostgreSQL was started").doesNotExist();
    }

    @Test
    void workerEnvHoldsWhatAHandStartedWorkerNeeds() throws Exception {
        try (ConfigurableApplicationContext service = OptimizerServiceApplication.application().run("--server.port=0",
                "--detopt.embedded.directory=" + directory, "--detopt.workers.mode=none", "--detopt.demo.enabled=false",
                "--detopt.security.static-tokens=admin:" + TestTokens.ADMIN)) {
            Path file = directory.resolve(HandStartedWorkerSettings.FILE_NAME);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            Map<String, String> settings = sourced(file);
            int port = Integer.parseInt(service.getEnvironment().getProperty("local.server.port"));
            assertThat(settings).containsEntry("DETOPT_SERVICE_URL", "http://127.0.0.1:" + port);
            assertThat(settings.get("DETOPT_S3_ENDPOINT")).doesNotEndWith(":9000");

            // The S3 secret is the one this start made up: a worker can write and read checkpoints with it.
            S3Settings s3 = new S3Settings(settings.get("DETOPT_S3_ENDPOINT"), settings.get("DETOPT_S3_REGION"),
                    settings.get("DETOPT_S3_BUCKET"), settings.get("DETOPT_S3_ACCESS_KEY"), settings.get("DETOPT_S3_SECRET_KEY"));
            try (S3ObjectStore store = new S3ObjectStore(s3)) {
                store.put("hand-started/probe", "checkpoint".getBytes(StandardCharsets.UTF_8), "text/plain");
                assertThat(store.get("hand-started/probe")).hasValueSatisfying(bytes ->
                        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("checkpoint"));
            }
            // And the service takes its token as a worker's.
            ApiClient api = new ApiClient(port);
            assertThat(api.get("/api/v1/workers/queue", settings.get("DETOPT_WORKER_TOKEN")).status()).isEqualTo(200);
            assertThat(api.get("/api/v1/workers/queue", settings.get("DETOPT_WORKER_TOKEN") + "x").status()).isEqualTo(401);
        }
    }

    /** What {@code set -a; . worker.env} gives, read by a real shell. */
    private static Map<String, String> sourced(Path file) throws Exception {
        Process shell = new ProcessBuilder("sh", "-c", "set -a; . \"$0\"; env -0", file.toString()).start();
        String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(shell.waitFor()).isZero();
        Map<String, String> settings = new HashMap<>();
        for (String entry : out.split("\0")) {
            int equals = entry.indexOf('=');
            if (equals > 0 && entry.startsWith("DETOPT_")) {
                settings.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
        }
        return settings;
    }
}
