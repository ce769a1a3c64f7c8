package dev.detopt.service.simulators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.model.external.ExternalSimulators;
import dev.detopt.model.study.StudyHistory;
import dev.detopt.model.study.StudyRunner;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestLeases;
import dev.detopt.service.TestTokens;
import dev.detopt.service.config.DetoptProperties;
import dev.detopt.service.queue.TaskQueue;
import dev.detopt.worker.WorkerMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * External simulator programs through the service (registry from {@code detopt.simulators} in the
 * test profile: src/test/resources/simulators-test.json) and real {@code detopt-worker} processes:
 * listing, spec validation against the declaration, a study on the Python example with a worker
 * SIGKILLed and a simulator child SIGKILLed along the way reproducing the reference runner bit for
 * bit, and a misbehaving program's failure in the study's event log.
 */
@ServiceTest
class ExternalSimulatorServiceTest {
    static final Path REGISTRY = Path.of("src", "test", "resources", "simulators-test.json").toAbsolutePath();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DetoptProperties detopt;

    @Autowired
    TaskQueue queue;

    ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(port);
    }

    static String spec(String simulator, int steps, int eventsPerStep, int eventsPerBatch) throws IOException {
        return Files.readString(Path.of("..", "docs", "examples", "simulators", "d-em-shower-resolution.json"))
                .replace("\"name\": \"em-shower\"", "\"name\": \"" + simulator + "\"")
                .replace("\"eventsPerStep\": 400", "\"eventsPerStep\": " + eventsPerStep)
                .replace("\"eventsPerBatch\": 100", "\"eventsPerBatch\": " + eventsPerBatch)
                .replace("\"maxSteps\": 20", "\"maxSteps\": " + steps);
    }

    Process worker(String id, Path log) throws IOException {
        DetoptProperties.S3 s3 = detopt.s3();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName());
        Map<String, String> env = builder.environment();
        env.put("DETOPT_SERVICE_URL", "http://127.0.0.1:" + port);
        env.put("DETOPT_WORKER_TOKEN", TestTokens.WORKER);
        env.put("DETOPT_WORKER_THREADS", "1");
        env.put("DETOPT_WORKER_ID", id);
        env.put("DETOPT_CHECKPOINT_INTERVAL", "0.2");
        env.put("DETOPT_S3_ENDPOINT", s3.endpoint());
        env.put("DETOPT_S3_BUCKET", s3.bucket());
        env.put("DETOPT_S3_ACCESS_KEY", s3.accessKey());
        env.put("DETOPT_S3_SECRET_KEY", s3.secretKey());
        env.put("DETOPT_SIMULATORS", REGISTRY.toString());
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return builder.start();
    }

    UUID createAndStart(String spec) {
        ApiClient.Response created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        UUID id = UUID.fromString(created.json().path("id").asString());
        assertThat(api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        return id;
    }

    String status(UUID id) {
        return api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("status").asString();
    }

    long steps(UUID id) {
        return jdbc.queryForObject("SELECT count(*) FROM steps WHERE study_id = ?", Long.class, id);
    }

    List<String> storedRecords(UUID id) {
        return jdbc.queryForList("SELECT record::text FROM steps WHERE study_id = ? ORDER BY step", String.class, id);
    }

    @Test
    void registeredSimulatorsAreListedWithoutTheirCommands() {
        ApiClient.Response list = api.get("/api/v1/simulators", TestTokens.VIEWER);
        assertThat(list.status()).isEqualTo(200);
        JsonNode emShower = null;
        for (JsonNode simulator : list.json()) {
            if (simulator.path("name").asString().equals("em-shower")) {
                emShower = simulator;
            }
        }
        assertThat(emShower).isNotNull();
        assertThat(emShower.path("external").asBoolean()).isTrue();
        assertThat(emShower.path("estimators").toString()).isEqualTo("[\"finite-difference\",\"surrogate\"]");
        assertThat(emShower.path("parameters").get(0).path("name").asString()).isEqualTo("absorber");
        assertThat(list.body()).contains("\"calorimeter\"").doesNotContain("python3").doesNotContain("em_shower.py");
    }

    @Test
    void specsAreValidatedAgainstTheDeclaration() throws IOException {
        ApiClient.Response pathwise = api.post("/api/v1/studies", spec("em-shower", 2, 32, 16)
                .replace("\"kind\": \"finite-difference\"", "\"kind\": \"pathwise\""), TestTokens.OPERATOR);
        assertThat(pathwise.status()).isEqualTo(422);
        assertThat(pathwise.body()).contains("estimator.kind").contains("supported: finite-difference");
        ApiClient.Response command = api.post("/api/v1/studies", spec("em-shower", 2, 32, 16).replace(
                "\"config\": {\"energyMeV\": 10000}", "\"config\": {}, \"command\": [\"/bin/sh\"]"), TestTokens.OPERATOR);
        assertThat(command.status()).isEqualTo(422);
        assertThat(command.body()).contains("simulator.command");
    }

    @Test
    void twoWorkersWithKillsReproduceTheReferenceRunner() throws Exception {
        String spec = spec("em-shower", 6, 96, 16);
        UUID id = createAndStart(spec);
        Path logs = Files.createDirectories(Path.of("target", "external-simulators"));
        Process a = worker("external-a", logs.resolve("worker-a.log"));
        Process b = worker("external-b", logs.resolve("worker-b.log"));
        List<ProcessHandle> childrenOfA = new ArrayList<>();
        try {
            // SIGKILL worker A once the first step is done; its program sees stdin close and exits
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).until(() -> steps(id) >= 1);
            childrenOfA.addAll(a.descendants().toList());
            a.destroyForcibly();
            a.waitFor(30, TimeUnit.SECONDS);
            // No background sweeper in tests: A's lease runs out now rather than after the lease time.
            new TestLeases(jdbc, queue).expireAndSweepHeldBy("external-a");
            // then SIGKILL worker B's simulator program: the batch fails or the next chunk starts a fresh one
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).until(() -> steps(id) >= 3);
            List<ProcessHandle> programsOfB = b.descendants().filter(p -> p.info().commandLine().orElse("").contains("em_shower.py")).toList();
            assertThat(programsOfB).isNotEmpty();
            programsOfB.forEach(ProcessHandle::destroyForcibly);
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100)).until(() -> status(id).equals("COMPLETED"));
        } finally {
            a.destroyForcibly();
            b.destroy();
            assertThat(b.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        for (ProcessHandle child : childrenOfA) {
            assertThat(child.onExit().orTimeout(10, TimeUnit.SECONDS).join().isAlive()).isFalse();
        }
        StudyHistory reference;
        try (ExternalSimulators simulators = ExternalSimulators.load(REGISTRY)) {
            reference = new StudyRunner(StudySpecs.fromJson(spec, simulators.catalog()), simulators.catalog(), 1).run(r -> { });
        }
        assertThat(storedRecords(id)).containsExactlyElementsOf(reference.steps().stream().map(WireJson::write).toList());
    }

    @Test
    void aMisbehavingProgramFailsItsTasksWithTheReasonInTheEventLog() throws Exception {
        String exitAtStart = spec("test-exit-at-start", 1, 8, 8).replace("\"energyMeV\": 10000", "")
                .replace("{\"name\": \"absorber\", \"unit\": \"mm\", \"initial\": 2.0, \"lower\": 1.0, \"upper\": 20.0, \"scale\": 1.0},\n"
                        + "    {\"name\": \"active\", \"unit\": \"mm\", \"initial\": 4.0, \"frozen\": true}", "{\"name\": \"x\", \"initial\": 0.5}")
                .replace("\"finiteDifferenceSteps\": {\"absorber\": 0.2}", "\"finiteDifferenceSteps\": {\"x\": 0.1}")
                .replace("\"type\": \"energy-resolution\", \"observable\": \"visible\", \"squaredObservable\": \"visible.squared\"",
                        "\"type\": \"energy-resolution\", \"observable\": \"y\", \"squaredObservable\": \"y.squared\"");
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("test-exit-at-start", "it exited with code 1 while detopt waited for its hello; stderr tail:\ncannot open geometry file calo.gdml");
        expected.put("test-slow-start", "start (hello) took longer than 2 s; it was killed; stderr tail:\nloading cross-section tables");
        expected.put("test-garbage", "malformed output where its result was expected: 'Warning: physics list QGSP_BERT not found");
        expected.put("test-hang", "events took longer than 2 s; it was killed");
        expected.put("test-wrong-count", "wrong observables per event (it declared 3) in its result: 2 instead of 3");
        expected.put("test-nan", "it sent NaN as observable 'y' of event");
        Map<String, UUID> studies = new java.util.LinkedHashMap<>();
        expected.keySet().forEach(name -> studies.put(name, createAndStart(exitAtStart.replace("test-exit-at-start", name))));
        Process worker = worker("external-failures", Files.createDirectories(Path.of("target", "external-simulators")).resolve("worker-failures.log"));
        try {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100))
                    .until(() -> studies.values().stream().allMatch(id -> status(id).equals("FAILED")));
        } finally {
            worker.destroy();
            assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        for (Map.Entry<String, UUID> study : studies.entrySet()) {
            JsonNode events = api.get("/api/v1/studies/" + study.getValue() + "/events?limit=500", TestTokens.VIEWER).json().path("items");
            List<String> messages = new ArrayList<>();
            events.forEach(event -> messages.add(event.path("message").asString()));
            // retried: three failed attempts, each with the reason and the program's stderr tail, then the study fails
            assertThat(messages.stream().filter(m -> m.contains("failed on worker external-failures")).toList()).as(study.getKey())
                    .hasSize(3).allSatisfy(m -> assertThat(m).contains("simulator '" + study.getKey() + "'", expected.get(study.getKey())));
            assertThat(messages).as(study.getKey()).anySatisfy(m -> assertThat(m).contains("failed 3 times"));
        }
    }
}
