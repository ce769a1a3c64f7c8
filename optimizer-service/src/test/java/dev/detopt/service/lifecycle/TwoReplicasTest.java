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
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import dev.detopt.service.TestWorker;
import dev.detopt.service.config.DetoptProperties;
import dev.detopt.service.queue.LeaseSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two service instances on one database, workers talking to both: every step is advanced exactly
 * once (by whichever instance received the last result), and the trajectory is the reference's.
 */
@ServiceTest
class TwoReplicasTest {

    @LocalServerPort
    int port;

    @Autowired
    Environment environment;

    @Autowired
    DetoptProperties properties;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void twoInstancesNeverDoubleAdvanceAStep() throws Exception {
        int steps = 8;
        int batches = 6;
        String spec = TestSpecs.gaussian(steps, 4L * batches, 4, 21);
        try (ConfigurableApplicationContext second = secondInstance()) {
            ApiClient first = new ApiClient(port);
            ApiClient other = new ApiClient(((WebServerApplicationContext) second).getWebServer().getPort());
            first.cancelActiveStudies();
            ApiClient.Response created = first.post("/api/v1/studies", spec, TestTokens.OPERATOR);
            String id = created.json().path("id").asString();
            // Started through the second instance: its tasks reach the first instance's pollers by re-polling.
            assertThat(other.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);

            List<TestWorker> workers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                workers.add(new TestWorker(i % 2 == 0 ? first : other, "replica-worker-" + i));
            }
            try {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() ->
                        "COMPLETED".equals(jdbc.queryForObject("SELECT status FROM studies WHERE id = ?::uuid", String.class, id)));
            } finally {
                for (TestWorker worker : workers) {
                    worker.close();
                }
            }
            int advancedViaFirst = workers.get(0).stepsCompleted() + workers.get(2).stepsCompleted();
            int advancedViaSecond = workers.get(1).stepsCompleted() + workers.get(3).stepsCompleted();
            // Each step was reported completed exactly once, to one worker, by one of the instances.
            assertThat(advancedViaFirst + advancedViaSecond).isEqualTo(steps);
            assertThat(workers.stream().mapToInt(TestWorker::completed).sum()).isEqualTo(steps * batches);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM tasks WHERE study_id = ?::uuid AND state = 'COMPLETED'",
                    Integer.class, id)).isEqualTo(steps * batches);

            StudyHistory reference = new StudyRunner(StudySpecs.fromJson(spec), 1).run(record -> { });
            assertThat(jdbc.queryForList("SELECT record::text FROM steps WHERE study_id = ?::uuid ORDER BY step", String.class, id))
                    .containsExactlyElementsOf(reference.steps().stream().map(WireJson::write).toList());
            ReferenceFinalState.assertServiceMatches(other, id, reference.finalState());
        }
    }

    /**
     * A stopping worker's release of everything, sent to one replica, keeps the other from handing
     * it tasks: neither its long poll waiting there nor a later request gets any, until it
     * registers again. (Whether the waiting poll ends early is not checked: it may run out.)
     */
    @Test
    void aWorkerThatReleasedEverythingOnOneReplicaGetsNoTasksFromTheOtherUntilItRegistersAgain() throws Exception {
        try (ConfigurableApplicationContext second = secondInstance()) {
            ApiClient first = new ApiClient(port);
            ApiClient other = new ApiClient(((WebServerApplicationContext) second).getWebServer().getPort());
            first.cancelActiveStudies();
            String worker = "replica-stopping";
            assertThat(first.post("/api/v1/workers/register", java.util.Map.of("workerId", worker), TestTokens.WORKER).status())
                    .isEqualTo(200);
            LeaseSignal otherSignal = second.getBean(LeaseSignal.class);
            int waitingBefore = otherSignal.waiting();
            java.util.concurrent.CompletableFuture<ApiClient.Response> poll = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> other.post("/api/v1/workers/" + worker + "/lease?max=4&waitSeconds=4", (String) null, TestTokens.WORKER),
                    java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
            await().atMost(Duration.ofSeconds(20)).until(() -> otherSignal.waiting() > waitingBefore);

            // The worker stops: its release reaches the first replica, the long-poll waits on the second.
            assertThat(first.post("/api/v1/workers/" + worker + "/release", java.util.Map.of("leases", List.of(),
                    "reason", "shutdown"), TestTokens.WORKER).status()).isEqualTo(204);
            ApiClient.Response created = first.post("/api/v1/studies", TestSpecs.gaussian(2, 2 * 4L, 4, 22), TestTokens.OPERATOR);
            String id = created.json().path("id").asString();
            assertThat(first.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);

            ApiClient.Response answer = poll.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().path("tasks")).as("nothing handed to a worker that has stopped").isEmpty();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM tasks WHERE study_id = ?::uuid AND state = 'QUEUED'",
                    Integer.class, id)).isEqualTo(2);
            // The poll above may have run out of time before the tasks existed; this request
            // certainly sees them queued, and the stopped worker still gets none.
            assertThat(other.post("/api/v1/workers/" + worker + "/lease?max=4", (String) null, TestTokens.WORKER).json()
                    .path("tasks")).as("tasks queued, worker stopped").isEmpty();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM tasks WHERE study_id = ?::uuid AND state = 'QUEUED'",
                    Integer.class, id)).isEqualTo(2);

            // Registering again (a restarted worker) makes it leasable again.
            assertThat(other.post("/api/v1/workers/register", java.util.Map.of("workerId", worker), TestTokens.WORKER).status())
                    .isEqualTo(200);
            assertThat(other.post("/api/v1/workers/" + worker + "/lease?max=4", (String) null, TestTokens.WORKER).json()
                    .path("tasks")).hasSize(2);
            first.cancelActiveStudies();
        }
    }

    ConfigurableApplicationContext secondInstance() {
        DetoptProperties.S3 s3 = properties.s3();
        return new SpringApplicationBuilder(OptimizerServiceApplication.class)
                .run(
                        "--server.port=0",
                        "--detopt.db.url=" + environment.getProperty("spring.datasource.url"),
                        "--detopt.db.user=" + environment.getProperty("spring.datasource.username"),
                        "--detopt.s3.endpoint=" + s3.endpoint(),
                        "--detopt.s3.bucket=" + s3.bucket(),
                        "--detopt.s3.access-key=" + s3.accessKey(),
                        "--detopt.s3.secret-key=" + s3.secretKey(),
                        "--detopt.security.static-tokens=" + environment.getProperty("detopt.security.static-tokens"));
    }
}
