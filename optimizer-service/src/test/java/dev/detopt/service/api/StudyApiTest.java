package dev.detopt.service.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.model.study.HistoryCsv;
import dev.detopt.model.study.StepRecord;
import dev.detopt.model.study.StudyHistory;
import dev.detopt.model.study.StudyRunner;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import dev.detopt.service.TestWorker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The studies API: create/validate, list, get, delete, transitions, steps, series, best, tasks, log, exports, SSE. */
@ServiceTest
class StudyApiTest {
    private static final String SPEC = TestSpecs.gaussian(4, 32, 16, 5);

    @LocalServerPort
    int port;

    ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(port);
        api.cancelActiveStudies();
    }

    @Test
    void createReturnsTheStudyWithItsNormalisedSpec() {
        ApiClient.Response created = api.post("/api/v1/studies", SPEC, TestTokens.OPERATOR);
        assertThat(created.status()).isEqualTo(201);
        JsonNode study = created.json();
        assertThat(study.path("status").asString()).isEqualTo("CREATED");
        assertThat(study.path("simulator").asString()).isEqualTo("gaussian");
        assertThat(study.path("estimator").asString()).isEqualTo("pathwise");
        assertThat(study.path("maxSteps").asInt()).isEqualTo(4);
        assertThat(study.path("spec").path("seed").asLong()).isEqualTo(5);
        assertThat(study.path("state").isNull()).isTrue();
        JsonNode fetched = api.get("/api/v1/studies/" + study.path("id").asString(), TestTokens.VIEWER).json();
        assertThat(fetched.path("spec")).isEqualTo(study.path("spec"));
    }

    @Test
    void invalidSpecsAreRejectedWithEveryFieldProblem() {
        String bad = SPEC.replace("\"eventsPerBatch\": 16", "\"eventsPerBatch\": -3")
                .replace("\"learningRate\": 0.1", "\"learningRate\": \"fast\"");
        ApiClient.Response response = api.post("/api/v1/studies", bad, TestTokens.OPERATOR);
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.contentType()).startsWith("application/problem+json");
        List<String> fields = new ArrayList<>();
        response.json().path("errors").forEach(error -> fields.add(error.path("field").asString()));
        assertThat(fields).contains("eventsPerBatch", "optimizer.learningRate");

        ApiClient.Response malformed = api.post("/api/v1/studies", "{\"name\": ", TestTokens.OPERATOR);
        assertThat(malformed.status()).isEqualTo(400);
        ApiClient.Response nan = api.post("/api/v1/studies", SPEC.replace("\"initial\": -1.0", "\"initial\": NaN"),
                TestTokens.OPERATOR);
        assertThat(nan.status()).isEqualTo(422);
        assertThat(nan.body()).contains("parameters[0].initial");
        assertThat(api.get("/api/v1/studies?status=RUNNING", TestTokens.VIEWER).status()).isEqualTo(200);
    }

    @Test
    void unknownIdsAndIllegalTransitionsAreClientErrorsThatChangeNothing() {
        UUID unknown = UUID.randomUUID();
        assertThat(api.get("/api/v1/studies/" + unknown, TestTokens.VIEWER).status()).isEqualTo(404);
        assertThat(api.post("/api/v1/studies/" + unknown + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/studies/not-a-uuid", TestTokens.VIEWER).status()).isEqualTo(400);

        String id = create();
        for (String action : List.of("pause", "resume")) {
            ApiClient.Response response = api.post("/api/v1/studies/" + id + "/" + action, (String) null, TestTokens.OPERATOR);
            assertThat(response.status()).as(action).isEqualTo(409);
            assertThat(response.json().path("errors").get(0).path("field").asString()).isEqualTo("status");
        }
        assertThat(api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(409);
        assertThat(api.delete("/api/v1/studies/" + id, TestTokens.OPERATOR).status()).isEqualTo(409);
        assertThat(api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("status").asString()).isEqualTo("RUNNING");
        assertThat(api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("stopReason").isNull()).isTrue();
        assertThat(api.post("/api/v1/studies/" + id + "/cancel", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("stopReason").asString()).isEqualTo("cancelled");
        assertThat(api.post("/api/v1/studies/" + id + "/resume", (String) null, TestTokens.OPERATOR).status()).isEqualTo(409);
        assertThat(api.post("/api/v1/studies/" + id + "/cancel", (String) null, TestTokens.OPERATOR).status()).isEqualTo(409);
        assertThat(api.delete("/api/v1/studies/" + id, TestTokens.OPERATOR).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/studies/" + id, TestTokens.VIEWER).status()).isEqualTo(404);
    }

    @Test
    void listFiltersByStatusAndPaginates() {
        String a = create();
        String b = create();
        String c = create();
        api.post("/api/v1/studies/" + c + "/cancel", (String) null, TestTokens.OPERATOR);
        JsonNode cancelled = api.get("/api/v1/studies?status=cancelled&size=500", TestTokens.VIEWER).json();
        assertThat(ids(cancelled)).contains(c).doesNotContain(a, b);
        JsonNode firstPage = api.get("/api/v1/studies?status=CREATED&size=1&page=0", TestTokens.VIEWER).json();
        JsonNode secondPage = api.get("/api/v1/studies?status=CREATED&size=1&page=1", TestTokens.VIEWER).json();
        assertThat(firstPage.path("items")).hasSize(1);
        assertThat(firstPage.path("total").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(ids(firstPage)).doesNotContainAnyElementsOf(ids(secondPage));
        // Newest first.
        assertThat(ids(firstPage)).containsExactly(b);
        assertThat(api.get("/api/v1/studies?status=bogus", TestTokens.VIEWER).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/studies?size=0", TestTokens.VIEWER).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/studies?page=-1", TestTokens.VIEWER).status()).isEqualTo(400);
        api.post("/api/v1/studies/" + a + "/cancel", (String) null, TestTokens.OPERATOR);
        api.post("/api/v1/studies/" + b + "/cancel", (String) null, TestTokens.OPERATOR);
    }

    @Test
    void finishedStudyServesStepsSeriesBestTasksLogAndExactExports() throws Exception {
        String id = create();
        CompletableFuture<List<String>> stream = CompletableFuture.supplyAsync(() -> streamLines(id));
        api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR);
        try (TestWorker worker = new TestWorker(api, "api-test-worker")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                    api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("status").asString().equals("COMPLETED"));
        }
        StudyHistory reference = new StudyRunner(StudySpecs.fromJson(SPEC), 1).run(record -> { });
        List<String> expected = reference.steps().stream().map(WireJson::write).toList();

        JsonNode page0 = api.get("/api/v1/studies/" + id + "/steps?size=3", TestTokens.VIEWER).json();
        JsonNode page1 = api.get("/api/v1/studies/" + id + "/steps?size=3&page=1", TestTokens.VIEWER).json();
        assertThat(page0.path("total").asLong()).isEqualTo(4);
        assertThat(page0.path("items")).hasSize(3);
        assertThat(page1.path("items")).hasSize(1);
        assertThat(page1.path("items").get(0).path("step").asInt()).isEqualTo(3);
        JsonNode newest = api.get("/api/v1/studies/" + id + "/steps?size=3&order=desc", TestTokens.VIEWER).json();
        List<Integer> newestSteps = new ArrayList<>();
        newest.path("items").forEach(item -> newestSteps.add(item.path("step").asInt()));
        assertThat(newestSteps).containsExactly(3, 2, 1);
        assertThat(WireJson.mapper().treeToValue(newest.path("items").get(0).path("record"), StepRecord.class))
                .isEqualTo(reference.steps().get(3));
        ApiClient.Response badOrder = api.get("/api/v1/studies/" + id + "/steps?order=newest", TestTokens.VIEWER);
        assertThat(badOrder.status()).isEqualTo(400);
        assertThat(badOrder.json().path("errors").get(0).path("field").asString()).isEqualTo("order");
        assertThat(WireJson.mapper().treeToValue(page0.path("items").get(1).path("record"), StepRecord.class))
                .isEqualTo(reference.steps().get(1));

        JsonNode series = api.get("/api/v1/studies/" + id + "/series?maxPoints=10", TestTokens.VIEWER).json();
        assertThat(series.path("totalPoints").asInt()).isEqualTo(4);
        assertThat(series.path("downsampled").asBoolean()).isFalse();
        assertThat(series.path("points").get(2).path("total").asDouble()).isEqualTo(reference.steps().get(2).total());
        assertThat(api.get("/api/v1/studies/" + id + "/series?maxPoints=1", TestTokens.VIEWER).status()).isEqualTo(400);

        JsonNode best = api.get("/api/v1/studies/" + id + "/best", TestTokens.VIEWER).json();
        assertThat(best.path("step").asInt()).isEqualTo(reference.finalState().best().step());
        assertThat(best.path("total").asDouble()).isEqualTo(reference.finalState().best().total());

        JsonNode tasks = api.get("/api/v1/studies/" + id + "/tasks", TestTokens.VIEWER).json();
        assertThat(tasks.path("counts").path("COMPLETED").asLong()).isEqualTo(8);
        assertThat(tasks.path("steps")).hasSize(4);
        assertThat(tasks.path("steps").get(0).path("completed").asLong()).isEqualTo(2);

        JsonNode log = api.get("/api/v1/studies/" + id + "/events", TestTokens.VIEWER).json();
        List<String> messages = new ArrayList<>();
        log.path("items").forEach(entry -> messages.add(entry.path("message").asString()));
        assertThat(messages).anyMatch(m -> m.startsWith("created by")).contains("CREATED → RUNNING", "RUNNING → COMPLETED (max-steps)");
        JsonNode after = api.get("/api/v1/studies/" + id + "/events?after=" + log.path("next").asLong(), TestTokens.VIEWER).json();
        assertThat(after.path("items")).isEmpty();

        ApiClient.Response json = api.get("/api/v1/studies/" + id + "/export?format=json", TestTokens.VIEWER);
        assertThat(json.status()).isEqualTo(200);
        List<String> exported = new ArrayList<>();
        json.json().path("steps").forEach(step -> exported.add(WireJson.write(WireJson.mapper().treeToValue(step, StepRecord.class))));
        assertThat(exported).containsExactlyElementsOf(expected);
        assertThat(json.json().path("state").path("step").asInt()).isEqualTo(4);

        ApiClient.Response csv = api.get("/api/v1/studies/" + id + "/export?format=csv", TestTokens.VIEWER);
        assertThat(csv.contentType()).startsWith("text/csv");
        String[] lines = csv.body().split("\n");
        assertThat(lines[0]).isEqualTo("step,physics,physics_stderr,cost,penalty,total,gradient_norm,events,events_total,lambda,"
                + "theta.mu,theta.sigma,gradient.mu,gradient_stderr.mu,theta_after.mu,theta_after.sigma,"
                + "observable_mean.y,observable_mean.y.squared,observable_mean.loss,"
                + "observable_stderr.y,observable_stderr.y.squared,observable_stderr.loss");
        assertThat(lines).hasSize(5);
        StepRecord third = reference.steps().get(2);
        String[] cells = lines[3].split(",", -1);
        assertThat(Double.parseDouble(cells[5])).isEqualTo(third.total());
        assertThat(Double.parseDouble(cells[10])).isEqualTo(third.theta().get("mu"));
        assertThat(Double.parseDouble(cells[12])).isEqualTo(third.gradient().get("mu"));
        assertThat(Double.parseDouble(cells[16])).isEqualTo(third.observables().get("y").mean());
        assertThat(Double.parseDouble(cells[19])).isEqualTo(third.observables().get("y").stderr());
        assertThat(Double.parseDouble(cells[14])).as("θ after step 2 is step 3's").isEqualTo(reference.steps().get(3).theta().get("mu"));
        String[] last = lines[4].split(",", -1);
        assertThat(Double.parseDouble(last[14])).as("final θ").isEqualTo(reference.finalState().theta().get("mu"));
        assertThat(Double.parseDouble(last[15])).as("final θ").isEqualTo(reference.finalState().theta().get("sigma"));
        // The reference runner's CLI writes the same file, so `diff` shows the bit-for-bit claim.
        assertThat(csv.body()).isEqualTo(HistoryCsv.write(reference.steps(), reference.finalState().theta()));
        assertThat(api.get("/api/v1/studies/" + id + "/export?format=xml", TestTokens.VIEWER).status()).isEqualTo(400);

        List<String> events = stream.get(60, TimeUnit.SECONDS);
        List<String> names = events.stream().filter(l -> l.startsWith("event:")).map(l -> l.substring(6).trim())
                .collect(Collectors.toList());
        assertThat(names).contains("study", "log");
        assertThat(names.stream().filter("step"::equals)).hasSize(4);
        assertThat(events.stream().filter(l -> l.startsWith("data:") && l.contains("\"status\":\"COMPLETED\""))).isNotEmpty();
    }

    /** Reads the study's SSE stream until the server ends it (after the terminal status). */
    List<String> streamLines(String id) {
        try {
            HttpResponse<java.util.stream.Stream<String>> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/studies/" + id + "/stream"))
                            .header("Authorization", TestTokens.bearer(TestTokens.VIEWER))
                            .header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body().toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    String create() {
        ApiClient.Response created = api.post("/api/v1/studies", SPEC, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().path("id").asString();
    }

    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("items").forEach(item -> ids.add(item.path("id").asString()));
        return ids;
    }
}
