package dev.detopt.service.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * stopping.maxWallTime and stopping.maxCoreHours end a study at the step boundary past the limit,
 * as COMPLETED with the reason recorded (study, state, event log); a limit not reached changes nothing.
 */
@ServiceTest
class DeadlineTest {
    private static final BatchExecutor EXECUTOR = new BatchExecutor(1, "deadline-test");

    @LocalServerPort
    int port;

    ApiClient api;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
        api.cancelActiveStudies();
        assertThat(api.post("/api/v1/workers/register", Map.of("workerId", "deadline-w", "threads", 1), TestTokens.WORKER)
                .status()).isEqualTo(200);
    }

    @AfterEach
    void endStudies() {
        api.cancelActiveStudies();
    }

    @Test
    void aPassedWallTimeEndsTheStudyAtTheNextStepBoundary() {
        UUID study = start(withStopping("{\"maxWallTime\": \"PT0.001S\"}"));
        runStep(study, 0.5);
        JsonNode view = api.get("/api/v1/studies/" + study, TestTokens.VIEWER).json();
        assertThat(view.path("status").asString()).isEqualTo("COMPLETED");
        assertThat(view.path("stopReason").asString()).isEqualTo("max-wall-time");
        assertThat(view.path("step").asInt()).isEqualTo(1);
        assertThat(view.path("state").path("stopReason").asString()).isEqualTo("max-wall-time");
        assertThat(api.get("/api/v1/studies/" + study + "/steps", TestTokens.VIEWER).json().path("items")).hasSize(1);
        assertThat(statusEvents(study)).anySatisfy(message -> assertThat(message)
                .contains("max-wall-time: ran PT").contains("of at most PT0.001S"));
    }

    @Test
    void usedCoreHoursEndTheStudyAndALimitNotReachedLetsItRun() {
        // 0.01 core-hours = 36 CPU seconds; the step's two batches report 20 each.
        UUID limited = start(withStopping("{\"maxCoreHours\": 0.01}"));
        runStep(limited, 20);
        JsonNode view = api.get("/api/v1/studies/" + limited, TestTokens.VIEWER).json();
        assertThat(view.path("status").asString()).isEqualTo("COMPLETED");
        assertThat(view.path("stopReason").asString()).isEqualTo("max-core-hours");
        assertThat(statusEvents(limited)).anySatisfy(message -> assertThat(message)
                .contains("max-core-hours: used 0.0111111 core-hours of at most 0.01"));

        UUID roomy = start(withStopping("{\"maxCoreHours\": 0.02, \"maxWallTime\": \"PT1H\"}"));
        runStep(roomy, 20);
        JsonNode running = api.get("/api/v1/studies/" + roomy, TestTokens.VIEWER).json();
        assertThat(running.path("status").asString()).isEqualTo("RUNNING");
        assertThat(running.path("step").asInt()).isEqualTo(1);
    }

    @Test
    void aBadDeadlineIsRefusedNamingTheField() {
        ApiClient.Response refused = api.post("/api/v1/studies", withStopping("{\"maxWallTime\": \"tomorrow\", \"maxCoreHours\": -2}"),
                TestTokens.OPERATOR);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body()).contains("stopping.maxWallTime").contains("stopping.maxCoreHours");
    }

    // --- helpers

    private static String withStopping(String stopping) {
        return TestSpecs.gaussian(5, 16, 8, 11).replace("\"seed\":", "\"stopping\": " + stopping + ",\n  \"seed\":");
    }

    private UUID start(String spec) {
        ApiClient.Response created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        UUID id = UUID.fromString(created.json().path("id").asString());
        assertThat(api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        return id;
    }

    /** Runs the study's current step (two batches), each attempt reporting {@code cpuSeconds}. */
    private void runStep(UUID study, double cpuSeconds) {
        for (int batch = 0; batch < 2; batch++) {
            ApiClient.Response leased = api.post("/api/v1/workers/deadline-w/lease?max=1", (String) null, TestTokens.WORKER);
            JsonNode lease = leased.json().path("tasks").get(0);
            assertThat(lease).as(leased.body()).isNotNull();
            assertThat(lease.path("task").path("studyId").asString()).isEqualTo(study.toString());
            BatchResult result = EXECUTOR.execute(WireJson.mapper().treeToValue(lease.path("task"), BatchTask.class));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("leaseToken", lease.path("leaseToken").asString());
            body.put("result", result);
            body.put("cpuSeconds", cpuSeconds);
            assertThat(api.post("/api/v1/workers/deadline-w/tasks/" + lease.path("taskId").asLong() + "/complete", body,
                    TestTokens.WORKER).status()).isEqualTo(200);
        }
    }

    private java.util.List<String> statusEvents(UUID study) {
        java.util.List<String> messages = new java.util.ArrayList<>();
        api.get("/api/v1/studies/" + study + "/events", TestTokens.VIEWER).json().path("items")
                .forEach(event -> messages.add(event.path("message").asString()));
        return messages;
    }
}
