package dev.detopt.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.service.ApiClient;
import dev.detopt.service.HttpTestClient;
import dev.detopt.service.ServiceApiTestBase;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * docs/api.md promises no other test checked: the fleet view ({@code GET /api/v1/fleet/workers},
 * {@code /fleet/queue}), the {@code task-failed} log entry, the {@code Location} of a created study;
 * docs/security.md: the service is stateless (no session cookie).
 */
@ServiceTest
class FleetAndLogApiTest extends ServiceApiTestBase {
    @AfterEach
    void endStudies() {
        api.cancelActiveStudies();
    }

    private String createAndStart(int batches) {
        ApiClient.Response created = api.post("/api/v1/studies", TestSpecs.gaussian(1, 8L * batches, 8, 41), TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        assertThat(api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        return id;
    }

    private List<JsonNode> lease(String worker, int max) {
        ApiClient.Response response = api.post("/api/v1/workers/" + worker + "/lease?max=" + max, (String) null, TestTokens.WORKER);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        response.json().path("tasks").forEach(items::add);
        return items;
    }

    @Test
    void theFleetViewShowsEachWorkerWithItsLeasesAndTheQueueByState() {
        assertThat(api.post("/api/v1/workers/register", Map.of("workerId", "fleet-a", "host", "host-a", "pod", "pod-a",
                "node", "node-a", "threads", 3), TestTokens.WORKER).status()).isEqualTo(200);
        createAndStart(3);
        assertThat(lease("fleet-a", 2)).hasSize(2);

        ApiClient.Response workers = api.get("/api/v1/fleet/workers?page=0&size=100", TestTokens.VIEWER);
        assertThat(workers.status()).as(workers.body()).isEqualTo(200);
        JsonNode entry = null;
        for (JsonNode item : workers.json().path("items")) {
            if (item.path("id").asString().equals("fleet-a")) {
                entry = item;
            }
        }
        assertThat(entry).as("fleet-a in " + workers.body()).isNotNull();
        assertThat(entry.path("host").asString()).isEqualTo("host-a");
        assertThat(entry.path("pod").asString()).isEqualTo("pod-a");
        assertThat(entry.path("node").asString()).isEqualTo("node-a");
        assertThat(entry.path("threads").asInt()).isEqualTo(3);
        assertThat(entry.path("leases").asLong()).as("leases fleet-a holds").isEqualTo(2);
        for (String field : List.of("registeredAt", "startedAt", "lastSeenAt", "restarts", "preemptions", "leaseExpiries",
                "failures", "completions")) {
            assertThat(entry.has(field)).as(field).isTrue();
        }

        JsonNode queue = api.get("/api/v1/fleet/queue", TestTokens.VIEWER).json();
        assertThat(queue.path("queued").asLong()).isEqualTo(1);
        assertThat(queue.path("leased").asLong()).isEqualTo(2);
        assertThat(queue.path("tasksByState").path("QUEUED").asLong()).isEqualTo(1);
        assertThat(queue.path("tasksByState").path("LEASED").asLong()).isEqualTo(2);
        // Workers may not read the fleet view (viewers, operators, admins may).
        assertThat(api.get("/api/v1/fleet/queue", TestTokens.WORKER).status()).isEqualTo(403);
    }

    @Test
    void aReportedFailureIsLoggedAsTaskFailedWithItsReason() {
        assertThat(api.post("/api/v1/workers/register", Map.of("workerId", "fleet-b", "host", "test", "threads", 1),
                TestTokens.WORKER).status()).isEqualTo(200);
        String study = createAndStart(1);
        JsonNode lease = lease("fleet-b", 1).getFirst();
        assertThat(api.post("/api/v1/workers/fleet-b/tasks/" + lease.path("taskId").asLong() + "/fail",
                Map.of("leaseToken", lease.path("leaseToken").asString(), "reason", "simulator exploded", "preempted", false),
                TestTokens.WORKER).status()).isEqualTo(204);

        List<String> failed = new ArrayList<>();
        for (JsonNode item : api.get("/api/v1/studies/" + study + "/events?after=0&limit=100", TestTokens.VIEWER).json()
                .path("items")) {
            if (item.path("type").asString().equals("task-failed")) {
                failed.add(item.path("message").asString());
            }
        }
        assertThat(failed).as("task-failed entries of the study's log").singleElement().asString().contains("simulator exploded");
    }

    @Test
    void aCreatedStudyHasItsLocationAndNoAnswerSetsACookie() {
        HttpTestClient http = new HttpTestClient(port);
        HttpTestClient.Response created = http.postJson("/api/v1/studies", TestTokens.OPERATOR, TestSpecs.gaussian(1, 8, 8, 42));
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().path("id").asString();
        assertThat(created.headers().firstValue("Location")).hasValueSatisfying(location ->
                assertThat(location).endsWith("/api/v1/studies/" + id));
        HttpTestClient.Response read = http.get("/api/v1/studies/" + id, TestTokens.VIEWER);
        HttpTestClient.Response refused = http.get("/api/v1/studies/" + id, null);
        for (HttpTestClient.Response response : List.of(created, read, refused)) {
            assertThat(response.headers().allValues("Set-Cookie")).as("Set-Cookie on a %d answer", response.status()).isEmpty();
        }
        assertThat(refused.status()).isEqualTo(401);
    }
}
