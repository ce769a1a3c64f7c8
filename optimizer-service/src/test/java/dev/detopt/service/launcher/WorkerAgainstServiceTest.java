package dev.detopt.service.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.model.random.EventRandomness;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.EventEvaluator;
import dev.detopt.model.sim.Simulator;
import dev.detopt.model.stats.EventSample;
import dev.detopt.model.stats.SampleLayout;
import dev.detopt.model.study.StepRecord;
import dev.detopt.model.study.StudyHistory;
import dev.detopt.model.study.StudyRunner;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import dev.detopt.model.study.catalog.SimulatorType;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.model.toy.GaussianSimulator;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.InProcessWorker;
import dev.detopt.service.TestTokens;
import dev.detopt.service.config.DetoptProperties;
import dev.detopt.storage.ObjectStore;
import dev.detopt.storage.S3ObjectStore;
import dev.detopt.storage.S3Settings;
import dev.detopt.worker.WorkerMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The real worker (detopt-worker's classes) against the real service and its embedded S3 server:
 * a study run by it reproduces the reference runner bit for bit; a worker process that gets
 * SIGTERM mid-batch writes a checkpoint, releases its lease as preempted and exits 0, and the
 * study, resumed from that checkpoint by another worker, still matches the reference.
 */
@ServiceTest
class WorkerAgainstServiceTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DetoptProperties detopt;

    ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(port);
    }

    Map<String, String> environment(String workerId) {
        Map<String, String> env = InProcessWorker.environment(port, detopt.s3(), workerId);
        env.put("DETOPT_WORKER_THREADS", "2");
        env.put("DETOPT_CHECKPOINT_INTERVAL", "0.3");
        env.put("DETOPT_CHECKPOINT_EVENTS", "300000");
        return env;
    }

    UUID createAndStart(String spec) {
        ApiClient.Response created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        UUID id = UUID.fromString(created.json().path("id").asString());
        assertThat(api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        return id;
    }

    void awaitStatus(UUID id, String status, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() ->
                api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("status").asString().equals(status));
    }

    List<String> storedRecords(UUID id) {
        return jdbc.queryForList("SELECT record::text FROM steps WHERE study_id = ? ORDER BY step", String.class, id);
    }

    static List<String> json(List<StepRecord> records) {
        return records.stream().map(WireJson::write).toList();
    }

    @Test
    void aStudyRunByTheWorkerMatchesTheReferenceRunner() throws Exception {
        String spec = TestSpecs.branching(5, 40, 10, 21);
        UUID id = createAndStart(spec);
        try (InProcessWorker worker = new InProcessWorker(environment("real-worker-a"))) {
            awaitStatus(id, "COMPLETED", Duration.ofSeconds(120));
        }
        StudyHistory reference = new StudyRunner(StudySpecs.fromJson(spec), 1).run(record -> { });
        assertThat(storedRecords(id)).containsExactlyElementsOf(json(reference.steps()));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tasks WHERE study_id = ? AND completed_by = 'real-worker-a'",
                Long.class, id)).isEqualTo(5 * 4);
    }

    @Test
    void sigtermCheckpointsReleasesExitsZeroAndTheStudyStillMatches() throws Exception {
        // One step of one long batch, so that SIGTERM arrives in the middle of it.
        String spec = TestSpecs.gaussian(1, 6_000_000, 6_000_000, 5);
        UUID id = createAndStart(spec);
        Path log = Files.createDirectories(Path.of("target", "worker-against-service")).resolve("sigterm.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName());
        builder.environment().putAll(environment("real-worker-process"));
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = builder.start();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> jdbc.queryForObject(
                    "SELECT count(*) FROM tasks WHERE study_id = ? AND checkpoint_key IS NOT NULL", Long.class, id) > 0);
        } finally {
            process.destroy();
        }
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(log)).isZero();

        Map<String, Object> task = jdbc.queryForMap("SELECT state, checkpoint_key, checkpoint_next_event, preemptions, "
                + "failures FROM tasks WHERE study_id = ?", id);
        assertThat(task.get("state")).isEqualTo("QUEUED");
        assertThat((String) task.get("checkpoint_key")).matches("studies/" + id + "/steps/0/batches/0/attempt-1\\.json");
        assertThat((Long) task.get("checkpoint_next_event")).isPositive().isLessThan(6_000_000L);
        assertThat(task.get("preemptions")).isEqualTo(1);
        assertThat(task.get("failures")).isEqualTo(0);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM study_events WHERE study_id = ? AND type = 'preempted'",
                Long.class, id)).isEqualTo(1);
        S3Settings s3 = new S3Settings(detopt.s3().endpoint(), detopt.s3().region(), detopt.s3().bucket(),
                detopt.s3().accessKey(), detopt.s3().secretKey());
        try (ObjectStore store = new S3ObjectStore(s3)) {
            assertThat(store.exists((String) task.get("checkpoint_key"))).isTrue();
        }

        AtomicLong simulatedByB = new AtomicLong();
        try (InProcessWorker worker = new InProcessWorker(environment("real-worker-b"), countingGaussian(simulatedByB))) {
            awaitStatus(id, "COMPLETED", Duration.ofSeconds(120));
        }
        assertThat(Files.readString(log)).contains("preempted at event", "released task");
        // The service handed the checkpoint's key to the second lease, and the second worker resumed
        // from it: it simulated only the events after the checkpoint.
        long checkpointed = (Long) task.get("checkpoint_next_event");
        assertThat(simulatedByB.get()).as("events the second worker simulated, the checkpoint being at event %d",
                checkpointed).isEqualTo(6_000_000L - checkpointed);
        assertThat(jdbc.queryForObject("SELECT attempt FROM tasks WHERE study_id = ?", Integer.class, id)).isEqualTo(2);
        StudyHistory reference = new StudyRunner(StudySpecs.fromJson(spec), 2).run(record -> { });
        assertThat(storedRecords(id)).containsExactlyElementsOf(json(reference.steps()));
        // The resumed batch's checkpoints were deleted once its result was accepted.
        try (ObjectStore store = new S3ObjectStore(s3)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> store.list("studies/" + id + "/").isEmpty());
        }
    }

    @Test
    void aCorruptCheckpointMakesTheBatchRestartFromScratchAndTheStudyStillMatches() throws Exception {
        // Large enough for several checkpoints even on a fast machine.
        String spec = TestSpecs.gaussian(1, 24_000_000, 24_000_000, 9);
        UUID id = createAndStart(spec);
        String sql = "SELECT coalesce(checkpoint_next_event, 0) FROM tasks WHERE study_id = ?";
        try (InProcessWorker first = new InProcessWorker(environment("corrupt-a"))) {
            for (int reports = 0; reports < 3; reports++) {
                long before = jdbc.queryForObject(sql, Long.class, id);
                // Generous: a lease held by an earlier test's abandoned long poll expires first (30 s).
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                        .until(() -> jdbc.queryForObject(sql, Long.class, id) > before);
            }
        }
        Map<String, Object> task = jdbc.queryForMap("SELECT checkpoint_key, checkpoint_next_event FROM tasks WHERE study_id = ?", id);
        String key = (String) task.get("checkpoint_key");
        long stoppedAt = (Long) task.get("checkpoint_next_event");
        S3Settings s3 = new S3Settings(detopt.s3().endpoint(), detopt.s3().region(), detopt.s3().bucket(),
                detopt.s3().accessKey(), detopt.s3().secretKey());
        try (ObjectStore store = new S3ObjectStore(s3)) {
            String stored = new String(store.get(key).orElseThrow(), java.nio.charset.StandardCharsets.UTF_8);
            String corrupted = stored.replaceFirst("\"sumY\":\\[\"(-?\\d+):", "\"sumY\":[\"$1:AB");
            assertThat(corrupted).isNotEqualTo(stored);
            store.put(key, corrupted.getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json");
        }

        try (InProcessWorker second = new InProcessWorker(environment("corrupt-b"))) {
            // The next attempt's first checkpoint report (its key names the new attempt).
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).until(() -> !key.equals(
                    jdbc.queryForObject("SELECT checkpoint_key FROM tasks WHERE study_id = ?", String.class, id)));
            Long restartedAt = jdbc.queryForObject("SELECT checkpoint_next_event FROM tasks WHERE study_id = ?", Long.class, id);
            // Its first checkpoint lies before where the first worker stopped: it started over.
            assertThat(restartedAt).isNotNull().isLessThan(stoppedAt);
            awaitStatus(id, "COMPLETED", Duration.ofSeconds(180));
        }
        StudyHistory reference = new StudyRunner(StudySpecs.fromJson(spec), 2).run(record -> { });
        assertThat(storedRecords(id)).containsExactlyElementsOf(json(reference.steps()));
    }

    /** The standard catalogue with its {@code gaussian} counting the events it simulates. */
    static SimulatorCatalog countingGaussian(AtomicLong simulated) {
        return new SimulatorCatalog(List.of(new SimulatorType<>(GaussianSimulator.NAME, GaussianSimulator.Config.class,
                GaussianSimulator.Config.defaults(), GaussianSimulator.Config::problems,
                config -> new CountingSimulator(new GaussianSimulator(config), simulated), (config, simulator) -> null)));
    }

    private record CountingSimulator(Simulator inner, AtomicLong count) implements Simulator {
        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public List<String> parameterNames() {
            return inner.parameterNames();
        }

        @Override
        public List<String> observableNames() {
            return inner.observableNames();
        }

        @Override
        public Set<EstimatorKind> supportedEstimators() {
            return inner.supportedEstimators();
        }

        @Override
        public EventEvaluator evaluator(DesignPoint point, EstimatorSettings estimator) {
            EventEvaluator evaluator = inner.evaluator(point, estimator);
            return new EventEvaluator() {
                @Override
                public SampleLayout layout() {
                    return evaluator.layout();
                }

                @Override
                public void evaluate(EventRandomness randomness, EventSample out) {
                    count.incrementAndGet();
                    evaluator.evaluate(randomness, out);
                }
            };
        }
    }

    String status(UUID id) {
        return api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("status").asString();
    }
}
