package dev.detopt.service.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.model.study.StudyHistory;
import dev.detopt.model.study.StudyRunner;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.OptimizerServiceApplication;
import dev.detopt.service.ReferenceFinalState;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import dev.detopt.service.TestWorker;
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
 * The service (with its embedded, persistent PostgreSQL) is stopped in the middle of a study,
 * with a lease outstanding, and started again on the same data: the running study continues, the
 * paused one stays paused, the orphaned lease expires and is redone, and both studies end with
 * the reference trajectory; no result was lost or counted twice.
 */
public class RestartResumeTest {
    private static final String TOKENS = "admin:" + TestTokens.ADMIN + ",operator:" + TestTokens.OPERATOR + ",viewer:"
            + TestTokens.VIEWER + ",worker:" + TestTokens.WORKER;

    @TempDir
    Path directory;

    @Test
    void runningStudiesContinueAndPausedStayPausedAfterARestart() throws Exception {
        String runningSpec = TestSpecs.gaussian(6, 12, 4, 31);
        String pausedSpec = TestSpecs.branching(3, 4, 2, 32);
        String running;
        String paused;
        long stepsBefore;
        try (ConfigurableApplicationContext service = start()) {
            ApiClient api = api(service);
            running = create(api, runningSpec);
            paused = create(api, pausedSpec);
            api.post("/api/v1/studies/" + paused + "/start", (String) null, TestTokens.OPERATOR);
            api.post("/api/v1/studies/" + paused + "/pause", (String) null, TestTokens.OPERATOR);
            api.post("/api/v1/studies/" + running + "/start", (String) null, TestTokens.OPERATOR);
            JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
            try (TestWorker worker = new TestWorker(api, "before-restart")) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() ->
                        steps(jdbc, running) >= 2);
            }
            // A worker that dies with a lease: nobody completes it; after the restart it must expire.
            api.post("/api/v1/workers/register", "{\"workerId\":\"doomed\"}", TestTokens.WORKER);
            ApiClient.Response leased = api.post("/api/v1/workers/doomed/lease?max=1", (String) null, TestTokens.WORKER);
            assertThat(leased.json().path("tasks")).hasSize(1);
            stepsBefore = steps(jdbc, running);
        }

        try (ConfigurableApplicationContext service = start()) {
            ApiClient api = api(service);
            JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
            assertThat(status(api, running)).isEqualTo("RUNNING");
            assertThat(status(api, paused)).isEqualTo("PAUSED");
            assertThat(steps(jdbc, running)).isEqualTo(stepsBefore);
            try (TestWorker worker = new TestWorker(api, "after-restart")) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() ->
                        status(api, running).equals("COMPLETED"));
                assertThat(status(api, paused)).isEqualTo("PAUSED");
                assertThat(jdbc.queryForObject("SELECT count(*) FROM tasks WHERE study_id = ?::uuid AND state = 'LEASED'",
                        Integer.class, paused)).isZero();
                api.post("/api/v1/studies/" + paused + "/resume", (String) null, TestTokens.OPERATOR);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() ->
                        status(api, paused).equals("COMPLETED"));
            }
            assertThat(jdbc.queryForObject("SELECT count(*) FROM study_events WHERE study_id = ?::uuid AND type = 'lease-expired'",
                    Integer.class, running)).isEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM tasks WHERE study_id = ?::uuid AND state = 'COMPLETED'",
                    Integer.class, running)).isEqualTo(6 * 3);
            assertThat(records(jdbc, running)).containsExactlyElementsOf(reference(runningSpec));
            assertThat(records(jdbc, paused)).containsExactlyElementsOf(reference(pausedSpec));
            ReferenceFinalState.assertServiceMatches(api, running, runningSpec);
            ReferenceFinalState.assertServiceMatches(api, paused, pausedSpec);
        }
    }

    ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(OptimizerServiceApplication.class)
                .run(
                        "--server.port=0",
                        "--detopt.embedded.directory=" + directory,
                        "--detopt.embedded.persistent=true",
                        "--detopt.embedded.s3-port=0",
                        "--detopt.loop.lease-seconds=2",
                        "--detopt.loop.sweep-interval=200ms",
                        "--detopt.security.static-tokens=" + TOKENS);
    }

    static ApiClient api(ConfigurableApplicationContext service) {
        return new ApiClient(((WebServerApplicationContext) service).getWebServer().getPort());
    }

    static String create(ApiClient api, String spec) {
        ApiClient.Response created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().path("id").asString();
    }

    static String status(ApiClient api, String id) {
        return api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("status").asString();
    }

    static long steps(JdbcTemplate jdbc, String id) {
        return jdbc.queryForObject("SELECT count(*) FROM steps WHERE study_id = ?::uuid", Long.class, id);
    }

    public static List<String> records(JdbcTemplate jdbc, String id) {
        return jdbc.queryForList("SELECT record::text FROM steps WHERE study_id = ?::uuid ORDER BY step", String.class, id);
    }

    public static List<String> reference(String spec) {
        StudyHistory history = new StudyRunner(StudySpecs.fromJson(spec), 1).run(record -> { });
        return history.steps().stream().map(WireJson::write).toList();
    }
}
