package dev.detopt.service.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.model.stats.AccumulatorState;
import dev.detopt.model.stats.SampleLayout;
import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestLeases;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The worker API's guarantees: one current lease per task, idempotent completion, 409 for late
 * and superseded results (never counted), expiry and requeue, preemption vs failure counting,
 * release, heartbeats that extend or tell to abandon, checkpoints carried to the next lease.
 */
@ServiceTest
class WorkerProtocolTest {
    private static final BatchExecutor EXECUTOR = new BatchExecutor(1, "protocol-test");

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TaskQueue queue;

    @Autowired
    LeaseSignal signal;

    ApiClient api;
    TestLeases leases;

    @BeforeEach
    void isolate() {
        api = new ApiClient(port);
        leases = new TestLeases(jdbc, queue);
        api.cancelActiveStudies();
        register("proto-a");
        register("proto-b");
    }

    @Test
    void completionIsIdempotentPerTokenAndForeignTokensAreRefused() {
        UUID study = startStudy(2, 2);
        JsonNode lease = lease("proto-a", 1).getFirst();
        long taskId = lease.path("taskId").asLong();
        BatchResult result = run(lease);

        ApiClient.Response wrongToken = complete("proto-a", taskId, UUID.randomUUID().toString(), result);
        assertThat(wrongToken.status()).isEqualTo(409);
        assertThat(wrongToken.contentType()).startsWith("application/problem+json");

        ApiClient.Response first = complete("proto-a", taskId, lease.path("leaseToken").asString(), result);
        ApiClient.Response retry = complete("proto-a", taskId, lease.path("leaseToken").asString(), result);
        assertThat(first.status()).isEqualTo(200);
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.json()).isEqualTo(first.json());
        assertThat(first.json().path("accepted").asBoolean()).isTrue();
        assertThat(first.json().path("stepCompleted").asBoolean()).isFalse();

        JsonNode other = lease("proto-b", 1).getFirst();
        ApiClient.Response last = complete("proto-b", other.path("taskId").asLong(), other.path("leaseToken").asString(), run(other));
        assertThat(last.json().path("stepCompleted").asBoolean()).isTrue();
        // The repeated completion did not add a second result: step 0 has exactly its 2 batches' events.
        assertThat(jdbc.queryForObject("SELECT events FROM steps WHERE study_id = ? AND step = 0", Long.class, study))
                .isEqualTo(2 * 8L);
        ApiClient.Response lateRetry = complete("proto-b", other.path("taskId").asLong(), other.path("leaseToken").asString(), run(other));
        assertThat(lateRetry.json().path("stepCompleted").asBoolean()).isTrue();
        assertThat(count("SELECT count(*) FROM steps WHERE study_id = ?", study)).isEqualTo(1);
    }

    @Test
    void expiredLeaseIsRequeuedAndItsLateResultRefused() {
        UUID study = startStudy(2, 2);
        JsonNode stale = lease("proto-a", 1).getFirst();
        long taskId = stale.path("taskId").asLong();
        leases.expireAndSweep(taskId);

        assertThat(jdbc.queryForObject("SELECT state FROM tasks WHERE id = ?", String.class, taskId)).isEqualTo("QUEUED");
        assertThat(count("SELECT expiries FROM tasks WHERE id = ?", taskId)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM study_events WHERE study_id = ? AND type = 'lease-expired'", study)).isEqualTo(1);

        JsonNode fresh = leaseTask("proto-b", taskId);
        assertThat(fresh.path("attempt").asInt()).isEqualTo(2);
        assertThat(fresh.path("task").path("checkpointKey").asString())
                .isEqualTo("studies/" + study + "/steps/0/batches/" + fresh.path("task").path("batchIndex").asInt() + "/attempt-2.json");

        BatchResult result = run(stale);
        ApiClient.Response late = complete("proto-a", taskId, stale.path("leaseToken").asString(), result);
        assertThat(late.status()).isEqualTo(409);
        ApiClient.Response current = complete("proto-b", taskId, fresh.path("leaseToken").asString(), result);
        assertThat(current.status()).isEqualTo(200);
        // Heartbeat of the superseded lease: abandon.
        ApiClient.Response heartbeat = api.post("/api/v1/workers/proto-a/heartbeat", Map.of("leases",
                List.of(Map.of("taskId", taskId, "leaseToken", stale.path("leaseToken").asString(), "eventsDone", 3))),
                TestTokens.WORKER);
        assertThat(heartbeat.json().path("abandon").get(0).asLong()).isEqualTo(taskId);
    }

    @Test
    void expiredButNotYetSweptLeaseCannotCompleteOrHeartbeat() {
        startStudy(1, 1);
        JsonNode lease = lease("proto-a", 1).getFirst();
        long taskId = lease.path("taskId").asLong();
        leases.expire(taskId);
        assertThat(complete("proto-a", taskId, lease.path("leaseToken").asString(), run(lease)).status()).isEqualTo(409);
        // Not completed; still LEASED until a sweep requeues it (none runs in the background in tests).
        assertThat(jdbc.queryForObject("SELECT state FROM tasks WHERE id = ?", String.class, taskId)).isEqualTo("LEASED");
    }

    @Test
    void heartbeatExtendsCurrentLeasesAndAbandonsCancelledOnes() {
        UUID study = startStudy(2, 1);
        List<JsonNode> leases = lease("proto-a", 2);
        assertThat(leases).hasSize(2);
        JsonNode a = leases.get(0);
        JsonNode b = leases.get(1);
        this.leases.expireIn(a.path("taskId").asLong(), 2);
        ApiClient.Response extended = heartbeat("proto-a", a, b);
        assertThat(extended.status()).isEqualTo(200);
        assertThat(extended.json().path("extended")).hasSize(2);
        assertThat(extended.json().path("abandon")).isEmpty();
        assertThat(jdbc.queryForObject("SELECT lease_expires_at > now() + interval '20 seconds' FROM tasks WHERE id = ?",
                Boolean.class, a.path("taskId").asLong())).isTrue();
        assertThat(count("SELECT events_done FROM tasks WHERE id = ?", a.path("taskId").asLong())).isEqualTo(5);

        api.post("/api/v1/studies/" + study + "/cancel", (String) null, TestTokens.OPERATOR);
        ApiClient.Response abandoned = heartbeat("proto-a", a, b);
        assertThat(abandoned.json().path("extended")).isEmpty();
        assertThat(abandoned.json().path("abandon")).hasSize(2);
        assertThat(complete("proto-a", a.path("taskId").asLong(), a.path("leaseToken").asString(), run(a)).status())
                .isEqualTo(409);
    }

    @Test
    void checkpointKeyIsCarriedToTheNextLease() {
        startStudy(1, 1);
        JsonNode lease = lease("proto-a", 1).getFirst();
        long taskId = lease.path("taskId").asLong();
        String key = lease.path("task").path("checkpointKey").asString();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leaseToken", lease.path("leaseToken").asString());
        body.put("key", key);
        body.put("nextEvent", 4);
        body.put("sha256", "ab".repeat(32));
        assertThat(api.post("/api/v1/workers/proto-a/tasks/" + taskId + "/checkpoint", body, TestTokens.WORKER).status())
                .isEqualTo(204);
        body.put("leaseToken", UUID.randomUUID().toString());
        assertThat(api.post("/api/v1/workers/proto-a/tasks/" + taskId + "/checkpoint", body, TestTokens.WORKER).status())
                .isEqualTo(409);

        release("proto-a", "preempted", lease);
        JsonNode next = leaseTask("proto-b", taskId);
        assertThat(next.path("checkpointKey").asString()).isEqualTo(key);
        assertThat(next.path("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void preemptionsAndFailuresAreCountedApartAndRepeatedFailureFailsTheStudy() {
        UUID study = startStudy(1, 1);
        JsonNode lease = lease("proto-a", 1).getFirst();
        long taskId = lease.path("taskId").asLong();
        assertThat(fail("proto-a", lease, "spot notice", true).status()).isEqualTo(204);
        assertThat(count("SELECT preemptions FROM tasks WHERE id = ?", taskId)).isEqualTo(1);
        assertThat(count("SELECT failures FROM tasks WHERE id = ?", taskId)).isEqualTo(0);

        for (int failure = 1; failure <= 3; failure++) {
            JsonNode again = leaseTask("proto-a", taskId);
            assertThat(fail("proto-a", again, "simulator crashed #" + failure, false).status()).isEqualTo(204);
        }
        JsonNode row = api.get("/api/v1/studies/" + study, TestTokens.VIEWER).json();
        assertThat(row.path("status").asString()).isEqualTo("FAILED");
        assertThat(row.path("failure").asString()).contains("failed 3 times").contains("simulator crashed #3");
        assertThat(count("SELECT failures FROM tasks WHERE id = ?", taskId)).isEqualTo(3);
        assertThat(count("SELECT preemptions FROM tasks WHERE id = ?", taskId)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT state FROM tasks WHERE id = ?", String.class, taskId)).isEqualTo("CANCELLED");
        assertThat(jdbc.queryForList("SELECT message FROM study_events WHERE study_id = ? AND type = 'status' ORDER BY id",
                String.class, study)).last().asString().startsWith("RUNNING → FAILED");
    }

    @Test
    void releaseRequeuesAtOnce() {
        startStudy(2, 1);
        List<JsonNode> leases = lease("proto-a", 2);
        assertThat(release("proto-a", "shutdown", leases.toArray(JsonNode[]::new)).status()).isEqualTo(204);
        for (JsonNode lease : leases) {
            long taskId = lease.path("taskId").asLong();
            assertThat(jdbc.queryForObject("SELECT state FROM tasks WHERE id = ?", String.class, taskId)).isEqualTo("QUEUED");
            assertThat(count("SELECT preemptions FROM tasks WHERE id = ?", taskId)).isEqualTo(0);
        }
        assertThat(lease("proto-b", 2)).hasSize(2);
    }

    @Test
    void resultsOfTheWrongShapeAreRefusedWithoutTouchingTheStudy() {
        UUID study = startStudy(1, 1);
        JsonNode lease = lease("proto-a", 1).getFirst();
        long taskId = lease.path("taskId").asLong();
        String token = lease.path("leaseToken").asString();
        BatchResult result = run(lease);
        AccumulatorState good = result.statistics();
        SampleLayout layout = good.layout();
        AccumulatorState extraObservable = new AccumulatorState(
                new SampleLayout(layout.observables() + 1, layout.parameters(), layout.gradientForm()), good.events(),
                good.sumY(), good.sumY2(), good.sumG(), good.sumG2(), good.sumS(), good.sumS2(), good.sumYS2());
        AccumulatorState shortSums = new AccumulatorState(layout, good.events(),
                Arrays.copyOf(good.sumY(), good.sumY().length - 1), good.sumY2(), good.sumG(), good.sumG2(), good.sumS(),
                good.sumS2(), good.sumYS2());

        for (AccumulatorState bad : List.of(extraObservable, shortSums)) {
            ApiClient.Response refused = complete("proto-a", taskId, token, withStatistics(result, bad));
            assertThat(refused.status()).as(refused.body()).isEqualTo(422);
            assertThat(refused.body()).contains("result.statistics");
        }
        assertThat(jdbc.queryForObject("SELECT state FROM tasks WHERE id = ?", String.class, taskId)).isEqualTo("LEASED");
        assertThat(api.get("/api/v1/studies/" + study, TestTokens.VIEWER).json().path("status").asString()).isEqualTo("RUNNING");
        assertThat(complete("proto-a", taskId, token, result).status()).isEqualTo(200);
        assertThat(count("SELECT count(*) FROM steps WHERE study_id = ?", study)).isEqualTo(1);
    }

    static BatchResult withStatistics(BatchResult result, AccumulatorState statistics) {
        return new BatchResult(result.version(), result.studyId(), result.step(), result.batchIndex(), result.eventFrom(),
                result.eventTo(), statistics, result.events(), result.wallTimeMillis(), result.workerId());
    }

    @Test
    void workersCountEachPreemptedReleaseAndEachExpiredLeaseOnce() {
        startStudy(5, 1);
        long preemptionsBefore = count("SELECT preemptions FROM workers WHERE id = ?", "proto-a");
        List<JsonNode> released = lease("proto-a", 2);
        assertThat(release("proto-a", "preempted", released.toArray(JsonNode[]::new)).status()).isEqualTo(204);
        assertThat(count("SELECT preemptions FROM workers WHERE id = ?", "proto-a")).isEqualTo(preemptionsBefore + 2);

        long expiriesA = count("SELECT lease_expiries FROM workers WHERE id = ?", "proto-a");
        long expiriesB = count("SELECT lease_expiries FROM workers WHERE id = ?", "proto-b");
        List<JsonNode> expiring = new ArrayList<>(lease("proto-a", 2));
        expiring.addAll(lease("proto-b", 1));
        leases.expireAndSweep(expiring.stream().mapToLong(lease -> lease.path("taskId").asLong()).toArray());
        assertThat(count("SELECT lease_expiries FROM workers WHERE id = ?", "proto-a")).isEqualTo(expiriesA + 2);
        assertThat(count("SELECT lease_expiries FROM workers WHERE id = ?", "proto-b")).isEqualTo(expiriesB + 1);
    }

    @Test
    void pausedStudiesHandOutNoTasksAndResumeWakesWaitingPollers() throws Exception {
        UUID study = startStudy(2, 1);
        assertThat(api.post("/api/v1/studies/" + study + "/pause", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        assertThat(lease("proto-a", 2)).isEmpty();

        CompletableFuture<ApiClient.Response> waiting = CompletableFuture.supplyAsync(() ->
                api.post("/api/v1/workers/proto-a/lease?max=2&waitSeconds=30", (String) null, TestTokens.WORKER));
        await().atMost(Duration.ofSeconds(10)).until(() -> signal.waiting() > 0);
        assertThat(api.post("/api/v1/studies/" + study + "/resume", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        ApiClient.Response woken = waiting.get(20, TimeUnit.SECONDS);
        assertThat(woken.json().path("tasks")).hasSize(2);
    }

    @Test
    void queueCountsQueuedAndLeasedTasks() {
        startStudy(3, 1);
        lease("proto-a", 1);
        JsonNode counts = api.get("/api/v1/workers/queue", TestTokens.WORKER).json();
        assertThat(counts.path("queued").asLong()).isEqualTo(2);
        assertThat(counts.path("leased").asLong()).isEqualTo(1);
    }

    @AfterEach
    void endStudies() {
        api.cancelActiveStudies();
    }

    // --- helpers

    UUID startStudy(int batches, int maxSteps) {
        ApiClient.Response created = api.post("/api/v1/studies", TestSpecs.gaussian(maxSteps, 8L * batches, 8, 3), TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        UUID id = UUID.fromString(created.json().path("id").asString());
        assertThat(api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        return id;
    }

    void register(String worker) {
        assertThat(api.post("/api/v1/workers/register", Map.of("workerId", worker, "host", "test", "threads", 1),
                TestTokens.WORKER).status()).isEqualTo(200);
    }

    List<JsonNode> lease(String worker, int max) {
        ApiClient.Response response = api.post("/api/v1/workers/" + worker + "/lease?max=" + max, (String) null, TestTokens.WORKER);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        response.json().path("tasks").forEach(items::add);
        return items;
    }

    JsonNode leaseTask(String worker, long taskId) {
        List<JsonNode> leases = lease(worker, 1);
        assertThat(leases).singleElement().satisfies(item -> assertThat(item.path("taskId").asLong()).isEqualTo(taskId));
        return leases.getFirst();
    }

    static BatchResult run(JsonNode lease) {
        return EXECUTOR.execute(WireJson.mapper().treeToValue(lease.path("task"), BatchTask.class));
    }

    ApiClient.Response complete(String worker, long taskId, String token, BatchResult result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leaseToken", token);
        body.put("result", result);
        return api.post("/api/v1/workers/" + worker + "/tasks/" + taskId + "/complete", body, TestTokens.WORKER);
    }

    ApiClient.Response fail(String worker, JsonNode lease, String reason, boolean preempted) {
        return api.post("/api/v1/workers/" + worker + "/tasks/" + lease.path("taskId").asLong() + "/fail",
                Map.of("leaseToken", lease.path("leaseToken").asString(), "reason", reason, "preempted", preempted),
                TestTokens.WORKER);
    }

    ApiClient.Response heartbeat(String worker, JsonNode... leases) {
        List<Map<String, Object>> refs = new ArrayList<>();
        for (JsonNode lease : leases) {
            refs.add(Map.of("taskId", lease.path("taskId").asLong(), "leaseToken", lease.path("leaseToken").asString(),
                    "eventsDone", 5));
        }
        return api.post("/api/v1/workers/" + worker + "/heartbeat", Map.of("leases", refs), TestTokens.WORKER);
    }

    ApiClient.Response release(String worker, String reason, JsonNode... leases) {
        List<Map<String, Object>> refs = new ArrayList<>();
        for (JsonNode lease : leases) {
            refs.add(Map.of("taskId", lease.path("taskId").asLong(), "leaseToken", lease.path("leaseToken").asString()));
        }
        return api.post("/api/v1/workers/" + worker + "/release", Map.of("leases", refs, "reason", reason), TestTokens.WORKER);
    }

    long count(String sql, Object arg) {
        return jdbc.queryForObject(sql, Long.class, arg);
    }
}
