package dev.detopt.service.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.service.ApiClient;
import dev.detopt.service.OptimizerServiceApplication;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A local worker killed with SIGKILL: the launcher sees the process end, and its lease is requeued
 * at once, counted as an expiry (task and worker), long before the lease itself would run out.
 */
class LostWorkerLeasesTest {

    /** Far longer than the test waits: only the launcher's notice can requeue within it. */
    private static final int LEASE_SECONDS = 600;

    @TempDir
    Path directory;

    @Test
    void aKilledLocalWorkersLeaseIsRequeuedAtOnceAndCountedAsAnExpiry() throws Exception {
        Path jar = WorkerJarOnClassPath.create(directory);
        try (ConfigurableApplicationContext service = new SpringApplicationBuilder(OptimizerServiceApplication.class).run(
                "--server.port=0",
                "--detopt.embedded.directory=" + directory.resolve("stack"),
                "--detopt.embedded.persistent=false",
                "--detopt.loop.lease-seconds=" + LEASE_SECONDS,
                "--detopt.security.static-tokens=operator:" + TestTokens.OPERATOR + ",viewer:" + TestTokens.VIEWER
                        + ",worker:" + TestTokens.WORKER,
                "--detopt.workers.mode=local",
                "--detopt.workers.local.count=1",
                "--detopt.workers.local.threads=1",
                "--detopt.workers.local.jar=" + jar,
                "--detopt.workers.local.token=" + TestTokens.WORKER,
                "--detopt.workers.local.restart-delay=60s",
                "--detopt.workers.local.log-directory=" + directory.resolve("logs"),
                "--detopt.workers.local.java-options=-Xmx192m,-XX:+UseSerialGC")) {
            ApiClient api = new ApiClient(((WebServerApplicationContext) service).getWebServer().getPort());
            JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
            // One long batch, so that the worker is still on it when it is killed.
            ApiClient.Response created = api.post("/api/v1/studies", TestSpecs.gaussian(1, 2_000_000_000L, 2_000_000_000L, 3),
                    TestTokens.OPERATOR);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String study = created.json().path("id").asString();
            assertThat(api.post("/api/v1/studies/" + study + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> jdbc.queryForObject(
                    "SELECT count(*) FROM tasks WHERE study_id = ?::uuid AND state = 'LEASED'", Long.class, study) == 1);
            String holder = jdbc.queryForObject("SELECT lease_owner FROM tasks WHERE study_id = ?::uuid", String.class, study);
            WorkerLauncher.WorkerInstance worker = service.getBean(WorkerFleet.class).launcher().instances().stream()
                    .filter(instance -> instance.name().equals(holder)).findFirst().orElseThrow();
            ProcessHandle.of(worker.pid()).orElseThrow().destroyForcibly();

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> jdbc.queryForObject(
                    "SELECT state FROM tasks WHERE study_id = ?::uuid", String.class, study).equals("QUEUED"));
            assertThat(jdbc.queryForObject("SELECT expiries FROM tasks WHERE study_id = ?::uuid", Integer.class, study))
                    .as("counted as the sweeper counts an expiry").isEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT lease_expiries FROM workers WHERE id = ?", Integer.class, holder)).isEqualTo(1);
            List<String> log = jdbc.queryForList("SELECT type || ': ' || message FROM study_events WHERE study_id = ?::uuid",
                    String.class, study);
            assertThat(log).anySatisfy(line -> assertThat(line).startsWith("lease-expired:")
                    .contains("held by worker " + holder + " requeued at once").contains("SIGKILL"));
        }
    }
}
