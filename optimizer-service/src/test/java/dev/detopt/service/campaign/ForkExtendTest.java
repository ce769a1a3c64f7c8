package dev.detopt.service.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.model.study.StepRecord;
import dev.detopt.model.study.StudyHistory;
import dev.detopt.model.study.StudyRunner;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.StudyState;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ReferenceFinalState;
import dev.detopt.service.ServiceApiTestBase;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import dev.detopt.service.TestWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Fork and extend are bit-exact: an extended study equals one that had the larger limit from the
 * start, and a fork with an empty patch reproduces its parent's later steps; both compared with
 * the single-process reference runner, value for value. Refusals change nothing.
 */
@ServiceTest
class ForkExtendTest extends ServiceApiTestBase {
    @Test
    void extendingMaxStepsContinuesExactlyAsTheLargerLimitFromTheStart() throws Exception {
        UUID id = create(TestSpecs.branching(3, 12, 4, 5));
        try (TestWorker worker = new TestWorker(api, "extend-a")) {
            start(id);
            awaitStatus(id, "COMPLETED");
            assertThat(view(id).path("stopReason").asString()).isEqualTo("max-steps");
            ApiClient.Response extended = api.post("/api/v1/studies/" + id + "/extend", "{\"maxSteps\":6}", TestTokens.OPERATOR);
            assertThat(extended.status()).as(extended.body()).isEqualTo(200);
            assertThat(extended.json().path("maxSteps").asInt()).isEqualTo(6);
            awaitStatus(id, "COMPLETED");
        }
        String longer = TestSpecs.branching(6, 12, 4, 5);
        assertThat(storedRecords(id)).containsExactlyElementsOf(referenceRecords(longer));
        ReferenceFinalState.assertServiceMatches(api, id.toString(), longer);
        assertThat(events(id)).contains("extended");
    }

    @Test
    void extendingTheEventBudgetContinuesExactlyAsTheLargerBudgetFromTheStart() throws Exception {
        UUID id = create(withMaxEvents(TestSpecs.gaussian(50, 32, 16, 3), 96));
        try (TestWorker worker = new TestWorker(api, "extend-b")) {
            start(id);
            awaitStatus(id, "COMPLETED");
            assertThat(view(id).path("stopReason").asString()).isEqualTo("event-budget");
            assertThat(storedRecords(id)).hasSize(3);
            ApiClient.Response extended = api.post("/api/v1/studies/" + id + "/extend", "{\"maxEvents\":192}", TestTokens.OPERATOR);
            assertThat(extended.status()).as(extended.body()).isEqualTo(200);
            awaitStatus(id, "COMPLETED");
        }
        String larger = withMaxEvents(TestSpecs.gaussian(50, 32, 16, 3), 192);
        assertThat(storedRecords(id)).hasSize(6).containsExactlyElementsOf(referenceRecords(larger));
        ReferenceFinalState.assertServiceMatches(api, id.toString(), larger);
    }

    @Test
    void aForkWithAnEmptyPatchReproducesItsParentsLaterStepsBitForBit() throws Exception {
        String spec = TestSpecs.branching(6, 12, 4, 7);
        UUID parent = create(spec);
        UUID fork;
        try (TestWorker worker = new TestWorker(api, "fork-a")) {
            start(parent);
            awaitStatus(parent, "COMPLETED");
            ApiClient.Response forked = api.post("/api/v1/studies/" + parent + "/fork", "{\"fromStep\":2}", TestTokens.OPERATOR);
            assertThat(forked.status()).as(forked.body()).isEqualTo(201);
            assertThat(forked.json().path("parentId").asString()).isEqualTo(parent.toString());
            assertThat(forked.json().path("forkedFromStep").asInt()).isEqualTo(2);
            fork = UUID.fromString(forked.json().path("id").asString());
            awaitStatus(fork, "COMPLETED");
        }
        List<String> reference = referenceRecords(spec);
        assertThat(storedRecords(parent)).containsExactlyElementsOf(reference);
        // Steps 0..2 are the parent's history; steps 3..5 were computed again by the fork.
        assertThat(storedRecords(fork)).containsExactlyElementsOf(reference);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tasks WHERE study_id = ? AND state = 'COMPLETED'",
                Integer.class, fork)).as("the fork ran steps 3..5 only").isEqualTo(3 * 3);
        ReferenceFinalState.assertServiceMatches(api, fork.toString(), spec);
    }

    @Test
    void aForkWithANewSeedContinuesWithTheNextStepsStreamsOfThatSeed() throws Exception {
        String spec = TestSpecs.branching(5, 12, 4, 21);
        UUID parent = create(spec);
        UUID fork;
        try (TestWorker worker = new TestWorker(api, "fork-b")) {
            start(parent);
            awaitStatus(parent, "COMPLETED");
            ApiClient.Response forked = api.post("/api/v1/studies/" + parent + "/fork",
                    "{\"fromStep\":1,\"specPatch\":{\"seed\":99}}", TestTokens.OPERATOR);
            assertThat(forked.status()).as(forked.body()).isEqualTo(201);
            fork = UUID.fromString(forked.json().path("id").asString());
            awaitStatus(fork, "COMPLETED");
        }
        // Reference: the parent's spec for steps 0 and 1, then the seed-99 spec from that state.
        StudyRunner parentRunner = new StudyRunner(StudySpecs.fromJson(spec), 1);
        List<StepRecord> records = new ArrayList<>();
        StudyHistory head = parentRunner.run(parentRunner.engine().initialState(), 2, records::add);
        StudyHistory tail = new StudyRunner(StudySpecs.fromJson(spec.replace("\"seed\": 21", "\"seed\": 99")), 1)
                .run(head.finalState(), Integer.MAX_VALUE, records::add);
        assertThat(storedRecords(fork)).containsExactlyElementsOf(records.stream().map(WireJson::write).toList());
        ReferenceFinalState.assertServiceMatches(api, fork.toString(), tail.finalState());
        assertThat(storedRecords(fork).get(2)).isNotEqualTo(storedRecords(parent).get(2));
    }

    @Test
    void refusalsNameTheFieldAndChangeNothing() throws Exception {
        String spec = TestSpecs.branching(3, 12, 4, 13);
        UUID done = create(spec);
        try (TestWorker worker = new TestWorker(api, "fork-c")) {
            start(done);
            awaitStatus(done, "COMPLETED");
        }
        long studies = countStudies();
        String before = api.get("/api/v1/studies/" + done, TestTokens.VIEWER).body();

        assertProblem(api.post("/api/v1/studies/" + done + "/fork", "{\"fromStep\":7}", TestTokens.OPERATOR), 422, "fromStep");
        assertProblem(api.post("/api/v1/studies/" + done + "/fork", "{}", TestTokens.OPERATOR), 422, "fromStep");
        assertProblem(api.post("/api/v1/studies/" + done + "/fork", "{\"fromStep\":\"one\"}", TestTokens.OPERATOR), 422,
                "fromStep");
        // The merge patch makes the spec invalid: the spec's own field names.
        assertProblem(api.post("/api/v1/studies/" + done + "/fork",
                "{\"fromStep\":0,\"specPatch\":{\"eventsPerBatch\":-4,\"optimizer\":{\"learningRate\":-1}}}",
                TestTokens.OPERATOR), 422, "eventsPerBatch", "optimizer.learningRate");
        // Another optimizer type without resetting it (a merge patch removes Adam's own fields with null);
        // a fork from the last step under the same step limit.
        assertProblem(api.post("/api/v1/studies/" + done + "/fork", "{\"fromStep\":0,\"specPatch\":{\"optimizer\":"
                        + "{\"type\":\"sgd\",\"learningRate\":0.1,\"beta1\":null,\"beta2\":null,\"epsilon\":null}}}",
                TestTokens.OPERATOR), 422, "resetOptimizer");
        assertProblem(api.post("/api/v1/studies/" + done + "/fork", "{\"fromStep\":2,\"start\":false}", TestTokens.OPERATOR),
                422, "maxSteps");
        assertProblem(api.post("/api/v1/studies/" + done + "/extend", "{\"maxSteps\":2}", TestTokens.OPERATOR), 422, "maxSteps");
        assertProblem(api.post("/api/v1/studies/" + done + "/extend", "{}", TestTokens.OPERATOR), 422, "maxSteps");
        assertProblem(api.post("/api/v1/studies/" + done + "/extend", "{\"maxSteps\":9,\"colour\":1}", TestTokens.OPERATOR),
                422, "colour");
        assertProblem(api.post("/api/v1/studies/" + UUID.randomUUID() + "/fork", "{\"fromStep\":0}", TestTokens.OPERATOR),
                404, "id");

        UUID running = create(spec);
        start(running);
        assertProblem(api.post("/api/v1/studies/" + running + "/extend", "{\"maxSteps\":9}", TestTokens.OPERATOR), 409, "status");
        api.post("/api/v1/studies/" + running + "/cancel", (String) null, TestTokens.OPERATOR);
        assertProblem(api.post("/api/v1/studies/" + running + "/extend", "{\"maxSteps\":9}", TestTokens.OPERATOR), 409, "status");
        assertThat(view(running).path("maxSteps").asInt()).isEqualTo(3);

        assertThat(countStudies()).as("no study was created by a refused fork").isEqualTo(studies + 1);
        assertThat(api.get("/api/v1/studies/" + done, TestTokens.VIEWER).body()).isEqualTo(before);
        // A viewer may not fork.
        assertThat(api.post("/api/v1/studies/" + done + "/fork", "{\"fromStep\":0}", TestTokens.VIEWER).status()).isEqualTo(403);
    }

    @Test
    void aForkWithResetOptimizerStartsTheNewOptimizerAfreshFromTheParentsDesign() throws Exception {
        UUID parent = create(TestSpecs.branching(4, 12, 4, 17));
        try (TestWorker worker = new TestWorker(api, "fork-d")) {
            start(parent);
            awaitStatus(parent, "COMPLETED");
        }
        ApiClient.Response forked = api.post("/api/v1/studies/" + parent + "/fork", "{\"fromStep\":1,\"start\":false,"
                + "\"resetOptimizer\":true,\"specPatch\":{\"optimizer\":{\"type\":\"sgd\",\"learningRate\":0.1,"
                + "\"beta1\":null,\"beta2\":null,\"epsilon\":null}}}", TestTokens.OPERATOR);
        assertThat(forked.status()).as(forked.body()).isEqualTo(201);
        JsonNode fork = forked.json();
        assertThat(fork.path("status").asString()).isEqualTo("CREATED");
        assertThat(fork.path("step").asInt()).isEqualTo(2);
        assertThat(fork.path("state").path("optimizer").path("steps").asLong()).isZero();
        assertThat(fork.path("spec").path("optimizer").path("type").asString()).isEqualTo("sgd");
        String parentStateAfterStep1 = jdbc.queryForObject("SELECT state_after::text FROM steps WHERE study_id = ? AND step = 1",
                String.class, parent);
        assertThat(fork.path("state").path("theta")).isEqualTo(WireJson.mapper().readTree(parentStateAfterStep1).path("theta"));
        assertThat(storedRecords(UUID.fromString(fork.path("id").asString()))).hasSize(2);
    }

    @Test
    void notesAndTagsAreStoredFilteredAndExported() {
        UUID first = create(TestSpecs.gaussian(3, 16, 16, 1));
        UUID second = create(TestSpecs.gaussian(3, 16, 16, 2));
        String tag = "sweep-" + UUID.randomUUID().toString().substring(0, 8);
        ApiClient.Response patched = patch(first, "{\"description\":\"Wide absorber, Zebra-" + tag + " run\",\"tags\":[\""
                + tag + "\",\"baseline\"]}");
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.json().path("tags").toString()).isEqualTo("[\"" + tag + "\",\"baseline\"]");
        assertThat(patch(second, "{\"tags\":[\"" + tag + "\"]}").status()).isEqualTo(200);

        assertThat(ids("/api/v1/studies?tag=" + tag)).containsExactlyInAnyOrder(first, second);
        assertThat(ids("/api/v1/studies?tag=" + tag + "&q=zebra-" + tag)).containsExactly(first);
        assertThat(ids("/api/v1/studies?q=ZEBRA-" + tag)).containsExactly(first);
        JsonNode exported = api.get("/api/v1/studies/" + first + "/export?format=json", TestTokens.VIEWER).json();
        assertThat(exported.path("study").path("description").asString()).isEqualTo("Wide absorber, Zebra-" + tag + " run");
        assertThat(exported.path("study").path("tags").toString()).isEqualTo("[\"" + tag + "\",\"baseline\"]");

        // Only the description: the tags stay; null clears the description.
        assertThat(patch(first, "{\"description\":null}").json().path("tags").size()).isEqualTo(2);
        assertThat(view(first).path("description").isNull()).isTrue();

        String before = view(first).toString();
        assertProblem(patch(first, "{\"tags\":[\"ok\",\"not ok\"]}"), 422, "tags[1]");
        assertProblem(patch(first, "{\"tags\":\"ok\"}"), 422, "tags");
        assertProblem(patch(first, "{\"description\":5}"), 422, "description");
        assertThat(view(first).toString()).isEqualTo(before);
    }

    ApiClient.Response patch(UUID id, String body) {
        return api.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                        + "/api/v1/studies/" + id)).header("Content-Type", "application/json")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(body)), TestTokens.OPERATOR);
    }

    List<UUID> ids(String path) {
        List<UUID> ids = new ArrayList<>();
        for (JsonNode item : api.get(path, TestTokens.VIEWER).json().path("items")) {
            ids.add(UUID.fromString(item.path("id").asString()));
        }
        return ids;
    }

    static String withMaxEvents(String spec, long maxEvents) {
        return spec.replace("\"maxSteps\"", "\"stopping\": {\"maxEvents\": " + maxEvents + "},\n  \"maxSteps\"");
    }

    static void assertProblem(ApiClient.Response response, int status, String... fields) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        List<String> named = new ArrayList<>();
        response.json().path("errors").forEach(error -> named.add(error.path("field").asString()));
        assertThat(named).as(response.body()).contains(fields);
    }

    long countStudies() {
        return jdbc.queryForObject("SELECT count(*) FROM studies", Long.class);
    }

    UUID create(String spec) {
        ApiClient.Response created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return UUID.fromString(created.json().path("id").asString());
    }

    void start(UUID id) {
        ApiClient.Response started = api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR);
        assertThat(started.status()).as(started.body()).isEqualTo(200);
    }

    JsonNode view(UUID id) {
        return api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json();
    }

    String events(UUID id) {
        return api.get("/api/v1/studies/" + id + "/events?limit=100", TestTokens.VIEWER).body();
    }

    void awaitStatus(UUID id, String status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                view(id).path("status").asString().equals(status));
    }

    List<String> storedRecords(UUID id) {
        return jdbc.queryForList("SELECT record::text FROM steps WHERE study_id = ? ORDER BY step", String.class, id);
    }

    static List<String> referenceRecords(String spec) {
        return new StudyRunner(StudySpecs.fromJson(spec), 1).run(record -> { }).steps().stream().map(WireJson::write).toList();
    }

    static Map<String, Double> theta(StudyState state) {
        return state.theta();
    }
}
