package dev.detopt.service.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestLeases;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import dev.detopt.service.api.WorkerController;
import dev.detopt.service.lifecycle.RestartResumeTest;
import dev.detopt.service.study.StudyEventType;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

/**
 * The bulk completion ({@code POST /api/v1/workers/{id}/complete}) keeps every guarantee of the
 * single one per result, and a worker that goes away while its long-poll waits does not strand
 * the task it was about to be given.
 */
@ServiceTest
class BulkCompleteTest {
    private static final BatchExecutor EXECUTOR = new BatchExecutor(1, "bulk-test");

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    LeaseSignal signal;

    @Autowired
    WorkerController controller;

    @Autowired
    TaskRepository tasks;

    @Autowired
    TaskQueue queue;

    @Autowired
    dev.detopt.service.study.StudyEventLog eventLog;

    @Autowired
    org.springframework.transaction.support.TransactionTemplate transactions;

    ApiClient api;

    @BeforeEach
    void isolate() {
        api = new ApiClient(port);
        api.cancelActiveStudies();
        for (String worker : List.of("bulk-a", "bulk-b")) {
            assertThat(api.post("/api/v1/workers/register", Map.of("workerId", worker), TestTokens.WORKER).status()).isEqualTo(200);
        }
    }

    @Test
    void aStudyRunThroughBulkCompletionsHasTheReferenceTrajectory() {
        String spec = TestSpecs.gaussian(4, 3 * 8L, 8, 41);
        UUID study = start(spec);
        int stepsCompleted = 0;
        while (!status(study).equals("COMPLETED")) {
            List<JsonNode> leases = lease("bulk-a", 3);
            assertThat(leases).as("a whole step per lease").hasSize(3);
            ApiClient.Response answer = completeAll("bulk-a", items(leases));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            JsonNode results = answer.json().path("results");
            assertThat(results).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(results.get(i).path("taskId").asLong()).isEqualTo(leases.get(i).path("taskId").asLong());
                assertThat(results.get(i).path("status").asInt()).isEqualTo(200);
                assertThat(results.get(i).path("accepted").asBoolean()).isTrue();
            }
            // Exactly one result per step reports that it finished the step: the last one of the request.
            assertThat(results.get(2).path("stepCompleted").asBoolean()).isTrue();
            assertThat(results.get(0).path("stepCompleted").asBoolean()).isFalse();
            assertThat(results.get(1).path("stepCompleted").asBoolean()).isFalse();
            stepsCompleted++;
        }
        List<String> reference = RestartResumeTest.reference(spec);
        assertThat(stepsCompleted).isEqualTo(reference.size());
        assertThat(RestartResumeTest.records(jdbc, study.toString())).containsExactlyElementsOf(reference);
    }

    @Test
    void concurrentBulkCompletionsOfOneStepAdvanceItExactlyOnce() throws Exception {
        String spec = TestSpecs.gaussian(6, 8 * 8L, 8, 47);
        UUID study = start(spec);
        List<String> workers = List.of("bulk-a", "bulk-b", "bulk-c", "bulk-d");
        java.util.concurrent.atomic.AtomicInteger stepsCompleted = new java.util.concurrent.atomic.AtomicInteger();
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (String worker : workers) {
            api.post("/api/v1/workers/register", Map.of("workerId", worker), TestTokens.WORKER);
            running.add(CompletableFuture.runAsync(() -> {
                while (!status(study).equals("COMPLETED")) {
                    List<JsonNode> leases = new ArrayList<>();
                    api.post("/api/v1/workers/" + worker + "/lease?max=2&waitSeconds=1", (String) null, TestTokens.WORKER)
                            .json().path("tasks").forEach(leases::add);
                    if (leases.isEmpty()) {
                        continue;
                    }
                    ApiClient.Response answer = completeAll(worker, items(leases));
                    assertThat(statuses(answer)).allMatch(status -> status == 200);
                    answer.json().path("results").forEach(item -> {
                        if (item.path("stepCompleted").asBoolean()) {
                            stepsCompleted.incrementAndGet();
                        }
                    });
                }
            }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        List<String> reference = RestartResumeTest.reference(spec);
        assertThat(stepsCompleted.get()).isEqualTo(reference.size());
        assertThat(RestartResumeTest.records(jdbc, study.toString())).containsExactlyElementsOf(reference);
    }

    @Test
    void eachResultIsAnsweredOnItsOwnAndARetryGetsTheSameAnswers() {
        UUID study = start(TestSpecs.gaussian(2, 4 * 8L, 8, 42));
        List<JsonNode> mine = lease("bulk-a", 2);
        List<JsonNode> theirs = lease("bulk-b", 2);
        List<Map<String, Object>> items = items(mine);
        // Not this worker's lease: 409, like the single complete.
        Map<String, Object> foreign = item(theirs.get(0));
        foreign.put("leaseToken", UUID.randomUUID().toString());
        items.add(foreign);
        // A result that answers another task: 422.
        Map<String, Object> mismatched = item(theirs.get(1));
        mismatched.put("result", run(mine.get(0)));
        items.add(mismatched);
        items.add(Map.of("taskId", 987_654_321L, "leaseToken", UUID.randomUUID().toString(), "result", run(mine.get(0))));

        ApiClient.Response first = completeAll("bulk-a", items);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(statuses(first)).containsExactly(200, 200, 409, 422, 404);
        assertThat(first.json().path("results").get(2).path("errors").get(0).path("field").asString()).isEqualTo("leaseToken");
        assertThat(first.json().path("results").get(3).path("errors").get(0).path("field").asString()).isEqualTo("result");
        ApiClient.Response retry = completeAll("bulk-a", items);
        assertThat(retry.json()).isEqualTo(first.json());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tasks WHERE study_id = ? AND state = 'COMPLETED'", Long.class, study))
                .isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tasks WHERE study_id = ? AND state = 'LEASED'", Long.class, study))
                .as("the refused results changed nothing").isEqualTo(2);

        // The other worker finishes the step: it is reduced once, from all four results.
        ApiClient.Response rest = completeAll("bulk-b", items(theirs));
        assertThat(statuses(rest)).containsExactly(200, 200);
        assertThat(rest.json().path("results").get(1).path("stepCompleted").asBoolean()).isTrue();
        assertThat(jdbc.queryForObject("SELECT events FROM steps WHERE study_id = ? AND step = 0", Long.class, study))
                .isEqualTo(4 * 8L);
    }

    @Test
    void malformedBulkRequestsAreRefusedWholeAndChangeNothing() {
        UUID study = start(TestSpecs.gaussian(2, 2 * 8L, 8, 43));
        List<JsonNode> leases = lease("bulk-a", 2);
        List<Map<String, Object>> duplicated = items(leases);
        duplicated.add(item(leases.get(0)));
        ApiClient.Response twice = completeAll("bulk-a", duplicated);
        assertThat(twice.status()).isEqualTo(422);
        assertThat(twice.json().path("errors").get(0).path("field").asString()).isEqualTo("results[2].taskId");

        ApiClient.Response missing = api.post("/api/v1/workers/bulk-a/complete",
                Map.of("results", List.of(Map.of("taskId", leases.get(0).path("taskId").asLong()))), TestTokens.WORKER);
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.json().path("errors").get(0).path("field").asString()).isEqualTo("results[0].leaseToken");
        assertThat(api.post("/api/v1/workers/bulk-a/complete", Map.of("results", List.of()), TestTokens.WORKER).status())
                .isEqualTo(422);
        assertThat(api.post("/api/v1/workers/bulk-a/complete", Map.of("results", List.of()), TestTokens.VIEWER).status())
                .isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tasks WHERE study_id = ? AND state = 'LEASED'", Long.class, study))
                .isEqualTo(2);
    }

    @Test
    void releaseWithAnEmptyListHandsBackEveryLeaseOfThatWorkerOnly() {
        UUID study = start(TestSpecs.gaussian(2, 4 * 8L, 8, 44));
        lease("bulk-a", 3);
        List<JsonNode> others = lease("bulk-b", 1);
        ApiClient.Response released = api.post("/api/v1/workers/bulk-a/release",
                Map.of("leases", List.of(), "reason", "shutdown"), TestTokens.WORKER);
        assertThat(released.status()).isEqualTo(204);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tasks WHERE study_id = ? AND state = 'QUEUED'", Long.class, study))
                .isEqualTo(3);
        assertThat(jdbc.queryForList("SELECT lease_owner FROM tasks WHERE study_id = ? AND state = 'LEASED'", String.class, study))
                .containsExactly("bulk-b");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM study_events WHERE study_id = ? AND type = 'released'", Long.class,
                study)).isEqualTo(3);
        assertThat(completeAll("bulk-b", items(others)).status()).isEqualTo(200);
    }

    @Test
    void aWaitingLongPollEndsEmptyWhenItsWorkerReleasesEverything() throws Exception {
        int waitingBefore = signal.waiting();
        CompletableFuture<ApiClient.Response> poll = CompletableFuture.supplyAsync(() ->
                api.post("/api/v1/workers/bulk-a/lease?max=2&waitSeconds=50", (String) null, TestTokens.WORKER));
        await().atMost(Duration.ofSeconds(20)).until(() -> signal.waiting() > waitingBefore);

        assertThat(api.post("/api/v1/workers/bulk-a/release", Map.of("leases", List.of(), "reason", "shutdown"),
                TestTokens.WORKER).status()).isEqualTo(204);
        ApiClient.Response answer = poll.get(20, TimeUnit.SECONDS);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("tasks")).isEmpty();

        // Work that arrives afterwards is not taken for the departed worker.
        UUID study = start(TestSpecs.gaussian(2, 2 * 8L, 8, 45));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tasks WHERE study_id = ? AND state = 'QUEUED'", Long.class, study))
                .isEqualTo(2);
    }

    @Test
    void aLeaseWhoseAnswerCannotBeWrittenIsQueuedAgainAtOnce() {
        UUID study = start(TestSpecs.gaussian(2, 2 * 8L, 8, 46));
        MockHttpServletResponse gone = new MockHttpServletResponse() {
            @Override
            public ServletOutputStream getOutputStream() {
                return new ServletOutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        throw new IOException("Broken pipe");
                    }

                    @Override
                    public boolean isReady() {
                        return true;
                    }

                    @Override
                    public void setWriteListener(WriteListener listener) {
                    }
                };
            }
        };
        assertThatThrownBy(() -> controller.lease("bulk-a", 2, 0, gone)).isInstanceOf(IOException.class);
        assertThat(jdbc.queryForList("SELECT state FROM tasks WHERE study_id = ? ORDER BY batch_index", String.class, study))
                .containsExactly("QUEUED", "QUEUED");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM study_events WHERE study_id = ? AND type = 'released'", Long.class,
                study)).isEqualTo(2);
        // The next worker gets them at once, as second attempts.
        List<JsonNode> again = lease("bulk-b", 2);
        assertThat(again).hasSize(2).allSatisfy(item -> assertThat(item.path("attempt").asInt()).isEqualTo(2));
    }

    @Test
    void aLateResultMeetingTheSweeperIsRefusedWithoutADeadlock() throws Exception {
        UUID study = start(TestSpecs.gaussian(2, 2 * 8L, 8, 48));
        List<JsonNode> leases = lease("bulk-a", 1);
        List<Map<String, Object>> late = items(leases);
        ApiClient.Response answer = whileTheSweeperHoldsTheTask(study, leases.getFirst().path("taskId").asLong(),
                () -> completeAll("bulk-a", late));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(statuses(answer)).containsExactly(409);
    }

    @Test
    void aLateFailureMeetingTheSweeperIsRefusedWithoutADeadlock() throws Exception {
        UUID study = start(TestSpecs.gaussian(2, 2 * 8L, 8, 49));
        JsonNode lease = lease("bulk-a", 1).getFirst();
        long taskId = lease.path("taskId").asLong();
        ApiClient.Response answer = whileTheSweeperHoldsTheTask(study, taskId, () -> api.post("/api/v1/workers/bulk-a/tasks/"
                + taskId + "/fail", Map.of("leaseToken", lease.path("leaseToken").asString(), "reason", "late"), TestTokens.WORKER));
        assertThat(answer.status()).as(answer.body()).isEqualTo(409);
        assertThat(jdbc.queryForObject("SELECT failures FROM tasks WHERE id = ?", Integer.class, taskId)).isZero();
    }

    @Test
    void aHeartbeatWaitingForATaskRowDoesNotHoldItsWorkersRow() throws Exception {
        start(TestSpecs.gaussian(2, 2 * 8L, 8, 50));
        JsonNode lease = lease("bulk-b", 1).getFirst();
        long taskId = lease.path("taskId").asLong();
        // A worker id not seen yet in this JVM, so that its heartbeat writes its row (liveness is throttled).
        String worker = "bulk-hb-" + UUID.randomUUID();
        assertThat(api.post("/api/v1/workers/register", Map.of("workerId", worker), TestTokens.WORKER).status()).isEqualTo(200);
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        try (java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            // What a preempting release or a failure does: the task row first, then the worker's counters.
            CompletableFuture<Void> release = CompletableFuture.runAsync(() -> transactions.executeWithoutResult(status -> {
                jdbc.queryForList("SELECT id FROM tasks WHERE id = ? FOR UPDATE", taskId);
                held.countDown();
                await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'", Long.class) > 0);
                jdbc.update("UPDATE workers SET preemptions = preemptions + 1 WHERE id = ?", worker);
            }), threads);
            assertThat(held.await(20, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<ApiClient.Response> heartbeat = CompletableFuture.supplyAsync(() -> api.post(
                    "/api/v1/workers/" + worker + "/heartbeat", Map.of("leases", List.of(Map.of("taskId", taskId,
                            "leaseToken", lease.path("leaseToken").asString()))), TestTokens.WORKER), threads);
            release.get(30, TimeUnit.SECONDS);
            ApiClient.Response answer = heartbeat.get(30, TimeUnit.SECONDS);
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.json().path("extended").get(0).path("taskId").asLong()).isEqualTo(taskId);
        }
    }

    /**
     * Does what the sweeper does to an expired lease, with its transaction held open between the
     * two halves (the task row requeued by {@link TaskRepository#requeueExpired}; then the log
     * entry, whose foreign key locks the study row for key share), and sends
     * {@code request} in between, so that it waits for the task row while holding its study's
     * lock. Both must finish: no deadlock, no 500.
     */
    ApiClient.Response whileTheSweeperHoldsTheTask(UUID study, long taskId,
                                                   java.util.function.Supplier<ApiClient.Response> request) throws Exception {
        java.util.concurrent.CountDownLatch swept = new java.util.concurrent.CountDownLatch(1);
        try (java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            new TestLeases(jdbc, queue).expire(taskId);
            CompletableFuture<Void> sweeper = CompletableFuture.runAsync(() -> transactions.executeWithoutResult(status -> {
                // The sweeper's own statement (no background sweeper runs in tests), then its log entry.
                assertThat(tasks.requeueExpired(1_000)).extracting(TaskRepository.Expired::taskId).contains(taskId);
                swept.countDown();
                await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'", Long.class) > 0);
                eventLog.append(study, StudyEventType.LEASE_EXPIRED, "lease of task " + taskId
                        + " expired");
            }), threads);
            assertThat(swept.await(20, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<ApiClient.Response> answer = CompletableFuture.supplyAsync(request, threads);
            sweeper.get(30, TimeUnit.SECONDS);
            ApiClient.Response response = answer.get(30, TimeUnit.SECONDS);
            assertThat(jdbc.queryForObject("SELECT state FROM tasks WHERE id = ?", String.class, taskId)).isEqualTo("QUEUED");
            assertThat(jdbc.queryForObject("SELECT expiries FROM tasks WHERE id = ?", Integer.class, taskId)).isEqualTo(1);
            return response;
        }
    }

    @Test
    void theOpenApiDocumentDescribesTheBulkCompletionAndTheLeaseAnswer() {
        JsonNode paths = api.get("/v3/api-docs", null).json().path("paths");
        JsonNode bulk = paths.path("/api/v1/workers/{workerId}/complete").path("post");
        assertThat(bulk.path("summary").asString()).isEqualTo("Complete several leased tasks at once");
        assertThat(bulk.path("responses").path("200").path("content").path("*/*").path("schema").path("$ref").asString()
                + bulk.path("responses").path("200").path("content").path("application/json").path("schema").path("$ref").asString())
                .endsWith("BulkCompleteResponse");
        // The lease writes its answer itself; its schema is still documented.
        assertThat(paths.path("/api/v1/workers/{workerId}/lease").path("post").path("responses").path("200").path("content")
                .path("application/json").path("schema").path("$ref").asString()).endsWith("LeaseResponse");
    }

    // --- helpers

    UUID start(String spec) {
        ApiClient.Response created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        UUID id = UUID.fromString(created.json().path("id").asString());
        assertThat(api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        return id;
    }

    String status(UUID study) {
        return api.get("/api/v1/studies/" + study, TestTokens.VIEWER).json().path("status").asString();
    }

    List<JsonNode> lease(String worker, int max) {
        ApiClient.Response response = api.post("/api/v1/workers/" + worker + "/lease?max=" + max, (String) null, TestTokens.WORKER);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        response.json().path("tasks").forEach(items::add);
        return items;
    }

    static BatchResult run(JsonNode lease) {
        return EXECUTOR.execute(WireJson.mapper().treeToValue(lease.path("task"), BatchTask.class));
    }

    static Map<String, Object> item(JsonNode lease) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("taskId", lease.path("taskId").asLong());
        item.put("leaseToken", lease.path("leaseToken").asString());
        item.put("result", run(lease));
        return item;
    }

    static List<Map<String, Object>> items(List<JsonNode> leases) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (JsonNode lease : leases) {
            items.add(item(lease));
        }
        return items;
    }

    ApiClient.Response completeAll(String worker, List<Map<String, Object>> items) {
        return api.post("/api/v1/workers/" + worker + "/complete", Map.of("results", items), TestTokens.WORKER);
    }

    static List<Integer> statuses(ApiClient.Response response) {
        List<Integer> statuses = new ArrayList<>();
        response.json().path("results").forEach(item -> statuses.add(item.path("status").asInt()));
        return statuses;
    }
}
