package dev.detopt.service.availability;

import static dev.detopt.service.availability.OutageHarness.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.model.study.catalog.SimulatorCatalog;
import dev.detopt.service.ApiClient;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import dev.detopt.service.availability.OutageHarness.Timed;
import dev.detopt.service.lifecycle.RestartResumeTest;
import dev.detopt.storage.embedded.EmbeddedS3Server;
import dev.detopt.worker.ServiceClient;
import dev.detopt.worker.Worker;
import dev.detopt.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL outages against a real, external PostgreSQL from Debian's packages
 * ({@link ThrowawayPostgres}): the service is started while the database is down and waits for
 * it; mid-study the database is stopped ({@code pg_ctl stop -m fast}) and later killed with
 * SIGKILL. While it is gone, API calls answer 503 {@code database-unavailable} with
 * {@code Retry-After} within about the pool's connection timeout, health and readiness answer
 * DOWN, liveness stays UP; when it is back the study goes on and ends with the reference runner's
 * trajectory. The service runs in local mode on the external database, and its local worker token
 * (from {@code worker.env}) is what the study's worker uses.
 */
class PostgresOutageTest {
    /** detopt.db.connection-timeout of the service below, and what an answer may take beyond it on a loaded machine. */
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration ANSWER_SLACK = Duration.ofMillis(1500);
    private static final int BATCHES = 3;

    @TempDir
    Path directory;

    private ThrowawayPostgres postgres;
    private EmbeddedS3Server s3;
    private Process service;
    private Worker worker;
    private CompletableFuture<Integer> workerExit;

    @AfterEach
    void stopEverything() throws Exception {
        OutageHarness.all(
                () -> {
                    if (worker != null) {
                        worker.requestStop();
                        workerExit.get(30, TimeUnit.SECONDS);
                    }
                },
                () -> OutageHarness.stop(service),
                () -> {
                    if (s3 != null) {
                        s3.close();
                    }
                },
                () -> {
                    if (postgres != null) {
                        postgres.close();
                    }
                });
    }

    @Test
    void aStudyOutlivesAStartBeforeItsDatabaseAFastStopAndAKillNine() throws Exception {
        String spec = TestSpecs.gaussian(45, BATCHES * 4_000L, 4_000, 83);
        List<String> reference = RestartResumeTest.reference(spec);
        assertThat(reference).as("long enough for two outages").hasSizeGreaterThanOrEqualTo(30);

        postgres = ThrowawayPostgres.initialise(); // not running yet
        s3 = EmbeddedS3Server.inMemory("127.0.0.1", 0, "outage", "outage-secret-key");
        int port = OutageHarness.freePort();
        Path log = directory.resolve("service.log");
        service = OutageHarness.startService(port, log, List.of(
                "--detopt.db.url=" + postgres.jdbcUrl(),
                "--detopt.db.user=" + ThrowawayPostgres.USER,
                "--detopt.db.connection-timeout=" + CONNECTION_TIMEOUT.toMillis() + "ms",
                "--detopt.db.startup-retry-initial=200ms",
                "--detopt.db.startup-retry-max=1s",
                "--detopt.s3.endpoint=" + s3.endpoint(),
                "--detopt.s3.access-key=outage",
                "--detopt.s3.secret-key=outage-secret-key",
                // local mode on an external database: no processes, but the local worker token
                "--detopt.workers.mode=local",
                "--detopt.workers.local.count=0",
                "--detopt.embedded.directory=" + directory.resolve("state"),
                "--logging.level.dev.detopt.service.availability=INFO"));

        // 1. Started while PostgreSQL is down: it waits, says so, and does not exit.
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(service.isAlive()).as("the service waits instead of exiting:\n%s", OutageHarness.read(log)).isTrue();
            return count(OutageHarness.read(log), "Waiting for PostgreSQL") >= 2;
        });
        assertThat(OutageHarness.read(log)).contains(postgres.jdbcUrl()).contains("next in");
        postgres.start();
        OutageHarness.awaitReady(service, port, log);
        assertThat(OutageHarness.read(log)).contains("migrations have run");

        // Local mode with an external database: the worker token is made and handed out as in embedded mode.
        String workerToken = workerToken(directory.resolve("state/worker.env"));
        assertThat(workerToken).startsWith("dtp_");

        ApiClient api = new ApiClient(port);
        String study = OutageHarness.create(api, spec);
        startWorker(port, workerToken);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).until(() -> OutageHarness.step(api, study) >= 3);

        // 2. A fast stop mid-study.
        postgres.stopFast();
        assertAnswersWhileTheDatabaseIsDown(port, study);
        postgres.start();
        OutageHarness.awaitReady(service, port, log);
        long afterFirst = OutageHarness.step(api, study);
        assertThat(afterFirst).as("interrupted, not finished").isLessThan(reference.size());
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                .until(() -> OutageHarness.step(api, study) >= afterFirst + 3);

        // 3. SIGKILL to every PostgreSQL process mid-study; the restart recovers from its WAL.
        postgres.killNine();
        assertAnswersWhileTheDatabaseIsDown(port, study);
        postgres.start();
        OutageHarness.awaitReady(service, port, log);
        assertThat(OutageHarness.step(api, study)).as("interrupted, not finished").isLessThan(reference.size());

        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(50))
                .until(() -> OutageHarness.status(api, study).equals("COMPLETED"));
        OutageHarness.assertReferenceTrajectory(api, study, spec);
        assertThat(service.isAlive()).isTrue();
    }

    private void assertAnswersWhileTheDatabaseIsDown(int port, String study) {
        Duration bound = CONNECTION_TIMEOUT.plus(ANSWER_SLACK);
        // An API call (its token is a static one, so the database is first needed by the controller).
        Timed studyView = get(port, "/api/v1/studies/" + study, TestTokens.VIEWER);
        assertThat(studyView.status()).as(studyView.body()).isEqualTo(503);
        assertThat(studyView.took()).isLessThan(bound);
        assertThat(studyView.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(studyView.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(studyView.json().path("type").asString()).isEqualTo("https://detopt.dev/problems/database-unavailable");
        assertThat(studyView.json().path("status").asInt()).isEqualTo(503);
        assertThat(studyView.body()).doesNotContain("Exception").doesNotContain("jdbc:");
        // Another endpoint, the same way.
        Timed list = get(port, "/api/v1/studies?size=5", TestTokens.VIEWER);
        assertThat(list.status()).as(list.body()).isEqualTo(503);
        assertThat(list.took()).isLessThan(bound);
        // A token the service has to look up in the database (the filter runs before any controller).
        Timed unknownToken = get(port, "/api/v1/studies/" + study, "dtp_not-a-token-of-this-service-0123456789");
        assertThat(unknownToken.status()).as(unknownToken.body()).isEqualTo(503);
        assertThat(unknownToken.json().path("type").asString()).isEqualTo("https://detopt.dev/problems/database-unavailable");
        assertThat(unknownToken.headers().firstValue("Retry-After")).hasValue("5");
        // Health: DOWN (503) within a probe's timeout, naming the database; readiness follows it, liveness does not.
        Timed health = get(port, "/actuator/health", null);
        assertThat(health.status()).as(health.body()).isEqualTo(503);
        assertThat(health.took()).isLessThan(bound);
        assertThat(health.json().path("status").asString()).isEqualTo("DOWN");
        assertThat(health.json().path("components").path("db").path("status").asString()).isEqualTo("DOWN");
        Timed readiness = get(port, "/actuator/health/readiness", null);
        assertThat(readiness.status()).as(readiness.body()).isEqualTo(503);
        assertThat(readiness.took()).isLessThan(bound);
        Timed liveness = get(port, "/actuator/health/liveness", null);
        assertThat(liveness.status()).as(liveness.body()).isEqualTo(200);
    }

    private void startWorker(int port, String token) {
        Map<String, String> env = new HashMap<>();
        env.put("DETOPT_SERVICE_URL", "http://127.0.0.1:" + port);
        env.put("DETOPT_WORKER_TOKEN", token);
        env.put("DETOPT_WORKER_THREADS", "2");
        env.put("DETOPT_WORKER_ID", "postgres-outage-worker");
        WorkerConfig config = WorkerConfig.from(env::get);
        CompletableFuture<Void> stop = new CompletableFuture<>();
        // No checkpoints: a batch whose lease lapses during an outage is simply run again.
        worker = new Worker(config, new ServiceClient(config.serviceUrl(), config.token(), stop), null,
                SimulatorCatalog.standard(), stop);
        workerExit = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("postgres-outage-worker").start(() -> {
            try {
                workerExit.complete(worker.run());
            } catch (Throwable e) {
                workerExit.completeExceptionally(e);
            }
        });
    }

    private static String workerToken(Path workerEnv) throws Exception {
        assertThat(workerEnv).exists();
        Matcher token = Pattern.compile("(?m)^DETOPT_WORKER_TOKEN='([^']+)'$").matcher(Files.readString(workerEnv));
        assertThat(token.find()).as("DETOPT_WORKER_TOKEN in %s", workerEnv).isTrue();
        return token.group(1);
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }
}
