package dev.detopt.service.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceApiTestBase;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A group's accounting is the sum over its members' attempts and tasks, and nothing else's: hand-made
 * attempt rows on a spot node, an on-demand node and no node (priced on demand by the test profile:
 * on demand 0.04, spot 0.01 per core-hour), plus a non-member study whose work must not be counted.
 */
@ServiceTest
class GroupAccountingTest extends ServiceApiTestBase {
    private static final double ON_DEMAND = 0.04;
    private static final double SPOT = 0.01;

    @AfterEach
    void endStudies() {
        api.cancelActiveStudies();
    }

    @Test
    void aGroupsTotalsAreItsMembersAttemptsAndIncidents() {
        String body = "{\"name\":\"accounted\",\"baseSpec\":" + TestSpecs.gaussian(1, 8, 8, 1)
                + ",\"vary\":{\"seed\":[1,2]},\"start\":true}";
        ApiClient.Response created = api.post("/api/v1/groups", body, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String groupId = created.json().path("id").asString();
        UUID first = UUID.fromString(created.json().path("members").get(0).path("id").asString());
        UUID second = UUID.fromString(created.json().path("members").get(1).path("id").asString());
        ApiClient.Response outsider = api.post("/api/v1/studies", TestSpecs.gaussian(1, 8, 8, 9), TestTokens.OPERATOR);
        UUID other = UUID.fromString(outsider.json().path("id").asString());
        assertThat(api.post("/api/v1/studies/" + other + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);

        long firstTask = taskOf(first);
        long secondTask = taskOf(second);
        long otherTask = taskOf(other);
        attempt(firstTask, first, "pool-spot-1", 10.0, 6.0);
        attempt(firstTask, first, "pool-standard-1", 7.0, 0.0);
        attempt(secondTask, second, null, 20.0, 0.0);
        attempt(otherTask, other, "pool-spot-2", 1000.0, 500.0);
        jdbc.update("UPDATE tasks SET preemptions = 1 WHERE id = ?", firstTask);
        jdbc.update("UPDATE tasks SET expiries = 2, failures = 1 WHERE id = ?", secondTask);
        jdbc.update("UPDATE tasks SET preemptions = 5, expiries = 5, failures = 5 WHERE id = ?", otherTask);

        JsonNode view = api.get("/api/v1/groups/" + groupId + "/accounting", TestTokens.VIEWER).json();
        assertThat(view.path("groupId").asString()).isEqualTo(groupId);
        JsonNode total = view.path("accounting");
        assertThat(total.path("cpuSeconds").asDouble()).isEqualTo(37.0);
        assertThat(total.path("cpuSecondsLost").asDouble()).isEqualTo(6.0);
        assertThat(total.path("spotCpuSeconds").asDouble()).isEqualTo(10.0);
        assertThat(total.path("preemptions").asLong()).isEqualTo(1);
        assertThat(total.path("leaseExpiries").asLong()).isEqualTo(2);
        assertThat(total.path("failures").asLong()).isEqualTo(1);
        assertThat(total.path("coreHours").asDouble()).isCloseTo(37.0 / 3600, within(1e-15));
        assertThat(total.path("estimatedCost").asDouble())
                .isCloseTo(10.0 / 3600 * SPOT + 27.0 / 3600 * ON_DEMAND, within(1e-15));
        assertThat(total.path("onDemandCost").asDouble()).isCloseTo(37.0 / 3600 * ON_DEMAND, within(1e-15));
        assertThat(total.path("currency").asString()).isEqualTo("USD");
        assertThat(view.path("members").path(first.toString()).path("cpuSeconds").asDouble()).isEqualTo(17.0);
        assertThat(view.path("members").path(first.toString()).path("preemptions").asLong()).isEqualTo(1);
        assertThat(view.path("members").path(second.toString()).path("cpuSeconds").asDouble()).isEqualTo(20.0);
        assertThat(view.path("members").has(other.toString())).isFalse();

        // The group view carries the same total.
        JsonNode group = api.get("/api/v1/groups/" + groupId, TestTokens.VIEWER).json();
        assertThat(group.path("accounting")).isEqualTo(total);
    }

    @Test
    void anUnknownGroupsAccountingIsAProblem() {
        ApiClient.Response response = api.get("/api/v1/groups/" + UUID.randomUUID() + "/accounting", TestTokens.VIEWER);
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    private long taskOf(UUID study) {
        return jdbc.queryForObject("SELECT min(id) FROM tasks WHERE study_id = ?", Long.class, study);
    }

    private void attempt(long task, UUID study, String node, double cpuSeconds, double cpuSecondsLost) {
        jdbc.update("""
                INSERT INTO task_attempts (task_id, attempt, study_id, worker, node, ended_at, outcome, cpu_seconds, cpu_seconds_lost)
                VALUES (?, 900 + (SELECT count(*) FROM task_attempts WHERE task_id = ?), ?, 'hand-made', ?, now(), 'completed', ?, ?)""",
                task, task, study, node, cpuSeconds, cpuSecondsLost);
    }
}
