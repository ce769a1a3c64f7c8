package dev.detopt.service.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceApiTestBase;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import java.time.Duration;
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
 * Webhooks against a real HTTP receiver on loopback (the JDK's server): signed notices for
 * completed, failed and stalled studies, written to the outbox with the change and delivered from
 * it (by another dispatcher than the one that failed, as after a restart), retried with backoff,
 * recorded in the event log; targets outside the allowlist (the test profile allows 127.0.0.1) are
 * refused by field. The test profile turns the background dispatcher off; tests deliver themselves.
 */
@ServiceTest
class StudyWebhooksTest extends ServiceApiTestBase {
    private static final BatchExecutor EXECUTOR = new BatchExecutor(1, "webhook-test");

    @Autowired
    WebhookRepository repository;

    @Autowired
    Webhooks webhooks;

    @Autowired
    dev.detopt.service.study.StudyEventLog eventLog;

    @RegisterExtension
    final WebhookReceiver receiver = new WebhookReceiver("/hook");

    @BeforeEach
    void registerWorker() {
        assertThat(api.post("/api/v1/workers/register", Map.of("workerId", "hook-w", "threads", 1), TestTokens.WORKER)
                .status()).isEqualTo(200);
    }

    @AfterEach
    void tearDown() {
        api.cancelActiveStudies();
    }

    @Test
    void aCompletedStudySendsASignedNoticeRetriedUntilTheReceiverTakesIt() throws Exception {
        UUID study = create(TestSpecs.gaussian(1, 8, 8, 21));
        JsonNode hook = addWebhook(study, Map.of("url", receiver.url(), "events", List.of("completed", "failed")));
        assertThat(hook.path("secret").asString()).hasSize(64);
        assertThat(api.get("/api/v1/studies/" + study + "/webhooks", TestTokens.VIEWER).json().get(0).has("secret")).isFalse();
        start(study);
        runStep(study);
        assertThat(api.get("/api/v1/studies/" + study, TestTokens.VIEWER).json().path("status").asString()).isEqualTo("COMPLETED");

        // The notice is in the outbox with the change; the first delivery meets a 503.
        receiver.failNext(1);
        WebhookDispatcher first = receiver.newDispatcher();
        assertThat(first.deliverDue()).isZero();
        assertThat(repository.outboxOf(study)).singleElement().satisfies(row -> {
            assertThat(row.attempts()).isEqualTo(1);
            assertThat(row.lastError()).isEqualTo("HTTP 503");
            assertThat(row.deliveredAt()).isNull();
        });
        // Another dispatcher (as after a restart) delivers it once the backoff has passed.
        WebhookDispatcher afterRestart = receiver.newDispatcher();
        await().atMost(Duration.ofSeconds(10)).until(() -> afterRestart.deliverDue() == 1);

        assertThat(receiver.received()).singleElement().satisfies(notice -> {
            assertThat(notice.event()).isEqualTo("completed");
            assertThat(notice.delivery()).isEqualTo(Long.toString(repository.outboxOf(study).getFirst().id()));
            assertThat(notice.signature()).isEqualTo(WebhookReceiver.signature(hook.path("secret").asString(), notice.body()));
            JsonNode body = WireJson.mapper().readTree(notice.body());
            assertThat(body.path("event").asString()).isEqualTo("completed");
            assertThat(body.path("studyId").asString()).isEqualTo(study.toString());
            assertThat(body.path("status").asString()).isEqualTo("COMPLETED");
            assertThat(body.path("stopReason").asString()).isEqualTo("max-steps");
        });
        assertThat(afterRestart.deliverDue()).isZero();
        assertThat(api.eventMessages(study)).anySatisfy(m -> assertThat(m).contains("completed notice attempt 1 failed (HTTP 503)"))
                .anySatisfy(m -> assertThat(m).contains("completed notice delivered to 127.0.0.1 (HTTP 204, attempt 2)"));
    }

    @Test
    void aFailedStudyAndAStalledOneAreNoticedOnce() throws Exception {
        UUID failing = create(TestSpecs.gaussian(1, 8, 8, 22));
        addWebhook(failing, Map.of("url", receiver.url(), "events", List.of("failed")));
        start(failing);
        for (int attempt = 0; attempt < 3; attempt++) {
            JsonNode lease = lease();
            assertThat(api.post("/api/v1/workers/hook-w/tasks/" + lease.path("taskId").asLong() + "/fail",
                    Map.of("leaseToken", lease.path("leaseToken").asString(), "reason", "boom"), TestTokens.WORKER).status())
                    .isEqualTo(204);
        }
        assertThat(api.get("/api/v1/studies/" + failing, TestTokens.VIEWER).json().path("status").asString()).isEqualTo("FAILED");

        UUID stalling = create(TestSpecs.gaussian(2, 8, 8, 23));
        addWebhook(stalling, Map.of("url", receiver.url(), "events", List.of("stalled", "completed"), "stalledAfter", "PT30S"));
        start(stalling);
        assertThat(webhooks.noticeStalls()).isZero();
        jdbc.update("UPDATE studies SET step_started_at = now() - interval '31 seconds' WHERE id = ?", stalling);
        assertThat(webhooks.noticeStalls()).isEqualTo(1);
        assertThat(webhooks.noticeStalls()).as("once per step").isZero();

        WebhookDispatcher dispatcher = receiver.newDispatcher();
        assertThat(dispatcher.deliverDue()).isEqualTo(2);
        List<String> kinds = new ArrayList<>();
        for (WebhookReceiver.Notice notice : receiver.received()) {
            JsonNode body = WireJson.mapper().readTree(notice.body());
            kinds.add(body.path("event").asString() + ":" + body.path("studyId").asString());
            if (notice.event().equals("failed")) {
                assertThat(body.path("failure").asString()).contains("failed 3 times").contains("boom");
            }
            if (notice.event().equals("stalled")) {
                assertThat(body.path("status").asString()).isEqualTo("RUNNING");
                assertThat(body.path("step").asInt()).isZero();
            }
        }
        assertThat(kinds).containsExactlyInAnyOrder("failed:" + failing, "stalled:" + stalling);
    }

    @Test
    void targetsOutsideTheAllowlistAndBadFieldsAreRefusedByField() {
        UUID study = create(TestSpecs.gaussian(1, 8, 8, 24));
        for (String url : List.of("http://localhost:" + receiver.port() + "/hook", "http://10.0.0.1/hook",
                "http://169.254.169.254/latest/meta-data", "ftp://127.0.0.1/hook", "http://user:pw@127.0.0.1/hook",
                "http://127.0.0.1.example.org/hook", "not a url", "")) {
            ApiClient.Response refused = api.post("/api/v1/studies/" + study + "/webhooks",
                    Map.of("url", url, "events", List.of("completed")), TestTokens.OPERATOR);
            assertThat(refused.status()).as(url).isEqualTo(422);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.problemFields()).as(url).containsExactly("url");
        }
        ApiClient.Response badEvents = api.post("/api/v1/studies/" + study + "/webhooks",
                Map.of("url", receiver.url(), "events", List.of("completed", "exploded", "stalled")), TestTokens.OPERATOR);
        assertThat(badEvents.problemFields()).containsExactlyInAnyOrder("events[1]", "stalledAfter");
        ApiClient.Response badDuration = api.post("/api/v1/studies/" + study + "/webhooks",
                Map.of("url", receiver.url(), "events", List.of("stalled"), "stalledAfter", "soon"), TestTokens.OPERATOR);
        assertThat(badDuration.problemFields()).containsExactly("stalledAfter");
        assertThat(api.post("/api/v1/studies/" + study + "/webhooks", Map.of("url", receiver.url(), "events", List.of("completed")),
                TestTokens.VIEWER).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/studies/" + study + "/webhooks", TestTokens.VIEWER).json()).isEmpty();

        long id = addWebhook(study, Map.of("url", receiver.url(), "events", List.of("completed"))).path("id").asLong();
        assertThat(api.get("/api/v1/studies/" + study + "/webhooks", TestTokens.VIEWER).json()).hasSize(1);
        assertThat(api.delete("/api/v1/studies/" + study + "/webhooks/" + id, TestTokens.OPERATOR).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/studies/" + study + "/webhooks", TestTokens.VIEWER).json()).isEmpty();
        assertThat(api.delete("/api/v1/studies/" + study + "/webhooks/" + id, TestTokens.OPERATOR).status()).isEqualTo(404);
    }

    // --- helpers

    /**
     * Delivered and given-up notices leave the outbox after the retention (30 days by default);
     * pending ones stay however old, and a retention of 0 keeps everything.
     */
    @Test
    void settledNoticesLeaveTheOutboxAfterTheRetention() {
        UUID study = create(TestSpecs.gaussian(1, 8, 8, 23));
        long hook = addWebhook(study, Map.of("url", receiver.url(), "events", List.of("completed"))).path("id").asLong();
        for (int step = 1; step <= 4; step++) {
            assertThat(repository.enqueueFor(hook, study, "completed", step, "{}")).isEqualTo(1);
        }
        backdate(study, 1, "delivered_at = now() - interval '31 days'");
        backdate(study, 2, "given_up_at = now() - interval '31 days'");
        backdate(study, 3, "delivered_at = now() - interval '29 days'");
        // pending, but not due during the test (the dispatchers below would try it)
        backdate(study, 4, "created_at = now() - interval '40 days', attempts = 3, next_attempt_at = now() + interval '1 day'");

        NotificationProperties defaults = receiver.settings();
        assertThat(defaults.retention()).isEqualTo(Duration.ofDays(30));
        WebhookDispatcher keepingEverything = new WebhookDispatcher(repository, webhooks, eventLog, new NotificationProperties(
                defaults.allowedHosts(), defaults.deliveryInterval(), defaults.retryBase(), defaults.retryMax(),
                defaults.maxAttempts(), defaults.timeout(), defaults.enabled(), Duration.ZERO, defaults.pruneInterval()));
        assertThat(keepingEverything.pruneSettled()).isZero();
        assertThat(repository.outboxOf(study)).hasSize(4);

        assertThat(receiver.newDispatcher().pruneSettled()).isEqualTo(2);
        assertThat(repository.outboxOf(study)).extracting(WebhookRepository.OutboxRow::step).containsExactly(3, 4);
        jdbc.update("DELETE FROM webhook_outbox WHERE study_id = ?", study); // later tests count every due notice
    }

    /** A stall notice pruned while its study is still stalled at that step is sent once more. */
    @Test
    void aStudyStillStalledAfterTheRetentionIsNoticedOnceMore() {
        UUID stalling = create(TestSpecs.gaussian(2, 8, 8, 29));
        addWebhook(stalling, Map.of("url", receiver.url(), "events", List.of("stalled"), "stalledAfter", "PT30S"));
        start(stalling);
        jdbc.update("UPDATE studies SET step_started_at = now() - interval '31 days' WHERE id = ?", stalling);
        assertThat(webhooks.noticeStalls()).isEqualTo(1);
        WebhookDispatcher dispatcher = receiver.newDispatcher();
        assertThat(dispatcher.deliverDue()).isEqualTo(1);
        assertThat(webhooks.noticeStalls()).as("once per step").isZero();

        // 720 hours: "30 days" is calendar days in the session's time zone, 719 hours across a spring clock change
        jdbc.update("UPDATE webhook_outbox SET delivered_at = now() - interval '720 hours 1 minute' WHERE study_id = ?", stalling);
        assertThat(dispatcher.pruneSettled()).isEqualTo(1);
        assertThat(webhooks.noticeStalls()).isEqualTo(1);
        assertThat(repository.outboxOf(stalling)).singleElement().satisfies(row -> assertThat(row.deliveredAt()).isNull());
        jdbc.update("DELETE FROM webhook_outbox WHERE study_id = ?", stalling); // later tests count every due notice
    }

    private void backdate(UUID study, int step, String assignments) {
        assertThat(jdbc.update("UPDATE webhook_outbox SET " + assignments + " WHERE study_id = ? AND step = ?", study, step))
                .isEqualTo(1);
    }

    private JsonNode addWebhook(UUID study, Map<String, Object> request) {
        ApiClient.Response created = api.post("/api/v1/studies/" + study + "/webhooks", request, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    private UUID create(String spec) {
        ApiClient.Response created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return UUID.fromString(created.json().path("id").asString());
    }

    private void start(UUID study) {
        assertThat(api.post("/api/v1/studies/" + study + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
    }

    private JsonNode lease() {
        ApiClient.Response leased = api.post("/api/v1/workers/hook-w/lease?max=1", (String) null, TestTokens.WORKER);
        assertThat(leased.json().path("tasks")).as(leased.body()).hasSize(1);
        return leased.json().path("tasks").get(0);
    }

    private void runStep(UUID study) {
        JsonNode lease = lease();
        assertThat(lease.path("task").path("studyId").asString()).isEqualTo(study.toString());
        BatchResult result = EXECUTOR.execute(WireJson.mapper().treeToValue(lease.path("task"), BatchTask.class));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leaseToken", lease.path("leaseToken").asString());
        body.put("result", result);
        assertThat(api.post("/api/v1/workers/hook-w/tasks/" + lease.path("taskId").asLong() + "/complete", body,
                TestTokens.WORKER).status()).isEqualTo(200);
    }
}
