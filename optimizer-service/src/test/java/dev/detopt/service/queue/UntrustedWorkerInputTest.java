package dev.detopt.service.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.model.study.contract.protocol.CheckpointKeys;
import dev.detopt.service.ApiClient;
import dev.detopt.service.HttpTestClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The worker API trusts nothing a worker sends, even under its current lease: checkpoint keys lie
 * under the task's own prefix, next events and heartbeat progress inside its batch; a refusal is a
 * 422 problem naming the field and stores nothing. Requests the servlet container or the security
 * firewall refuses still get a problem document.
 */
@ServiceTest
class UntrustedWorkerInputTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    ApiClient api;
    UUID study;
    JsonNode lease;
    long taskId;

    @BeforeEach
    void leaseOneTask() {
        api = new ApiClient(port);
        api.cancelActiveStudies();
        assertThat(api.post("/api/v1/workers/register", Map.of("workerId", "untrusted", "threads", 1), TestTokens.WORKER)
                .status()).isEqualTo(200);
        ApiClient.Response created = api.post("/api/v1/studies", TestSpecs.gaussian(1, 16, 8, 5), TestTokens.OPERATOR);
        study = UUID.fromString(created.json().path("id").asString());
        assertThat(api.post("/api/v1/studies/" + study + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        lease = api.post("/api/v1/workers/untrusted/lease?max=1", (String) null, TestTokens.WORKER).json().path("tasks").get(0);
        taskId = lease.path("taskId").asLong();
    }

    @AfterEach
    void endStudies() {
        api.cancelActiveStudies();
    }

    @Test
    void checkpointKeysOutsideTheTasksPrefixAreRefused() {
        JsonNode task = lease.path("task");
        String own = task.path("checkpointKey").asString();
        String prefix = CheckpointKeys.batchPrefix(study.toString(), 0, task.path("batchIndex").asInt());
        List<String> foreign = List.of(
                CheckpointKeys.attempt(study.toString(), 0, task.path("batchIndex").asInt() + 1, 1),
                CheckpointKeys.attempt(UUID.randomUUID().toString(), 0, task.path("batchIndex").asInt(), 1),
                CheckpointKeys.attempt(study.toString(), 1, task.path("batchIndex").asInt(), 1),
                prefix + "../../../../other/attempt-1.json",
                prefix + "sub/attempt-1.json",
                prefix + "..",
                "attempt-1.json");
        for (String key : foreign) {
            ApiClient.Response refused = checkpoint(key, task.path("eventFrom").asLong() + 1);
            assertThat(refused.status()).as(key).isEqualTo(422);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(fields(refused)).as(key).containsExactly("key");
        }
        assertThat(storedCheckpointKey()).isNull();
        assertThat(checkpoint(own, task.path("eventFrom").asLong() + 1).status()).isEqualTo(204);
        assertThat(storedCheckpointKey()).isEqualTo(own);
    }

    @Test
    void nextEventsAndProgressOutsideTheBatchAreRefusedAndChangeNothing() {
        JsonNode task = lease.path("task");
        long from = task.path("eventFrom").asLong();
        long to = task.path("eventTo").asLong();
        String own = task.path("checkpointKey").asString();
        for (long nextEvent : new long[] {from - 1, to + 1, Long.MAX_VALUE}) {
            if (nextEvent < 0) {
                continue;
            }
            ApiClient.Response refused = checkpoint(own, nextEvent);
            assertThat(refused.status()).as("nextEvent %d", nextEvent).isEqualTo(422);
            assertThat(fields(refused)).containsExactly("nextEvent");
        }
        assertThat(storedCheckpointKey()).isNull();

        Timestamp expiryBefore = leaseExpiry();
        ApiClient.Response heartbeat = api.post("/api/v1/workers/untrusted/heartbeat", Map.of("leases", List.of(Map.of(
                "taskId", taskId, "leaseToken", lease.path("leaseToken").asString(), "eventsDone", to - from + 1))),
                TestTokens.WORKER);
        assertThat(heartbeat.status()).isEqualTo(422);
        assertThat(fields(heartbeat)).containsExactly("leases[0].eventsDone");
        assertThat(leaseExpiry()).isEqualTo(expiryBefore);
        assertThat(jdbc.queryForObject("SELECT events_done FROM tasks WHERE id = ?", Long.class, taskId)).isZero();

        ApiClient.Response fits = api.post("/api/v1/workers/untrusted/heartbeat", Map.of("leases", List.of(Map.of(
                "taskId", taskId, "leaseToken", lease.path("leaseToken").asString(), "eventsDone", to - from))),
                TestTokens.WORKER);
        assertThat(fits.status()).isEqualTo(200);
    }

    @Test
    void requestsTheContainerOrFirewallRefusesStillGetAProblemDocument() {
        HttpTestClient raw = new HttpTestClient(port);
        for (String path : List.of("/api/v1/studies/a%00b", "/api/v1/workers/untrusted/tasks/1%00/fail",
                "/api/v1/studies/%2e%2e/x", "/api/v1/studies/a%25b")) {
            HttpTestClient.Response response = raw.method("GET", path, TestTokens.VIEWER, null, null);
            assertThat(response.status()).as(path + ": " + response.body()).isBetween(400, 499);
            assertThat(response.contentType()).as(path + ": " + response.body()).startsWith("application/problem+json");
            assertThat(response.json().path("status").asInt()).isEqualTo(response.status());
            assertThat(response.body()).doesNotContain("Exception").doesNotContain("<html");
        }
    }

    // --- helpers

    private ApiClient.Response checkpoint(String key, long nextEvent) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leaseToken", lease.path("leaseToken").asString());
        body.put("key", key);
        body.put("nextEvent", nextEvent);
        body.put("sha256", "0f".repeat(32));
        return api.post("/api/v1/workers/untrusted/tasks/" + taskId + "/checkpoint", body, TestTokens.WORKER);
    }

    private static List<String> fields(ApiClient.Response response) {
        List<String> fields = new ArrayList<>();
        response.json().path("errors").forEach(error -> fields.add(error.path("field").asString()));
        return fields;
    }

    private String storedCheckpointKey() {
        return jdbc.queryForObject("SELECT checkpoint_key FROM tasks WHERE id = ?", String.class, taskId);
    }

    private Timestamp leaseExpiry() {
        return jdbc.queryForObject("SELECT lease_expires_at FROM tasks WHERE id = ?", Timestamp.class, taskId);
    }
}
