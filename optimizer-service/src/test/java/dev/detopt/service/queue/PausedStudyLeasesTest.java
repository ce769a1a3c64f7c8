package dev.detopt.service.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.model.study.StudyRunner;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.contract.BatchExecutor;
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
import tools.jackson.databind.JsonNode;

/**
 * docs/api.md, pause: "leased tasks may still finish, a step they complete is recorded and the next
 * step's tasks are held" until resume.
 */
@ServiceTest
class PausedStudyLeasesTest extends ServiceApiTestBase {
    private static final BatchExecutor EXECUTOR = new BatchExecutor(1, "paused-leases-test");

    @BeforeEach
    void registerWorkers() {
        for (String worker : List.of("pause-a", "pause-b")) {
            assertThat(api.post("/api/v1/workers/register", Map.of("workerId", worker, "host", "test", "threads", 1),
                    TestTokens.WORKER).status()).isEqualTo(200);
        }
    }

    @AfterEach
    void endStudies() {
        api.cancelActiveStudies();
    }

    @Test
    void leasedTasksCompleteTheirStepWhilePausedAndTheNextStepWaitsForResume() {
        String spec = TestSpecs.gaussian(3, 16, 8, 17);
        ApiClient.Response created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        UUID study = UUID.fromString(created.json().path("id").asString());
        assertThat(api.post("/api/v1/studies/" + study + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        List<JsonNode> step0 = lease("pause-a", 2);
        assertThat(step0).hasSize(2).allSatisfy(lease -> assertThat(lease.path("task").path("step").asInt()).isZero());

        assertThat(api.post("/api/v1/studies/" + study + "/pause", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        ApiClient.Response first = complete("pause-a", step0.get(0));
        ApiClient.Response last = complete("pause-a", step0.get(1));

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(last.status()).as(last.body()).isEqualTo(200);
        assertThat(last.json().path("stepCompleted").asBoolean()).as("the paused study's step completed").isTrue();
        String reference = WireJson.write(new StudyRunner(StudySpecs.fromJson(spec), 1).run(record -> { }).steps().getFirst());
        assertThat(jdbc.queryForList("SELECT record::text FROM steps WHERE study_id = ? ORDER BY step", String.class, study))
                .as("steps recorded while paused").containsExactly(reference);
        JsonNode view = api.get("/api/v1/studies/" + study, TestTokens.VIEWER).json();
        assertThat(view.path("status").asString()).isEqualTo("PAUSED");
        assertThat(view.path("step").asInt()).isEqualTo(1);
        assertThat(lease("pause-b", 2)).as("tasks leased from a paused study").isEmpty();
        assertThat(jdbc.queryForList("SELECT state FROM tasks WHERE study_id = ? AND step = 1", String.class, study))
                .as("step 1's tasks while paused").containsExactly("HELD", "HELD");

        assertThat(api.post("/api/v1/studies/" + study + "/resume", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        assertThat(lease("pause-b", 2)).as("step 1's tasks after resume").hasSize(2)
                .allSatisfy(lease -> assertThat(lease.path("task").path("step").asInt()).isEqualTo(1));
    }

    private List<JsonNode> lease(String worker, int max) {
        ApiClient.Response response = api.post("/api/v1/workers/" + worker + "/lease?max=" + max, (String) null, TestTokens.WORKER);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        response.json().path("tasks").forEach(items::add);
        return items;
    }

    private ApiClient.Response complete(String worker, JsonNode lease) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leaseToken", lease.path("leaseToken").asString());
        body.put("result", EXECUTOR.execute(WireJson.mapper().treeToValue(lease.path("task"), BatchTask.class)));
        return api.post("/api/v1/workers/" + worker + "/tasks/" + lease.path("taskId").asLong() + "/complete", body,
                TestTokens.WORKER);
    }
}
