package dev.detopt.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

    @Test
    void readsEveryVariableAndHidesSecrets() {
        Map<String, String> env = Map.of(
                "DETOPT_SERVICE_URL", "http://svc:8080",
                "DETOPT_WORKER_TOKEN", "tok-123",
                "DETOPT_WORKER_THREADS", "3",
                "DETOPT_S3_ENDPOINT", "http://minio:9000",
                "DETOPT_S3_BUCKET", "ckpt",
                "DETOPT_S3_ACCESS_KEY", "ak",
                "DETOPT_S3_SECRET_KEY", "very-secret");
        WorkerConfig config = WorkerConfig.from(env::get);

        assertThat(config).isEqualTo(new WorkerConfig("http://svc:8080", "tok-123", 3, "http://minio:9000", "ckpt", "ak", "very-secret"));
        assertThat(config.describe()).contains("http://svc:8080", "threads       3", "ckpt")
                .doesNotContain("tok-123").doesNotContain("very-secret");
        assertThat(config.toString()).doesNotContain("very-secret");
    }

    @Test
    void defaultsApplyWhenUnset() {
        WorkerConfig config = WorkerConfig.from(name -> null);
        assertThat(config.serviceUrl()).isEqualTo("http://localhost:8080");
        assertThat(config.s3Bucket()).isEqualTo("detopt");
        assertThat(config.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void rejectsBadThreadCounts() {
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("DETOPT_WORKER_THREADS", "0")::get))
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("DETOPT_WORKER_THREADS", "many")::get))
                .hasMessageContaining("whole number");
    }

    @Test
    void helpListsTheVariablesAndArgumentsAreRefused() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(WorkerMain.run(new String[] {"--help"}, print(out), print(err))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("DETOPT_SERVICE_URL", "DETOPT_S3_SECRET_KEY");

        assertThat(WorkerMain.run(new String[] {"--bogus"}, print(out), print(err))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("takes no arguments");
    }

    private static PrintStream print(ByteArrayOutputStream buffer) {
        return new PrintStream(buffer, true, StandardCharsets.UTF_8);
    }
}
