package dev.detopt.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.detopt.storage.S3Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

    @Test
    void readsEveryVariableAndHidesSecrets() {
        Map<String, String> env = new HashMap<>(Map.of(
                "DETOPT_SERVICE_URL", "http://svc:8080/",
                "DETOPT_WORKER_TOKEN", "tok-123",
                "DETOPT_WORKER_THREADS", "3",
                "DETOPT_CHECKPOINT_INTERVAL", "PT2.5S",
                "DETOPT_CHECKPOINT_EVENTS", "4096",
                "DETOPT_S3_ENDPOINT", "http://minio:9000",
                "DETOPT_S3_BUCKET", "ckpt",
                "DETOPT_S3_ACCESS_KEY", "ak",
                "DETOPT_S3_SECRET_KEY", "very-secret",
                "DETOPT_WORKER_ID", "w-1"));
        env.putAll(Map.of("DETOPT_NODE_NAME", "node-a", "DETOPT_POD_NAME", "pod-b", "HOSTNAME", "host-c",
                "DETOPT_S3_REGION", "eu-west-1"));
        WorkerConfig config = WorkerConfig.from(env::get);

        assertThat(config).isEqualTo(new WorkerConfig("http://svc:8080", "tok-123", 3, Duration.ofMillis(2500), 4096,
                "http://minio:9000", "eu-west-1", "ckpt", "ak", "very-secret", "w-1", "host-c", "node-a", "pod-b"));
        assertThat(config.s3()).contains(new S3Settings("http://minio:9000", "eu-west-1", "ckpt", "ak", "very-secret"));
        assertThat(config.describe()).contains("http://svc:8080", "threads              3", "ckpt", "2.5 s or 4096 events")
                .doesNotContain("tok-123").doesNotContain("very-secret");
        assertThat(config.toString()).doesNotContain("very-secret");
    }

    @Test
    void defaultsApplyWhenUnset() {
        WorkerConfig config = WorkerConfig.from(name -> null);
        assertThat(config.serviceUrl()).isEqualTo("http://localhost:8080");
        assertThat(config.s3Bucket()).isEqualTo("detopt");
        assertThat(config.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(config.checkpointInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.checkpointEvents()).isZero();
        assertThat(config.s3()).isEmpty();
        assertThat(config.workerId()).isEmpty();
        assertThat(config.host()).isNotBlank();
    }

    @Test
    void intervalInPlainSeconds() {
        assertThat(WorkerConfig.from(Map.of("DETOPT_CHECKPOINT_INTERVAL", "0.5")::get).checkpointInterval())
                .isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void rejectsBadValues() {
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("DETOPT_WORKER_THREADS", "0")::get))
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("DETOPT_WORKER_THREADS", "many")::get))
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("DETOPT_CHECKPOINT_INTERVAL", "0")::get))
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("DETOPT_CHECKPOINT_INTERVAL", "soon")::get))
                .hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("DETOPT_CHECKPOINT_EVENTS", "-1")::get))
                .hasMessageContaining("at least 0");
    }

    @Test
    void helpListsTheVariablesAndArgumentsAreRefused() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(WorkerMain.run(new String[] {"--help"}, print(out), print(err))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("DETOPT_SERVICE_URL", "DETOPT_S3_SECRET_KEY",
                "DETOPT_CHECKPOINT_INTERVAL", "DETOPT_POD_NAME");

        assertThat(WorkerMain.run(new String[] {"--bogus"}, print(out), print(err))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("takes no arguments");
    }

    private static PrintStream print(ByteArrayOutputStream buffer) {
        return new PrintStream(buffer, true, StandardCharsets.UTF_8);
    }
}
