package dev.detopt.service.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.model.study.StepRecord;
import dev.detopt.model.study.StudyHistory;
import dev.detopt.model.study.StudyRunner;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceApiTestBase;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import dev.detopt.service.TestWorker;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A study run by in-test workers over HTTP reproduces the reference runner bit for bit. */
@ServiceTest
class DistributedLoopTest extends ServiceApiTestBase {
    @Test
    void twoWorkersReproduceTheReferenceRunnerBitForBit() throws Exception {
        String spec = TestSpecs.branching(6, 12, 4, 7);
        UUID id = create(spec);
        assertThat(api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);

        try (TestWorker first = new TestWorker(api, "loop-a"); TestWorker second = new TestWorker(api, "loop-b")) {
            awaitStatus(id, "COMPLETED");
        }

        StudyHistory reference = new StudyRunner(StudySpecs.fromJson(spec), 1).run(record -> { });
        assertThat(reference.steps()).hasSize(6);
        assertThat(storedRecords(id)).containsExactlyElementsOf(json(reference.steps()));
        assertThat(jdbc.queryForObject("SELECT state::text FROM studies WHERE id = ?", String.class, id))
                .isEqualTo(WireJson.write(reference.finalState()));
        assertThat(jdbc.queryForObject("SELECT stop_reason FROM studies WHERE id = ?", String.class, id))
                .isEqualTo("max-steps");
        // Every batch was completed exactly once, by one of the workers.
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tasks WHERE study_id = ? AND state = 'COMPLETED'",
                Integer.class, id)).isEqualTo(6 * 3);
    }

    @Test
    void pathwiseGaussianStudyAlsoMatches() throws Exception {
        String spec = TestSpecs.gaussian(5, 64, 16, 11);
        UUID id = create(spec);
        api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR);
        try (TestWorker worker = new TestWorker(api, "loop-c")) {
            awaitStatus(id, "COMPLETED");
        }
        StudyHistory reference = new StudyRunner(StudySpecs.fromJson(spec), 2).run(record -> { });
        assertThat(storedRecords(id)).containsExactlyElementsOf(json(reference.steps()));
    }

    UUID create(String spec) {
        ApiClient.Response created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return UUID.fromString(created.json().path("id").asString());
    }

    void awaitStatus(UUID id, String status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("status").asString().equals(status));
    }

    List<String> storedRecords(UUID id) {
        return jdbc.queryForList("SELECT record::text FROM steps WHERE study_id = ? ORDER BY step", String.class, id);
    }

    static List<String> json(List<StepRecord> records) {
        return records.stream().map(WireJson::write).toList();
    }
}
