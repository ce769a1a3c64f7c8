package dev.detopt.service.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.model.study.StepRecord;
import dev.detopt.model.study.StudyHistory;
import dev.detopt.model.study.StudyRunner;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ReferenceFinalState;
import dev.detopt.service.ServiceApiTestBase;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestTokens;
import dev.detopt.service.TestWorker;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The surrogate estimator through the service: workers simulate each event at its own design, the
 * service reduces the least-squares sums in batch order, and the trajectory equals the reference
 * runner's bit for bit, with batches of an odd size that split antithetic pairs.
 */
@ServiceTest
class SurrogateStudyTest extends ServiceApiTestBase {
    static final String SPEC = """
            {
              "name": "surrogate test",
              "simulator": {"name": "gaussian", "config": {"center": 2.0}},
              "parameters": [
                {"name": "mu", "initial": -1.0, "lower": -5, "upper": 5},
                {"name": "sigma", "initial": 0.5, "lower": 0.2, "upper": 2}
              ],
              "estimator": {"kind": "surrogate", "surrogateWidths": {"mu": 0.3}, "surrogateQuadratic": true},
              "objective": {"type": "expected-loss", "observable": "loss"},
              "optimizer": {"type": "sgd", "learningRate": 0.1},
              "eventsPerStep": 301,
              "eventsPerBatch": 75,
              "maxSteps": 4,
              "seed": 21
            }
            """;

    @Test
    void twoWorkersReproduceTheReferenceRunnerWithTheSurrogateEstimator() throws Exception {
        ApiClient.Response created = api.post("/api/v1/studies", SPEC, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        UUID id = UUID.fromString(created.json().path("id").asString());
        JsonNode estimator = api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("spec").path("estimator");
        // σ of sigma defaults to 0.1 × its scale (1)
        assertThat(estimator.path("surrogateWidths").path("sigma").asDouble()).isEqualTo(0.1);
        assertThat(api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        try (TestWorker first = new TestWorker(api, "surrogate-a"); TestWorker second = new TestWorker(api, "surrogate-b")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                    api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("status").asString().equals("COMPLETED"));
        }
        StudyHistory reference = new StudyRunner(StudySpecs.fromJson(SPEC), 1).run(record -> { });
        List<String> stored = jdbc.queryForList("SELECT record::text FROM steps WHERE study_id = ? ORDER BY step",
                String.class, id);
        assertThat(stored).containsExactlyElementsOf(reference.steps().stream().map(WireJson::write).toList());
        ReferenceFinalState.assertServiceMatches(api, id.toString(), reference.finalState());
        // the gradient moved μ towards the centre 2 (∂E[loss]/∂μ = 2(μ − 2) < 0 at μ = −1)
        StepRecord first = reference.steps().getFirst();
        assertThat(first.gradient().get("mu")).isNegative();
        assertThat(Math.abs(first.gradient().get("mu") - 2 * (-1.0 - 2.0))).isLessThan(4 * first.gradientStderr().get("mu"));
    }

    @Test
    void aBadSurrogateWidthIsAProblemNamingTheField() {
        String bad = SPEC.replace("\"surrogateWidths\": {\"mu\": 0.3}", "\"surrogateWidths\": {\"mu\": -0.3, \"nu\": 1}");
        ApiClient.Response response = api.post("/api/v1/studies", bad, TestTokens.OPERATOR);
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.contentType()).startsWith("application/problem+json");
        List<String> fields = new java.util.ArrayList<>();
        response.json().path("errors").forEach(error -> fields.add(error.path("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("estimator.surrogateWidths.mu", "estimator.surrogateWidths.nu");
    }
}
