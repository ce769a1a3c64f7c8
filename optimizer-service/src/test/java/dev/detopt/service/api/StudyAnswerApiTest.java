package dev.detopt.service.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.model.study.StepRecord;
import dev.detopt.model.study.StudyHistory;
import dev.detopt.model.study.StudyRunner;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestTokens;
import dev.detopt.service.TestWorker;
import dev.detopt.storage.ObjectStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * What a finished study answers beyond its loss: per-step observables (steps, series), the answer
 * with its uncertainty, and the per-step snapshots in the object store.
 */
@ServiceTest
class StudyAnswerApiTest {
    /** μ free, σ frozen: one compared observable y with ∂E[y]/∂μ = 1, so Gauss–Newton gives σ_μ = se(E[y]). */
    private static final String SPEC = """
            {
              "name": "answer test",
              "simulator": {"name": "gaussian", "config": {"center": 2.0}},
              "parameters": [
                {"name": "mu", "unit": "cm", "initial": -1.0, "lower": -5, "upper": 5},
                {"name": "sigma", "unit": "cm", "initial": 0.5, "frozen": true}
              ],
              "estimator": {"kind": "pathwise"},
              "objective": {"type": "profile-match", "observables": ["y"],
                            "target": {"simulate": {"parameters": {"mu": 2.0}, "events": 500, "seed": 3}}},
              "optimizer": {"type": "sgd", "learningRate": 0.2},
              "eventsPerStep": 40, "eventsPerBatch": 20, "maxSteps": 12, "seed": 8,
              "artifactEvery": 5
            }
            """;

    @LocalServerPort
    int port;

    @Autowired
    ObjectStore objectStore;

    ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(port);
        api.cancelActiveStudies();
    }

    @Test
    void aFinishedStudyAnswersWithObservablesUncertaintyAndSnapshots() throws Exception {
        ApiClient.Response created = api.post("/api/v1/studies", SPEC, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        String base = "/api/v1/studies/" + id;
        api.post(base + "/start", (String) null, TestTokens.OPERATOR);
        try (TestWorker worker = new TestWorker(api, "answer-test-worker")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                    api.get(base, TestTokens.VIEWER).json().path("status").asString().equals("COMPLETED"));
        }
        StudyHistory reference = new StudyRunner(StudySpecs.fromJson(SPEC), 1).run(record -> { });

        // Steps carry the observables exactly as the reference runner records them.
        JsonNode steps = api.get(base + "/steps?size=20", TestTokens.VIEWER).json().path("items");
        List<StepRecord> records = new ArrayList<>();
        steps.forEach(item -> records.add(WireJson.mapper().treeToValue(item.path("record"), StepRecord.class)));
        assertThat(records).isEqualTo(reference.steps());
        StepRecord newest = records.getLast();
        assertThat(newest.observables()).containsOnlyKeys("y", "y.squared", "loss");

        // The series gives a named observable per point, and the physics loss's standard error.
        JsonNode series = api.get(base + "/series?maxPoints=100&observables=y", TestTokens.VIEWER).json().path("points");
        assertThat(series).hasSize(12);
        for (int k = 0; k < 12; k++) {
            JsonNode y = series.get(k).path("observables").path("y");
            assertThat(y.path("mean").asDouble()).isEqualTo(records.get(k).observables().get("y").mean());
            assertThat(y.path("stderr").asDouble()).isEqualTo(records.get(k).observables().get("y").stderr());
            assertThat(series.get(k).path("observables").has("loss")).isFalse();
            assertThat(series.get(k).path("physicsStderr").asDouble()).isEqualTo(records.get(k).physicsStderr());
        }
        ApiClient.Response tooMany = api.get(base + "/series?observables=a,b,c,d,e,f,g,h,i", TestTokens.VIEWER);
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().path("errors").get(0).path("field").asString()).isEqualTo("observables");

        // The answer: θ after the last update, its deviation from θ*, the Gauss–Newton uncertainty.
        JsonNode answer = api.get(base + "/answer", TestTokens.VIEWER).json();
        double finalMu = reference.finalState().theta().get("mu");
        assertThat(answer.path("finalTheta").path("mu").asDouble()).isEqualTo(finalMu);
        assertThat(answer.path("uncertainty").path("method").asString()).isEqualTo("gauss-newton");
        assertThat(answer.path("uncertainty").path("steps").get(0).asInt()).isEqualTo(11);
        JsonNode mu = answer.path("parameters").get(0);
        assertThat(mu.path("name").asString()).isEqualTo("mu");
        assertThat(mu.path("unit").asString()).isEqualTo("cm");
        assertThat(mu.path("meaning").asString()).contains("mean");
        assertThat(mu.path("target").asDouble()).isEqualTo(2.0);
        assertThat(mu.path("deviation").asDouble()).isEqualTo(finalMu - 2.0);
        assertThat(mu.path("relativeDeviation").asDouble()).isEqualTo((finalMu - 2.0) / 2.0);
        // (JᵀWJ)⁻¹ with one row J = ∂E[y]/∂μ = 1 and W = 1/se²: σ_μ = se(E[y]) / |∂E[y]/∂μ|.
        StepRecord.ObservableEstimate y = newest.observables().get("y");
        assertThat(y.gradient().get("mu")).isEqualTo(1.0);
        assertThat(mu.path("uncertainty").asDouble()).isCloseTo(y.stderr(), org.assertj.core.data.Offset.offset(1e-15 * y.stderr()));
        assertThat(mu.path("signalToNoise").asDouble())
                .isEqualTo(Math.abs(newest.gradient().get("mu")) / newest.gradientStderr().get("mu"));
        JsonNode sigma = answer.path("parameters").get(1);
        assertThat(sigma.path("frozen").asBoolean()).isTrue();
        assertThat(sigma.path("uncertainty").isNull()).isTrue();
        assertThat(answer.path("best").path("label").asString()).contains("noisy");
        assertThat(answer.path("best").path("step").asInt()).isEqualTo(reference.finalState().best().step());
        assertThat(answer.path("latest").path("step").asInt()).isEqualTo(11);
        JsonNode timing = answer.path("timing");
        Instant started = Instant.parse(timing.path("startedAt").asString());
        Instant finished = Instant.parse(timing.path("finishedAt").asString());
        assertThat(timing.path("zone").asString()).isEqualTo("UTC");
        assertThat(timing.path("wallSeconds").asDouble()).isEqualTo(Duration.between(started, finished).toMillis() / 1000.0);
        assertThat(timing.path("eventsSimulated").asLong()).isEqualTo(12 * 40);

        // Snapshots every 5 steps (steps 4 and 9) and at the end (11), outside the checkpoints' prefix.
        await().atMost(Duration.ofSeconds(10)).until(() ->
                api.get(base + "/artifacts", TestTokens.VIEWER).json().path("items").size() == 3);
        JsonNode artifacts = api.get(base + "/artifacts", TestTokens.VIEWER).json();
        assertThat(artifacts.path("every").asInt()).isEqualTo(5);
        assertThat(artifacts.path("prefix").asString()).isEqualTo("artifacts/" + id + "/").doesNotStartWith("studies/");
        List<Integer> stepsKept = new ArrayList<>();
        artifacts.path("items").forEach(item -> stepsKept.add(item.path("step").asInt()));
        assertThat(stepsKept).containsExactly(4, 9, 11);
        ApiClient.Response download = api.get(artifacts.path("items").get(0).path("href").asString(), TestTokens.VIEWER);
        assertThat(download.status()).isEqualTo(200);
        JsonNode snapshot = download.json();
        assertThat(WireJson.mapper().treeToValue(snapshot.path("record"), StepRecord.class)).isEqualTo(records.get(4));
        assertThat(snapshot.path("stateAfter").path("theta").path("mu").asDouble()).isEqualTo(records.get(5).theta().get("mu"));
        assertThat(snapshot.path("stateAfter").path("optimizer").isObject()).isTrue();
        assertThat(snapshot.path("last").asBoolean()).isFalse();
        assertThat(api.get(base + "/artifacts/step-11.json", TestTokens.VIEWER).json().path("last").asBoolean()).isTrue();
        assertThat(api.get(base + "/artifacts/step-5.json", TestTokens.VIEWER).status()).isEqualTo(404);
        assertThat(api.get(base + "/artifacts/..%2Fsecret", TestTokens.VIEWER).status()).isIn(400, 404);

        // Deleting the study deletes its snapshots.
        assertThat(api.delete(base, TestTokens.OPERATOR).status()).isIn(200, 204);
        await().atMost(Duration.ofSeconds(10)).until(() -> objectStore.list("artifacts/" + id + "/").isEmpty());
        assertThat(api.get(base + "/artifacts", TestTokens.VIEWER).status()).isEqualTo(404);
    }

    @Test
    void artifactEveryMustBePositive() {
        ApiClient.Response refused = api.post("/api/v1/studies", SPEC.replace("\"artifactEvery\": 5", "\"artifactEvery\": 0"),
                TestTokens.OPERATOR);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().path("errors").get(0).path("field").asString()).isEqualTo("artifactEvery");
    }

    @Test
    void aStudyWithoutStepsAnswersWithItsInitialDesignAndNoUncertainty() {
        ApiClient.Response created = api.post("/api/v1/studies", SPEC, TestTokens.OPERATOR);
        String id = created.json().path("id").asString();
        JsonNode answer = api.get("/api/v1/studies/" + id + "/answer", TestTokens.VIEWER).json();
        assertThat(answer.path("uncertainty").path("method").asString()).isEqualTo("none");
        assertThat(answer.path("parameters").get(0).path("value").asDouble()).isEqualTo(-1.0);
        assertThat(answer.path("best").isNull()).isTrue();
        assertThat(api.get("/api/v1/studies/" + id + "/artifacts", TestTokens.VIEWER).json().path("items")).isEmpty();
        assertThat(api.get("/api/v1/studies/00000000-0000-0000-0000-000000000000/answer", TestTokens.VIEWER).status())
                .isEqualTo(404);
        api.delete("/api/v1/studies/" + id, TestTokens.OPERATOR);
    }
}
