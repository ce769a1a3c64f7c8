package dev.detopt.service.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceApiTestBase;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A group's webhooks against a real HTTP receiver on loopback: a stalled member, a failed member and
 * the end of the last member each send one signed notice naming the group, its members by status and
 * the member that caused it, through the same outbox and dispatcher as a study's; bad fields and
 * targets outside the allowlist are refused by field.
 */
@ServiceTest
class GroupWebhooksTest extends ServiceApiTestBase {
    private static final BatchExecutor EXECUTOR = new BatchExecutor(1, "group-webhook-test");

    @Autowired
    WebhookRepository repository;

    @Autowired
    Webhooks webhooks;

    @RegisterExtension
    final WebhookReceiver receiver = new WebhookReceiver("/group-hook");

    @BeforeEach
    void registerWorker() {
        assertThat(api.post("/api/v1/workers/register", Map.of("workerId", "group-hook-w", "threads", 1), TestTokens.WORKER)
                .status()).isEqualTo(200);
    }

    @AfterEach
    void tearDown() {
        api.cancelActiveStudies();
    }

    @Test
    void aStalledMemberAFailedMemberAndTheLastEndEachSendOneSignedGroupNotice() throws Exception {
        JsonNode group = createGroup(false);
        String groupId = group.path("id").asString();
        UUID failing = UUID.fromString(group.path("members").get(0).path("id").asString());
        UUID completing = UUID.fromString(group.path("members").get(1).path("id").asString());
        JsonNode hook = addWebhook(groupId, Map.of("url", receiver.url(), "events", List.of("completed", "failed", "stalled"),
                "stalledAfter", "PT30S"));
        assertThat(hook.path("secret").asString()).hasSize(64);
        assertThat(api.post("/api/v1/groups/" + groupId + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);

        jdbc.update("UPDATE studies SET step_started_at = now() - interval '31 seconds' WHERE id = ?", failing);
        assertThat(webhooks.noticeStalls()).isEqualTo(1);
        assertThat(webhooks.noticeStalls()).as("once per member and step").isZero();

        // Both members' only tasks are leased; the first member fails (three failed attempts), then the
        // second completes: the last member to end.
        ApiClient.Response both = api.post("/api/v1/workers/group-hook-w/lease?max=2", (String) null, TestTokens.WORKER);
        assertThat(both.json().path("tasks")).as(both.body()).hasSize(2);
        JsonNode held = null;
        JsonNode lease = null;
        for (JsonNode task : both.json().path("tasks")) {
            if (task.path("task").path("studyId").asString().equals(completing.toString())) {
                held = task;
            } else {
                lease = task;
            }
        }
        assertThat(held).isNotNull();
        for (int failure = 1; failure <= 3; failure++) {
            if (failure > 1) {
                lease = lease();
            }
            assertThat(lease.path("task").path("studyId").asString()).isEqualTo(failing.toString());
            assertThat(api.post("/api/v1/workers/group-hook-w/tasks/" + lease.path("taskId").asLong() + "/fail",
                    Map.of("leaseToken", lease.path("leaseToken").asString(), "reason", "boom"), TestTokens.WORKER).status())
                    .isEqualTo(204);
        }
        assertThat(status(failing)).isEqualTo("FAILED");
        BatchResult result = EXECUTOR.execute(WireJson.mapper().treeToValue(held.path("task"), BatchTask.class));
        Map<String, Object> completion = new LinkedHashMap<>();
        completion.put("leaseToken", held.path("leaseToken").asString());
        completion.put("result", result);
        assertThat(api.post("/api/v1/workers/group-hook-w/tasks/" + held.path("taskId").asLong() + "/complete", completion,
                TestTokens.WORKER).status()).isEqualTo(200);
        assertThat(status(completing)).isEqualTo("COMPLETED");

        receiver.newDispatcher().deliverDue();
        List<String> kinds = new ArrayList<>();
        for (WebhookReceiver.Notice notice : receiver.received()) {
            assertThat(notice.signature()).isEqualTo(WebhookReceiver.signature(hook.path("secret").asString(), notice.body()));
            JsonNode body = WireJson.mapper().readTree(notice.body());
            assertThat(body.path("groupId").asString()).isEqualTo(groupId);
            assertThat(body.path("name").asString()).isEqualTo("hooked");
            assertThat(body.path("event").asString()).isEqualTo(notice.event());
            kinds.add(notice.event() + ":" + body.path("member").path("studyId").asString());
            switch (notice.event()) {
                case "stalled" -> assertThat(body.path("member").path("status").asString()).isEqualTo("RUNNING");
                case "failed" -> {
                    assertThat(body.path("member").path("failure").asString()).contains("boom");
                    assertThat(body.path("statusSummary").path("FAILED").asInt()).isEqualTo(1);
                }
                case "completed" -> {
                    assertThat(body.path("statusSummary").path("FAILED").asInt()).isEqualTo(1);
                    assertThat(body.path("statusSummary").path("COMPLETED").asInt()).isEqualTo(1);
                    assertThat(body.path("member").path("stopReason").asString()).isEqualTo("max-steps");
                }
                default -> throw new AssertionError("unexpected event " + notice.event());
            }
        }
        assertThat(kinds).containsExactlyInAnyOrder("stalled:" + failing, "failed:" + failing, "completed:" + completing);
        assertThat(api.eventMessages(completing))
                .anySatisfy(m -> assertThat(m).contains("completed notice delivered to 127.0.0.1"));
        assertThat(repository.outboxOf(completing)).singleElement()
                .satisfies(row -> assertThat(row.deliveredAt()).isNotNull());
    }

    @Test
    void aGroupCancelledAsAWholeSendsOneCompletedNotice() throws Exception {
        JsonNode group = createGroup(true);
        String groupId = group.path("id").asString();
        addWebhook(groupId, Map.of("url", receiver.url(), "events", List.of("completed")));
        assertThat(api.post("/api/v1/groups/" + groupId + "/cancel", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        receiver.newDispatcher().deliverDue();
        assertThat(receiver.received()).singleElement().satisfies(notice -> {
            JsonNode body = WireJson.mapper().readTree(notice.body());
            assertThat(body.path("event").asString()).isEqualTo("completed");
            assertThat(body.path("statusSummary").path("CANCELLED").asInt()).isEqualTo(2);
        });
    }

    @Test
    void badFieldsForeignTargetsAndUnknownGroupsAreRefused() {
        String groupId = createGroup(false).path("id").asString();
        ApiClient.Response foreign = api.post("/api/v1/groups/" + groupId + "/webhooks",
                Map.of("url", "http://169.254.169.254/latest/meta-data", "events", List.of("completed")), TestTokens.OPERATOR);
        assertThat(foreign.status()).isEqualTo(422);
        assertThat(foreign.contentType()).startsWith("application/problem+json");
        assertThat(foreign.problemFields()).containsExactly("url");
        ApiClient.Response badEvents = api.post("/api/v1/groups/" + groupId + "/webhooks",
                Map.of("url", receiver.url(), "events", List.of("completed", "exploded", "stalled")), TestTokens.OPERATOR);
        assertThat(badEvents.problemFields()).containsExactlyInAnyOrder("events[1]", "stalledAfter");
        assertThat(api.post("/api/v1/groups/" + groupId + "/webhooks", Map.of("url", receiver.url(), "events", List.of("completed")),
                TestTokens.VIEWER).status()).isEqualTo(403);
        ApiClient.Response unknown = api.post("/api/v1/groups/" + UUID.randomUUID() + "/webhooks",
                Map.of("url", receiver.url(), "events", List.of("completed")), TestTokens.OPERATOR);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
        assertThat(api.get("/api/v1/groups/" + groupId + "/webhooks", TestTokens.VIEWER).json()).isEmpty();

        long id = addWebhook(groupId, Map.of("url", receiver.url(), "events", List.of("failed"))).path("id").asLong();
        JsonNode listed = api.get("/api/v1/groups/" + groupId + "/webhooks", TestTokens.VIEWER).json();
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).has("secret")).isFalse();
        assertThat(api.delete("/api/v1/groups/" + groupId + "/webhooks/" + id, TestTokens.VIEWER).status()).isEqualTo(403);
        assertThat(api.delete("/api/v1/groups/" + groupId + "/webhooks/" + id, TestTokens.OPERATOR).status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/groups/" + groupId + "/webhooks/" + id, TestTokens.OPERATOR).status()).isEqualTo(404);
    }

    // --- helpers

    private JsonNode createGroup(boolean start) {
        String body = "{\"name\":\"hooked\",\"baseSpec\":" + TestSpecs.gaussian(1, 8, 8, 1)
                + ",\"vary\":{\"seed\":[31,32]},\"start\":" + start + "}";
        ApiClient.Response created = api.post("/api/v1/groups", body, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    private JsonNode addWebhook(String groupId, Map<String, Object> request) {
        ApiClient.Response created = api.post("/api/v1/groups/" + groupId + "/webhooks", request, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    private String status(UUID study) {
        return api.get("/api/v1/studies/" + study, TestTokens.VIEWER).json().path("status").asString();
    }

    private JsonNode lease() {
        ApiClient.Response leased = api.post("/api/v1/workers/group-hook-w/lease?max=1", (String) null, TestTokens.WORKER);
        assertThat(leased.json().path("tasks")).as(leased.body()).hasSize(1);
        return leased.json().path("tasks").get(0);
    }
}
