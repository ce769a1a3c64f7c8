package dev.detopt.service.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestLeases;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import dev.detopt.service.queue.TaskQueue;
import io.micrometer.core.instrument.MeterRegistry;
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
 * Accounting, attempt history and failure diagnostics through the worker API: CPU seconds as
 * workers report them, the part lost to a preemption (after the newest checkpoint) or an expiry,
 * incidents, cost at the test profile's prices (on demand 0.04, spot 0.01 per core-hour; nodes
 * named *-spot-* are spot), Prometheus counters, and what a failed attempt leaves behind.
 */
@ServiceTest
class StudyAccountingTest {
    private static final BatchExecutor EXECUTOR = new BatchExecutor(1, "accounting-test");

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TaskQueue queue;

    @Autowired
    MeterRegistry meters;

    ApiClient api;
    TestLeases leases;

    @BeforeEach
    void isolate() {
        api = new ApiClient(port);
        leases = new TestLeases(jdbc, queue);
        api.cancelActiveStudies();
        register("acct-spot", "pool-spot-1");
        register("acct-std", "pool-standard-1");
    }

    @AfterEach
    void endStudies() {
        api.cancelActiveStudies();
    }

    @Test
    void cpuTimeLostWorkIncidentsAndCostAreAccountedPerStudy() {
        double cpuBefore = counter("detopt.worker.cpu.seconds");
        double lostBefore = counter("detopt.worker.cpu.lost.seconds");
        UUID study = startStudy(TestSpecs.gaussian(1, 16, 8, 3));

        // Attempt 1 on a spot node: 4 events checkpointed after 4 CPU s, preempted after 10 CPU s.
        JsonNode first = lease("acct-spot");
        long taskId = first.path("taskId").asLong();
        long from = first.path("task").path("eventFrom").asLong();
        assertThat(heartbeat("acct-spot", first, 2, 5.0).status()).isEqualTo(200);
        assertThat(checkpoint("acct-spot", first, from + 4, 4.0).status()).isEqualTo(204);
        assertThat(release("acct-spot", first, 10.0).status()).isEqualTo(204);

        // Attempt 2 on an on-demand node resumes at event 4 and completes after 7 CPU s; the other batch takes 20.
        JsonNode second = lease("acct-std");
        assertThat(second.path("taskId").asLong()).isEqualTo(taskId);
        assertThat(complete("acct-std", second, 7.0).status()).isEqualTo(200);
        JsonNode other = lease("acct-std");
        assertThat(complete("acct-std", other, 20.0).json().path("stepCompleted").asBoolean()).isTrue();

        JsonNode accounting = api.get("/api/v1/studies/" + study + "/accounting", TestTokens.VIEWER).json().path("accounting");
        assertThat(accounting.path("cpuSeconds").asDouble()).isEqualTo(37.0);
        assertThat(accounting.path("cpuSecondsLost").asDouble()).isEqualTo(6.0);
        assertThat(accounting.path("spotCpuSeconds").asDouble()).isEqualTo(10.0);
        assertThat(accounting.path("preemptions").asLong()).isEqualTo(1);
        assertThat(accounting.path("leaseExpiries").asLong()).isZero();
        assertThat(accounting.path("failures").asLong()).isZero();
        assertThat(accounting.path("coreHours").asDouble()).isCloseTo(37.0 / 3600, within(1e-15));
        assertThat(accounting.path("estimatedCost").asDouble()).isCloseTo(10.0 / 3600 * 0.01 + 27.0 / 3600 * 0.04, within(1e-15));
        assertThat(accounting.path("onDemandCost").asDouble()).isCloseTo(37.0 / 3600 * 0.04, within(1e-15));
        assertThat(accounting.path("currency").asString()).isEqualTo("USD");

        JsonNode attempts = api.get("/api/v1/studies/" + study + "/tasks/" + taskId + "/attempts", TestTokens.VIEWER)
                .json().path("attempts");
        assertThat(attempts).hasSize(2);
        JsonNode preempted = attempts.get(0);
        assertThat(preempted.path("attempt").asInt()).isEqualTo(1);
        assertThat(preempted.path("worker").asString()).isEqualTo("acct-spot");
        assertThat(preempted.path("node").asString()).isEqualTo("pool-spot-1");
        assertThat(preempted.path("outcome").asString()).isEqualTo("preempted");
        assertThat(preempted.path("checkpointNextEvent").asLong()).isEqualTo(from + 4);
        assertThat(preempted.path("cpuSeconds").asDouble()).isEqualTo(10.0);
        assertThat(preempted.path("cpuSecondsLost").asDouble()).isEqualTo(6.0);
        assertThat(preempted.path("startedAt").isNull()).isFalse();
        assertThat(preempted.path("endedAt").isNull()).isFalse();
        JsonNode completed = attempts.get(1);
        assertThat(completed.path("worker").asString()).isEqualTo("acct-std");
        assertThat(completed.path("resumedFromEvent").asLong()).isEqualTo(from + 4);
        assertThat(completed.path("outcome").asString()).isEqualTo("completed");
        assertThat(completed.path("eventsDone").asLong()).isEqualTo(8);
        assertThat(completed.path("cpuSeconds").asDouble()).isEqualTo(7.0);
        assertThat(completed.path("cpuSecondsLost").asDouble()).isZero();

        // The counters are shared with earlier tests' studies in this JVM: their difference carries the
        // rounding of a double sum that did not start at zero.
        assertThat(counter("detopt.worker.cpu.seconds") - cpuBefore).isCloseTo(37.0, within(1e-9));
        assertThat(counter("detopt.worker.cpu.lost.seconds") - lostBefore).isCloseTo(6.0, within(1e-9));
        String scrape = api.get("/actuator/prometheus", TestTokens.ADMIN).body();
        assertThat(scrape).contains("detopt_worker_cpu_seconds_total").contains("detopt_worker_cpu_lost_seconds_total");
    }

    @Test
    void anExpiredLeaseLosesTheCpuSinceItsStartWhenItNeverCheckpointed() {
        UUID study = startStudy(TestSpecs.gaussian(1, 16, 8, 3));
        JsonNode lost = lease("acct-spot");
        assertThat(heartbeat("acct-spot", lost, 3, 12.5).status()).isEqualTo(200);
        leases.expireAndSweep(lost.path("taskId").asLong());

        JsonNode attempt = api.get("/api/v1/studies/" + study + "/tasks/" + lost.path("taskId").asLong() + "/attempts",
                TestTokens.VIEWER).json().path("attempts").get(0);
        assertThat(attempt.path("outcome").asString()).isEqualTo("expired");
        assertThat(attempt.path("eventsDone").asLong()).isEqualTo(3);
        assertThat(attempt.path("cpuSecondsLost").asDouble()).isEqualTo(12.5);
        JsonNode accounting = api.get("/api/v1/studies/" + study + "/accounting", TestTokens.VIEWER).json();
        assertThat(accounting.path("accounting").path("leaseExpiries").asLong()).isEqualTo(1);
        assertThat(accounting.path("accounting").path("cpuSecondsLost").asDouble()).isEqualTo(12.5);
        assertThat(accounting.path("lastFailure").path("outcome").asString()).isEqualTo("expired");
    }

    @Test
    void aWorkerTheLauncherSawEndLeavesItsReasonOnTheAttemptAndTheEventLog() {
        UUID study = startStudy(TestSpecs.gaussian(1, 8, 8, 3));
        JsonNode held = lease("acct-spot");
        assertThat(heartbeat("acct-spot", held, 2, 6.0).status()).isEqualTo(200);
        // What KubernetesWorkerLauncher reports for an OOM-killed worker pod (PodEndings → LoggedWorkerEvents).
        assertThat(queue.requeueLeasesOfLostWorker("acct-spot", "crashed: OOMKilled")).isEqualTo(1);

        JsonNode attempt = api.get("/api/v1/studies/" + study + "/tasks/" + held.path("taskId").asLong() + "/attempts",
                TestTokens.VIEWER).json().path("attempts").get(0);
        assertThat(attempt.path("outcome").asString()).isEqualTo("lost");
        assertThat(attempt.path("reason").asString()).isEqualTo("crashed: OOMKilled");
        assertThat(attempt.path("node").asString()).isEqualTo("pool-spot-1");
        assertThat(attempt.path("cpuSecondsLost").asDouble()).isEqualTo(6.0);
        List<String> log = new ArrayList<>();
        api.get("/api/v1/studies/" + study + "/events", TestTokens.VIEWER).json().path("items")
                .forEach(event -> log.add(event.path("message").asString()));
        assertThat(log).anySatisfy(message -> assertThat(message).contains("crashed: OOMKilled"));
    }

    @Test
    void aFailedAttemptKeepsItsExceptionExitCodeAndStderrTail() {
        UUID study = startStudy(TestSpecs.gaussian(1, 8, 8, 3));
        JsonNode leased = lease("acct-std");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leaseToken", leased.path("leaseToken").asString());
        body.put("reason", "SimulatorFailure: simulator 'em' exited with code 139");
        body.put("exception", "dev.detopt.model.external.SimulatorFailure");
        body.put("exitCode", 139);
        body.put("stderrTail", "line 1\nSegmentation fault (core dumped)\n");
        body.put("cpuSeconds", 3.0);
        assertThat(api.post(failPath("acct-std", leased), body, TestTokens.WORKER).status()).isEqualTo(204);

        JsonNode attempt = api.get("/api/v1/studies/" + study + "/tasks/" + leased.path("taskId").asLong() + "/attempts",
                TestTokens.VIEWER).json().path("attempts").get(0);
        assertThat(attempt.path("outcome").asString()).isEqualTo("failed");
        assertThat(attempt.path("reason").asString()).contains("exited with code 139");
        assertThat(attempt.path("exception").asString()).isEqualTo("dev.detopt.model.external.SimulatorFailure");
        assertThat(attempt.path("exitCode").asInt()).isEqualTo(139);
        assertThat(attempt.path("stderrTail").asString()).endsWith("Segmentation fault (core dumped)\n");
        assertThat(attempt.path("cpuSecondsLost").asDouble()).isEqualTo(3.0);
        JsonNode accounting = api.get("/api/v1/studies/" + study + "/accounting", TestTokens.VIEWER).json();
        assertThat(accounting.path("accounting").path("failures").asLong()).isEqualTo(1);
        assertThat(accounting.path("lastFailure").path("exitCode").asInt()).isEqualTo(139);
    }

    @Test
    void oversizedOrNonsensicalDiagnosticsAreRefusedByFieldAndNothingIsStored() {
        startStudy(TestSpecs.gaussian(1, 8, 8, 3));
        JsonNode leased = lease("acct-std");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leaseToken", leased.path("leaseToken").asString());
        body.put("reason", "boom");
        body.put("stderrTail", "x".repeat(8_193));
        body.put("cpuSeconds", -1.0);
        body.put("exception", "E".repeat(501));
        ApiClient.Response refused = api.post(failPath("acct-std", leased), body, TestTokens.WORKER);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        List<String> fields = new ArrayList<>();
        refused.json().path("errors").forEach(error -> fields.add(error.path("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("stderrTail", "cpuSeconds", "exception");
        assertThat(jdbc.queryForObject("SELECT state FROM tasks WHERE id = ?", String.class, leased.path("taskId").asLong()))
                .isEqualTo("LEASED");

        ApiClient.Response badHeartbeat = heartbeat("acct-std", leased, 1, 1e30);
        assertThat(badHeartbeat.status()).isEqualTo(422);
        assertThat(badHeartbeat.json().path("errors").get(0).path("field").asString()).isEqualTo("leases[0].cpuSeconds");
    }

    @Test
    void attemptsOfATaskOfAnotherStudyAreNotFound() {
        UUID study = startStudy(TestSpecs.gaussian(1, 8, 8, 3));
        UUID other = startStudy(TestSpecs.gaussian(1, 8, 8, 4));
        long taskOfOther = jdbc.queryForObject("SELECT id FROM tasks WHERE study_id = ? LIMIT 1", Long.class, other);
        ApiClient.Response response = api.get("/api/v1/studies/" + study + "/tasks/" + taskOfOther + "/attempts",
                TestTokens.VIEWER);
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(api.get("/api/v1/studies/" + UUID.randomUUID() + "/accounting", TestTokens.VIEWER).status()).isEqualTo(404);
    }

    // --- helpers

    private double counter(String name) {
        return meters.get(name).counter().count();
    }

    UUID startStudy(String spec) {
        ApiClient.Response created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        UUID id = UUID.fromString(created.json().path("id").asString());
        assertThat(api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        return id;
    }

    void register(String worker, String node) {
        assertThat(api.post("/api/v1/workers/register", Map.of("workerId", worker, "host", "test", "node", node,
                "threads", 1), TestTokens.WORKER).status()).isEqualTo(200);
    }

    JsonNode lease(String worker) {
        ApiClient.Response response = api.post("/api/v1/workers/" + worker + "/lease?max=1", (String) null, TestTokens.WORKER);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("tasks")).as(response.body()).hasSize(1);
        return response.json().path("tasks").get(0);
    }

    ApiClient.Response heartbeat(String worker, JsonNode lease, long eventsDone, double cpuSeconds) {
        return api.post("/api/v1/workers/" + worker + "/heartbeat", Map.of("leases", List.of(Map.of(
                "taskId", lease.path("taskId").asLong(), "leaseToken", lease.path("leaseToken").asString(),
                "eventsDone", eventsDone, "cpuSeconds", cpuSeconds))), TestTokens.WORKER);
    }

    ApiClient.Response checkpoint(String worker, JsonNode lease, long nextEvent, double cpuSeconds) {
        return api.post("/api/v1/workers/" + worker + "/tasks/" + lease.path("taskId").asLong() + "/checkpoint",
                Map.of("leaseToken", lease.path("leaseToken").asString(),
                        "key", lease.path("task").path("checkpointKey").asString(), "nextEvent", nextEvent,
                        "cpuSeconds", cpuSeconds), TestTokens.WORKER);
    }

    ApiClient.Response release(String worker, JsonNode lease, double cpuSeconds) {
        return api.post("/api/v1/workers/" + worker + "/release", Map.of("reason", "preempted", "leases", List.of(Map.of(
                "taskId", lease.path("taskId").asLong(), "leaseToken", lease.path("leaseToken").asString(),
                "cpuSeconds", cpuSeconds))), TestTokens.WORKER);
    }

    ApiClient.Response complete(String worker, JsonNode lease, double cpuSeconds) {
        BatchResult result = EXECUTOR.execute(WireJson.mapper().treeToValue(lease.path("task"), BatchTask.class));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leaseToken", lease.path("leaseToken").asString());
        body.put("result", result);
        body.put("cpuSeconds", cpuSeconds);
        return api.post("/api/v1/workers/" + worker + "/tasks/" + lease.path("taskId").asLong() + "/complete", body,
                TestTokens.WORKER);
    }

    static String failPath(String worker, JsonNode lease) {
        return "/api/v1/workers/" + worker + "/tasks/" + lease.path("taskId").asLong() + "/fail";
    }
}
