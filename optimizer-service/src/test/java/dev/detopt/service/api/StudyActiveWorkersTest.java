package dev.detopt.service.api;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * {@code activeWorkers} of the study list and view: distinct workers holding a current lease on
 * one of the study's tasks. In-test workers lease over the worker API and hold their leases while
 * the counts are read, then complete.
 */
@ServiceTest
class StudyActiveWorkersTest {
    private static final BatchExecutor EXECUTOR = new BatchExecutor(1, "active-workers-test");

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TaskQueue queue;

    ApiClient api;

    @BeforeEach
    void isolate() {
        api = new ApiClient(port);
        // Test classes share one queue: only this test's study may hand out tasks.
        api.cancelActiveStudies();
        for (String worker : List.of("count-a", "count-b")) {
            ApiClient.Response registered = api.post("/api/v1/workers/register",
                    "{\"workerId\":\"" + worker + "\",\"host\":\"test\",\"threads\":1}", TestTokens.WORKER);
            assertThat(registered.status()).as(registered.body()).isEqualTo(200);
        }
    }

    @Test
    void countRisesWhileWorkersHoldLeasesAndFallsAfterCompletion() {
        // One step of three batches: enough tasks for one worker to hold two and another one.
        String id = create(TestSpecs.gaussian(1, 48, 16, 21));
        String idle = create(TestSpecs.gaussian(1, 48, 16, 22));
        assertThat(api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        assertThat(activeWorkers(id)).isZero();

        List<JsonNode> heldByA = lease("count-a", 2);
        assertThat(heldByA).hasSize(2);
        assertThat(activeWorkers(id)).as("one worker with two leases counts once").isEqualTo(1);

        List<JsonNode> heldByB = lease("count-b", 1);
        assertThat(heldByB).hasSize(1);
        assertThat(activeWorkers(id)).isEqualTo(2);
        assertThat(listed(id).path("activeWorkers").asInt()).isEqualTo(2);
        assertThat(listed(idle).path("activeWorkers").asInt()).as("a study nobody works on").isZero();

        for (JsonNode lease : heldByA) {
            complete("count-a", lease);
        }
        assertThat(activeWorkers(id)).isEqualTo(1);

        // An expired lease is no longer a worker on the study, before and after it is swept.
        long taskOfB = heldByB.getFirst().path("taskId").asLong();
        TestLeases leases = new TestLeases(jdbc, queue);
        leases.expire(taskOfB);
        assertThat(activeWorkers(id)).isZero();
        queue.sweepExpiredLeases();
        List<JsonNode> again = lease("count-b", 1);
        assertThat(again).hasSize(1);
        assertThat(activeWorkers(id)).isEqualTo(1);
        complete("count-b", again.getFirst());
        JsonNode study = api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json();
        assertThat(study.path("status").asString()).isEqualTo("COMPLETED");
        assertThat(study.path("activeWorkers").asInt()).isZero();
        assertThat(listed(id).path("activeWorkers").asInt()).isZero();
    }

    private String create(String spec) {
        ApiClient.Response created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("activeWorkers").asInt(-1)).isZero();
        return created.json().path("id").asString();
    }

    /** The single-study view's count, checked against the list item of the same study. */
    private int activeWorkers(String id) {
        JsonNode view = api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json();
        assertThat(view.has("activeWorkers")).isTrue();
        assertThat(listed(id).path("activeWorkers").asInt(-1)).isEqualTo(view.path("activeWorkers").asInt());
        return view.path("activeWorkers").asInt();
    }

    private JsonNode listed(String id) {
        for (JsonNode item : api.get("/api/v1/studies?size=500", TestTokens.VIEWER).json().path("items")) {
            if (item.path("id").asString().equals(id)) {
                return item;
            }
        }
        throw new AssertionError("study " + id + " not in the list");
    }

    private List<JsonNode> lease(String worker, int max) {
        List<JsonNode> tasks = new ArrayList<>();
        ApiClient.Response leased = api.post("/api/v1/workers/" + worker + "/lease?max=" + max + "&waitSeconds=5",
                (String) null, TestTokens.WORKER);
        assertThat(leased.status()).as(leased.body()).isEqualTo(200);
        leased.json().path("tasks").forEach(tasks::add);
        return tasks;
    }

    private void complete(String worker, JsonNode lease) {
        BatchTask task = WireJson.mapper().treeToValue(lease.path("task"), BatchTask.class);
        BatchResult result = EXECUTOR.execute(task);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leaseToken", lease.path("leaseToken").asString());
        body.put("result", result);
        ApiClient.Response answer = api.post("/api/v1/workers/" + worker + "/tasks/" + lease.path("taskId").asLong()
                + "/complete", body, TestTokens.WORKER);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }
}
