package dev.detopt.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Bad requests to the studies and worker APIs: each gets the expected 4xx (never a 5xx), and
 * together they change nothing in the database.
 */
@ServiceTest
class BadRequestBatteryTest {
    private static final String SPEC = TestSpecs.gaussian(3, 16, 8, 77);

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    record Case(String name, int expected, Supplier<ApiClient.Response> request) {
    }

    @Test
    void everyBadRequestIsAClientErrorAndChangesNothing() {
        ApiClient api = new ApiClient(port);
        api.cancelActiveStudies();
        String created = create(api);
        String running = create(api);
        api.post("/api/v1/studies/" + running + "/start", (String) null, TestTokens.OPERATOR);
        String cancelled = create(api);
        api.post("/api/v1/studies/" + cancelled + "/cancel", (String) null, TestTokens.OPERATOR);
        api.post("/api/v1/workers/register", "{\"workerId\":\"battery\"}", TestTokens.WORKER);
        JsonNode lease = api.post("/api/v1/workers/battery/lease?max=1", (String) null, TestTokens.WORKER).json().path("tasks").get(0);
        long taskId = lease.path("taskId").asLong();
        String token = lease.path("leaseToken").asString();
        BatchResult result = new BatchExecutor(1, "battery").execute(WireJson.mapper().treeToValue(lease.path("task"), BatchTask.class));
        String workers = "/api/v1/workers/battery";
        String unknown = UUID.randomUUID().toString();

        List<Case> cases = List.of(
                new Case("malformed spec JSON", 400, () -> api.post("/api/v1/studies", "{\"name\": \"x\",", TestTokens.OPERATOR)),
                new Case("empty spec body", 400, () -> api.post("/api/v1/studies", "", TestTokens.OPERATOR)),
                new Case("spec is an array", 422, () -> api.post("/api/v1/studies", "[1, 2]", TestTokens.OPERATOR)),
                new Case("unknown spec field", 422, () -> api.post("/api/v1/studies", SPEC.replace("\"seed\"", "\"colour\": 1, \"seed\""), TestTokens.OPERATOR)),
                new Case("wrong type in spec", 422, () -> api.post("/api/v1/studies", SPEC.replace("\"maxSteps\": 3", "\"maxSteps\": \"three\""), TestTokens.OPERATOR)),
                new Case("NaN in spec", 422, () -> api.post("/api/v1/studies", SPEC.replace("\"initial\": -1.0", "\"initial\": NaN"), TestTokens.OPERATOR)),
                new Case("Infinity in spec", 422, () -> api.post("/api/v1/studies", SPEC.replace("\"upper\": 5", "\"upper\": Infinity"), TestTokens.OPERATOR)),
                new Case("negative maxSteps", 422, () -> api.post("/api/v1/studies", SPEC.replace("\"maxSteps\": 3", "\"maxSteps\": -3"), TestTokens.OPERATOR)),
                new Case("unknown simulator", 422, () -> api.post("/api/v1/studies", SPEC.replace("\"gaussian\"", "\"geant9\""), TestTokens.OPERATOR)),
                new Case("oversized spec", 413, () -> api.post("/api/v1/studies", "{\"name\": \"" + "x".repeat(1 << 20) + "\"}", TestTokens.OPERATOR)),
                new Case("spec as text/plain", 415, () -> api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/studies"))
                        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(SPEC)), TestTokens.OPERATOR)),
                new Case("study id not a UUID", 400, () -> api.get("/api/v1/studies/123", TestTokens.VIEWER)),
                new Case("unknown study", 404, () -> api.get("/api/v1/studies/" + unknown, TestTokens.VIEWER)),
                new Case("delete unknown study", 404, () -> api.delete("/api/v1/studies/" + unknown, TestTokens.OPERATOR)),
                new Case("start unknown study", 404, () -> api.post("/api/v1/studies/" + unknown + "/start", (String) null, TestTokens.OPERATOR)),
                new Case("steps of unknown study", 404, () -> api.get("/api/v1/studies/" + unknown + "/steps", TestTokens.VIEWER)),
                new Case("resume a created study", 409, () -> api.post("/api/v1/studies/" + created + "/resume", (String) null, TestTokens.OPERATOR)),
                new Case("pause a created study", 409, () -> api.post("/api/v1/studies/" + created + "/pause", (String) null, TestTokens.OPERATOR)),
                new Case("start a running study", 409, () -> api.post("/api/v1/studies/" + running + "/start", (String) null, TestTokens.OPERATOR)),
                new Case("resume a running study", 409, () -> api.post("/api/v1/studies/" + running + "/resume", (String) null, TestTokens.OPERATOR)),
                new Case("delete a running study", 409, () -> api.delete("/api/v1/studies/" + running, TestTokens.OPERATOR)),
                new Case("resume a cancelled study", 409, () -> api.post("/api/v1/studies/" + cancelled + "/resume", (String) null, TestTokens.OPERATOR)),
                new Case("start a cancelled study", 409, () -> api.post("/api/v1/studies/" + cancelled + "/start", (String) null, TestTokens.OPERATOR)),
                new Case("unknown status filter", 400, () -> api.get("/api/v1/studies?status=sleeping", TestTokens.VIEWER)),
                new Case("page size too large", 400, () -> api.get("/api/v1/studies?size=100000", TestTokens.VIEWER)),
                new Case("negative page", 400, () -> api.get("/api/v1/studies?page=-1", TestTokens.VIEWER)),
                new Case("page not a number", 400, () -> api.get("/api/v1/studies?page=first", TestTokens.VIEWER)),
                new Case("series maxPoints too small", 400, () -> api.get("/api/v1/studies/" + running + "/series?maxPoints=2", TestTokens.VIEWER)),
                new Case("series too many observables", 400, () -> api.get("/api/v1/studies/" + running + "/series?observables=a,b,c,d,e,f,g,h,i", TestTokens.VIEWER)),
                new Case("artifact name not listed", 404, () -> api.get("/api/v1/studies/" + running + "/artifacts/notes.txt", TestTokens.VIEWER)),
                new Case("answer of an unknown study", 404, () -> api.get("/api/v1/studies/" + UUID.randomUUID() + "/answer", TestTokens.VIEWER)),
                new Case("export format unknown", 400, () -> api.get("/api/v1/studies/" + running + "/export?format=xlsx", TestTokens.VIEWER)),
                new Case("events after negative", 400, () -> api.get("/api/v1/studies/" + running + "/events?after=-5", TestTokens.VIEWER)),
                new Case("lease max 0", 400, () -> api.post(workers + "/lease?max=0", (String) null, TestTokens.WORKER)),
                new Case("lease max too large", 400, () -> api.post(workers + "/lease?max=100000", (String) null, TestTokens.WORKER)),
                new Case("lease wait too long", 400, () -> api.post(workers + "/lease?waitSeconds=3600", (String) null, TestTokens.WORKER)),
                new Case("worker id with spaces", 400, () -> api.post("/api/v1/workers/bad%20id/lease", (String) null, TestTokens.WORKER)),
                new Case("register threads 0", 422, () -> api.post("/api/v1/workers/register", "{\"workerId\":\"w0\",\"threads\":0}", TestTokens.WORKER)),
                new Case("register unknown field", 400, () -> api.post("/api/v1/workers/register", "{\"workerId\":\"w1\",\"gpu\":true}", TestTokens.WORKER)),
                new Case("register not JSON", 400, () -> api.post("/api/v1/workers/register", "worker please", TestTokens.WORKER)),
                new Case("complete without token", 422, () -> api.post(workers + "/tasks/" + taskId + "/complete", Map.of("result", result), TestTokens.WORKER)),
                new Case("complete token not a UUID", 400, () -> api.post(workers + "/tasks/" + taskId + "/complete", body("not-a-token", result), TestTokens.WORKER)),
                new Case("complete unknown task", 404, () -> api.post(workers + "/tasks/987654321/complete", body(token, result), TestTokens.WORKER)),
                new Case("complete with a foreign token", 409, () -> api.post(workers + "/tasks/" + taskId + "/complete", body(UUID.randomUUID().toString(), result), TestTokens.WORKER)),
                new Case("complete with another batch's result", 422, () -> api.post(workers + "/tasks/" + taskId + "/complete",
                        body(token, new BatchResult(result.version(), result.studyId(), result.step(), result.batchIndex() + 1,
                                result.eventFrom(), result.eventTo(), result.statistics(), result.events(), 0, "battery")), TestTokens.WORKER)),
                new Case("complete with inconsistent event count", 400, () -> api.post(workers + "/tasks/" + taskId + "/complete",
                        WireJson.write(body(token, result)).replace("\"events\":" + result.events() + ",", "\"events\":" + (result.events() + 5) + ","), TestTokens.WORKER)),
                new Case("complete with unknown field", 400, () -> api.post(workers + "/tasks/" + taskId + "/complete",
                        WireJson.write(body(token, result)).replaceFirst("\\{", "{\"bonus\":1,"), TestTokens.WORKER)),
                new Case("heartbeat without leases", 422, () -> api.post(workers + "/heartbeat", "{}", TestTokens.WORKER)),
                new Case("heartbeat negative progress", 422, () -> api.post(workers + "/heartbeat", Map.of("leases",
                        List.of(Map.of("taskId", taskId, "leaseToken", token, "eventsDone", -1))), TestTokens.WORKER)),
                new Case("checkpoint negative next event", 422, () -> api.post(workers + "/tasks/" + taskId + "/checkpoint",
                        Map.of("leaseToken", token, "key", "k", "nextEvent", -1), TestTokens.WORKER)),
                new Case("checkpoint bad sha256", 422, () -> api.post(workers + "/tasks/" + taskId + "/checkpoint",
                        Map.of("leaseToken", token, "key", "k", "nextEvent", 0, "sha256", "xyz"), TestTokens.WORKER)),
                new Case("release with unknown reason", 422, () -> api.post(workers + "/release", Map.of("leases", List.of(), "reason", "bored"), TestTokens.WORKER)),
                new Case("fail unknown task", 404, () -> api.post(workers + "/tasks/987654321/fail", Map.of("leaseToken", token), TestTokens.WORKER)));

        assertThat(cases.size()).isGreaterThanOrEqualTo(30);
        String before = snapshot();
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            ApiClient.Response response = c.request().get();
            if (response.status() != c.expected()) {
                wrong.add(c.name() + ": expected " + c.expected() + " got " + response.status() + " " + response.body());
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(snapshot()).isEqualTo(before);
        // The lease survived all of it: its own, correct result is still accepted.
        assertThat(api.post(workers + "/tasks/" + taskId + "/complete", body(token, result), TestTokens.WORKER).status()).isEqualTo(200);
        api.cancelActiveStudies();
    }

    String snapshot() {
        return jdbc.queryForList("SELECT id::text || ':' || status || ':' || version FROM studies ORDER BY id", String.class)
                + " " + jdbc.queryForList("SELECT id || ':' || state || ':' || attempt || ':' || coalesce(checkpoint_key, '')"
                + " || ':' || failures || ':' || preemptions || ':' || coalesce(lease_expires_at::text, '') FROM tasks ORDER BY id", String.class)
                + " " + jdbc.queryForObject("SELECT count(*) FROM steps", Long.class)
                + " " + jdbc.queryForList("SELECT id || ':' || threads FROM workers WHERE id IN ('w0', 'w1')", String.class);
    }

    static Map<String, Object> body(String token, BatchResult result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leaseToken", token);
        body.put("result", result);
        return body;
    }

    static String create(ApiClient api) {
        ApiClient.Response response = api.post("/api/v1/studies", SPEC, TestTokens.OPERATOR);
        assertThat(response.status()).isEqualTo(201);
        return response.json().path("id").asString();
    }
}
