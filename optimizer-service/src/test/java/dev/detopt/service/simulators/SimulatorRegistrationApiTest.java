package dev.detopt.service.simulators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.detopt.model.external.ExternalSimulators;
import dev.detopt.model.external.SimulatorRegistration;
import dev.detopt.model.study.StudyHistory;
import dev.detopt.model.study.StudyRunner;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestTokens;
import dev.detopt.service.config.DetoptProperties;
import dev.detopt.service.domain.InvalidInputException;
import dev.detopt.worker.WorkerMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The admin registration API: {@code POST/GET/DELETE /api/v1/simulators}. Roles, a battery of bad
 * registrations (400/422 naming the field, 409 for taken or file-defined names), specs validated
 * against an API registration, the worker's view of the registrations, the images-only setting, and
 * a study on the Python example registered only through REST, run by a real worker process that
 * has no registry file of its own and reproducing the reference runner.
 */
@ServiceTest
class SimulatorRegistrationApiTest {
    static final Path EXAMPLES = Path.of("..", "examples", "simulators").toAbsolutePath().normalize();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DetoptProperties detopt;

    @Autowired
    SimulatorRegistrationRepository repository;

    ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(port);
        api.cancelActiveStudies();
    }

    @AfterEach
    void forgetRegistrations() {
        api.cancelActiveStudies();
        jdbc.update("DELETE FROM simulator_registrations");
    }

    /** The Python example's registration from the test registry file, under another name and with absolute paths. */
    static ObjectNode pythonExample(String name) throws Exception {
        JsonNode file = WireJson.mapper().readTree(Files.readString(ExternalSimulatorServiceTest.REGISTRY));
        ObjectNode registration = (ObjectNode) file.path("simulators").get(0).deepCopy();
        registration.put("name", name);
        registration.put("workingDirectory", EXAMPLES.toString());
        registration.put("description", "registered through the API");
        return registration;
    }

    ApiClient.Response register(JsonNode registration) {
        return api.post("/api/v1/simulators", WireJson.write(registration), TestTokens.ADMIN);
    }

    @Test
    void onlyAdminsRegisterSeeInFullAndDelete() throws Exception {
        String body = WireJson.write(pythonExample("role-shower"));
        for (String token : List.of(TestTokens.VIEWER, TestTokens.OPERATOR, TestTokens.WORKER)) {
            assertThat(api.post("/api/v1/simulators", body, token).status()).as(token).isEqualTo(403);
        }
        assertThat(api.post("/api/v1/simulators", body, null).status()).isEqualTo(401);
        ApiClient.Response created = api.post("/api/v1/simulators", body, TestTokens.ADMIN);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("source").asString()).isEqualTo("api");
        assertThat(created.json().path("registeredBy").asString()).isNotBlank();
        assertThat(created.json().path("registration").path("command").get(0).asString()).isEqualTo("python3");

        for (String token : List.of(TestTokens.VIEWER, TestTokens.OPERATOR, TestTokens.WORKER)) {
            assertThat(api.get("/api/v1/simulators/role-shower", token).status()).as(token).isEqualTo(403);
            assertThat(api.delete("/api/v1/simulators/role-shower", token).status()).as(token).isEqualTo(403);
        }
        ApiClient.Response full = api.get("/api/v1/simulators/role-shower", TestTokens.ADMIN);
        assertThat(full.status()).isEqualTo(200);
        assertThat(full.body()).contains("em_shower.py");

        // everyone who can read sees it listed, without its command
        ApiClient.Response list = api.get("/api/v1/simulators", TestTokens.VIEWER);
        assertThat(list.body()).contains("\"role-shower\"").contains("registered through the API")
                .doesNotContain("em_shower.py").doesNotContain("python3");
        JsonNode listed = null;
        for (JsonNode simulator : list.json()) {
            if (simulator.path("name").asString().equals("role-shower")) {
                listed = simulator;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.path("source").asString()).isEqualTo("api");
        assertThat(listed.path("parameters").get(0).path("name").asString()).isEqualTo("absorber");

        assertThat(api.delete("/api/v1/simulators/role-shower", TestTokens.ADMIN).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/simulators/role-shower", TestTokens.ADMIN).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/simulators", TestTokens.VIEWER).body()).doesNotContain("role-shower");
    }

    @Test
    void badRegistrationsGetAProblemNamingTheField() throws Exception {
        Map<String, String> fieldOf = new java.util.LinkedHashMap<>();
        ObjectNode base = pythonExample("bad-shower");
        fieldOf.put(WireJson.write(base.deepCopy().put("name", "Bad Name")), "name");
        fieldOf.put(WireJson.write(base.deepCopy().put("name", "calorimeter")), "name");
        fieldOf.put(WireJson.write(base.deepCopy().put("commmand", "typo")), "commmand");
        fieldOf.put(WireJson.write(base.deepCopy().put("command", "python3 em_shower.py")), "command");
        ObjectNode noProgram = base.deepCopy();
        noProgram.remove("command");
        fieldOf.put(WireJson.write(noProgram), "command");
        ObjectNode env = base.deepCopy();
        env.putObject("environment").put("BAD-NAME", "1");
        fieldOf.put(WireJson.write(env), "environment.BAD-NAME");
        fieldOf.put(WireJson.write(base.deepCopy().put("startTimeoutSeconds", -1)), "startTimeoutSeconds");
        fieldOf.put(WireJson.write(base.deepCopy().put("batchTimeoutSeconds", "ten")), "batchTimeoutSeconds");
        fieldOf.put(WireJson.write(base.deepCopy().put("image", "not an image!")), "image");
        ObjectNode resources = base.deepCopy();
        resources.putObject("resources").put("cpu", "lots");
        fieldOf.put(WireJson.write(resources), "resources.cpu");
        ObjectNode noDeclaration = base.deepCopy();
        noDeclaration.remove("declaration");
        fieldOf.put(WireJson.write(noDeclaration), "declaration");
        fieldOf.put("[1, 2]", "$");
        for (Map.Entry<String, String> bad : fieldOf.entrySet()) {
            ApiClient.Response answer = api.post("/api/v1/simulators", bad.getKey(), TestTokens.ADMIN);
            assertThat(answer.status()).as(bad.getKey()).isEqualTo(422);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            List<String> fields = answer.json().path("errors").valueStream().map(e -> e.path("field").asString()).toList();
            assertThat(fields).as(answer.body()).contains(bad.getValue());
        }
        ApiClient.Response notJson = api.post("/api/v1/simulators", "{\"name\": ", TestTokens.ADMIN);
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.contentType()).startsWith("application/problem+json");
        assertThat(notJson.body()).doesNotContain("Exception").doesNotContain("at dev.detopt");
        ApiClient.Response tooLarge = api.post("/api/v1/simulators", "{\"description\": \"" + "x".repeat(300_000) + "\"}",
                TestTokens.ADMIN);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM simulator_registrations", Long.class)).isZero();
    }

    @Test
    void takenAndFileDefinedNamesConflict() throws Exception {
        // em-shower is defined by the deployment's registry file (detopt.simulators in the test profile)
        ApiClient.Response fileName = register(pythonExample("em-shower"));
        assertThat(fileName.status()).as(fileName.body()).isEqualTo(409);
        assertThat(fileName.body()).contains("registry file");
        assertThat(api.delete("/api/v1/simulators/em-shower", TestTokens.ADMIN).status()).isEqualTo(409);
        assertThat(api.delete("/api/v1/simulators/no-such-simulator", TestTokens.ADMIN).status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/simulators/calorimeter", TestTokens.ADMIN).status()).isEqualTo(404);

        assertThat(register(pythonExample("twice-shower")).status()).isEqualTo(201);
        ApiClient.Response again = register(pythonExample("twice-shower"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("errors").get(0).path("field").asString()).isEqualTo("name");
    }

    @Test
    void studiesAreValidatedAgainstAnApiRegistrationThatCannotBeDeletedWhileInUse() throws Exception {
        assertThat(register(pythonExample("spec-shower")).status()).isEqualTo(201);
        String spec = ExternalSimulatorServiceTest.spec("spec-shower", 2, 32, 16);
        ApiClient.Response pathwise = api.post("/api/v1/studies",
                spec.replace("\"kind\": \"finite-difference\"", "\"kind\": \"pathwise\""), TestTokens.OPERATOR);
        assertThat(pathwise.status()).isEqualTo(422);
        assertThat(pathwise.body()).contains("estimator.kind");
        ApiClient.Response unknownParameter = api.post("/api/v1/studies",
                spec.replace("\"name\": \"absorber\", \"unit\"", "\"name\": \"absorbr\", \"unit\""), TestTokens.OPERATOR);
        assertThat(unknownParameter.status()).isEqualTo(422);
        assertThat(unknownParameter.body()).contains("parameters[0].name");
        ApiClient.Response created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();

        ApiClient.Response inUse = api.delete("/api/v1/simulators/spec-shower", TestTokens.ADMIN);
        assertThat(inUse.status()).isEqualTo(409);
        assertThat(inUse.body()).contains("1 unfinished study");
        assertThat(api.post("/api/v1/studies/" + id + "/cancel", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        assertThat(api.delete("/api/v1/simulators/spec-shower", TestTokens.ADMIN).status()).isEqualTo(204);
        ApiClient.Response gone = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(gone.status()).isEqualTo(422);
        assertThat(gone.body()).contains("simulator.name");
    }

    @Test
    void workersGetEveryRegistrationInFull() throws Exception {
        assertThat(register(pythonExample("worker-shower")).status()).isEqualTo(201);
        assertThat(api.get("/api/v1/workers/simulators", TestTokens.VIEWER).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/workers/simulators", TestTokens.ADMIN).status()).isEqualTo(403);
        ApiClient.Response answer = api.get("/api/v1/workers/simulators", TestTokens.WORKER);
        assertThat(answer.status()).isEqualTo(200);
        List<SimulatorRegistration> registrations = ExternalSimulators.parseRegistry(answer.json(), null);
        assertThat(registrations).extracting(SimulatorRegistration::name).contains("em-shower", "worker-shower");
        SimulatorRegistration registered = registrations.stream().filter(r -> r.name().equals("worker-shower")).findFirst().orElseThrow();
        assertThat(registered).isEqualTo(SimulatorRegistration.parse(pythonExample("worker-shower")));
    }

    @Test
    void withCommandsOffOnlyImagesAreRegistered() throws Exception {
        try (SimulatorRegistry imagesOnly = new SimulatorRegistry(ExternalSimulators.none(), repository, false)) {
            assertThatThrownBy(() -> imagesOnly.register(WireJson.write(pythonExample("command-shower")), "admin"))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.problems())
                            .anySatisfy(p -> assertThat(p.field()).isEqualTo("command")));
            ObjectNode image = pythonExample("image-shower").put("image", "registry.example.org/em-shower:1.0");
            image.putArray("command").add("/opt/em-shower/em_shower.py");
            image.remove("workingDirectory");
            assertThat(imagesOnly.register(WireJson.write(image), "admin").registration().image())
                    .isEqualTo("registry.example.org/em-shower:1.0");
        }
    }

    /** The simulators of the tasks a worker leases (max 50, no wait), its image given or not. */
    List<String> leasedSimulators(String workerId, String image) {
        ApiClient.Response registered = api.post("/api/v1/workers/register",
                "{\"workerId\": \"" + workerId + "\", \"host\": \"test\", \"threads\": 1}", TestTokens.WORKER);
        assertThat(registered.status()).as(registered.body()).isEqualTo(200);
        ApiClient.Response leased = api.post("/api/v1/workers/" + workerId + "/lease?max=50&waitSeconds=0"
                + (image == null ? "" : "&image=" + java.net.URLEncoder.encode(image, java.nio.charset.StandardCharsets.UTF_8)),
                (String) null, TestTokens.WORKER);
        assertThat(leased.status()).as(leased.body()).isEqualTo(200);
        return leased.json().path("tasks").valueStream().map(t -> t.path("task").path("simulator").asString()).toList();
    }

    @Test
    void tasksOfASimulatorWithAnImageGoOnlyToWorkersInThatImage() throws Exception {
        ObjectNode imaged = pythonExample("imaged-shower").put("image", "registry.example/em-shower:1");
        assertThat(register(imaged).status()).isEqualTo(201);
        for (String spec : List.of(ExternalSimulatorServiceTest.spec("imaged-shower", 2, 32, 16),
                dev.detopt.service.TestSpecs.gaussian(2, 32, 16, 7))) {
            ApiClient.Response created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(api.post("/api/v1/studies/" + created.json().path("id").asString() + "/start", (String) null,
                    TestTokens.OPERATOR).status()).isEqualTo(200);
        }
        assertThat(leasedSimulators("scope-other-image", "registry.example/other:2")).isEmpty();
        assertThat(leasedSimulators("scope-plain", null)).isNotEmpty().containsOnly("gaussian");
        assertThat(leasedSimulators("scope-imaged", "registry.example/em-shower:1")).isNotEmpty().containsOnly("imaged-shower");
        ApiClient.Response badImage = api.post("/api/v1/workers/scope-plain/lease?image=" + "%20rm%20-rf", (String) null,
                TestTokens.WORKER);
        assertThat(badImage.status()).isEqualTo(400);
        assertThat(badImage.body()).contains("image");
    }

    @Test
    void aStudyOnASimulatorRegisteredThroughRestRunsOnAWorkerWithoutARegistryFile() throws Exception {
        assertThat(register(pythonExample("rest-shower")).status()).isEqualTo(201);
        String spec = ExternalSimulatorServiceTest.spec("rest-shower", 3, 48, 16);
        ApiClient.Response created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        UUID id = UUID.fromString(created.json().path("id").asString());
        assertThat(api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);

        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName());
        Map<String, String> env = builder.environment();
        env.remove("DETOPT_SIMULATORS");
        env.put("DETOPT_SERVICE_URL", "http://127.0.0.1:" + port);
        env.put("DETOPT_WORKER_TOKEN", TestTokens.WORKER);
        env.put("DETOPT_WORKER_THREADS", "1");
        env.put("DETOPT_WORKER_ID", "rest-registered");
        Path log = Files.createDirectories(Path.of("target", "external-simulators")).resolve("worker-rest.log");
        Process worker = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100)).until(() ->
                    api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("status").asString().matches("COMPLETED|FAILED"));
        } finally {
            worker.destroy();
            assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("status").asString())
                .as(Files.readString(log)).isEqualTo("COMPLETED");
        StudyHistory reference;
        try (ExternalSimulators simulators = new ExternalSimulators(List.of(SimulatorRegistration.parse(pythonExample("rest-shower"))))) {
            reference = new StudyRunner(StudySpecs.fromJson(spec, simulators.catalog()), simulators.catalog(), 1).run(r -> { });
        }
        List<String> stored = jdbc.queryForList("SELECT record::text FROM steps WHERE study_id = ? ORDER BY step", String.class, id);
        assertThat(stored).containsExactlyElementsOf(reference.steps().stream().map(WireJson::write).toList());
    }
}
