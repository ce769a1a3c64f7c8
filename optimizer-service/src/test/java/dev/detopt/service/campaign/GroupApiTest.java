package dev.detopt.service.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceApiTestBase;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import dev.detopt.service.TestWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Groups over REST: the sweep's members, group actions, seed bands, the Pareto front, compare, refusals. */
@ServiceTest
class GroupApiTest extends ServiceApiTestBase {
    /** The sweeps' base spec: the budget trades physics for cost. */
    static final String BASE = TestSpecs.budgetSweep("sgd", 0.05, 4, 32, 16);

    @Test
    void aSweepRunsAsOneGroupWithSeedBandsAndAParetoFront() throws Exception {
        String body = "{\"name\":\"budgets\",\"baseSpec\":" + BASE
                + ",\"vary\":{\"cost.budget\":[0.2,0.8],\"seed\":[1,2,3]},\"start\":true}";
        ApiClient.Response created = api.post("/api/v1/groups", body, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String groupId = created.json().path("id").asString();
        assertThat(created.json().path("members")).hasSize(6);
        try (TestWorker worker = new TestWorker(api, "group-a")) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() ->
                    group(groupId).path("statusSummary").path("COMPLETED").asInt() == 6);
        }
        JsonNode group = group(groupId);
        // Members carry their point of the sweep; names say it too.
        List<String> points = new ArrayList<>();
        group.path("members").forEach(member -> points.add(member.path("values").toString()));
        assertThat(points).as("sweep order: the first path varies slowest").containsExactly("{\"cost.budget\":0.2,\"seed\":1}", "{\"cost.budget\":0.2,\"seed\":2}",
                "{\"cost.budget\":0.2,\"seed\":3}", "{\"cost.budget\":0.8,\"seed\":1}", "{\"cost.budget\":0.8,\"seed\":2}",
                "{\"cost.budget\":0.8,\"seed\":3}");
        JsonNode firstMember = api.get("/api/v1/studies/" + group.path("members").get(0).path("id").asString(),
                TestTokens.VIEWER).json();
        assertThat(firstMember.path("groupId").asString()).isEqualTo(groupId);
        assertThat(firstMember.path("spec").path("cost").path("budget").asDouble())
                .isEqualTo(firstMember.path("groupValues").path("cost.budget").asDouble());
        assertThat(firstMember.path("spec").path("seed").asLong()).isEqualTo(firstMember.path("groupValues").path("seed").asLong());

        // Two bands (one per budget), three seeds each; each step's median and quartiles of the three
        // members' stored totals: sorted x0 ≤ x1 ≤ x2 → median x1, Q1 = (x0 + x1)/2, Q3 = (x1 + x2)/2.
        assertThat(group.path("seedBands")).hasSize(2);
        for (JsonNode band : group.path("seedBands")) {
            assertThat(band.path("members")).hasSize(3);
            assertThat(band.path("values").has("seed")).isFalse();
            assertThat(band.path("steps")).hasSize(4);
            for (JsonNode point : band.path("steps")) {
                double[] totals = new double[3];
                for (int m = 0; m < 3; m++) {
                    totals[m] = jdbc.queryForObject("SELECT total FROM steps WHERE study_id = ? AND step = ?", Double.class,
                            UUID.fromString(band.path("members").get(m).asString()), point.path("step").asInt());
                }
                Arrays.sort(totals);
                assertThat(point.path("members").asInt()).isEqualTo(3);
                assertThat(point.path("median").asDouble()).isEqualTo(totals[1]);
                assertThat(point.path("lowerQuartile").asDouble()).isEqualTo(totals[0] + 0.5 * (totals[1] - totals[0]));
                assertThat(point.path("upperQuartile").asDouble()).isEqualTo(totals[1] + 0.5 * (totals[2] - totals[1]));
            }
        }

        // Every member's best design is a point; the front holds exactly those no other point beats in both.
        assertThat(group.path("points")).hasSize(6);
        Map<String, double[]> best = new HashMap<>();
        for (JsonNode point : group.path("points")) {
            String id = point.path("studyId").asString();
            Map<String, Object> row = jdbc.queryForMap("SELECT st.physics, st.cost FROM studies s JOIN steps st"
                    + " ON st.study_id = s.id AND st.step = s.best_step WHERE s.id = ?", UUID.fromString(id));
            assertThat(point.path("physics").asDouble()).isEqualTo((Double) row.get("physics"));
            assertThat(point.path("cost").asDouble()).isEqualTo((Double) row.get("cost"));
            best.put(id, new double[] {(Double) row.get("physics"), (Double) row.get("cost")});
        }
        List<String> front = new ArrayList<>();
        group.path("paretoFront").forEach(id -> front.add(id.asString()));
        assertThat(front).isNotEmpty();
        for (JsonNode point : group.path("points")) {
            String id = point.path("studyId").asString();
            boolean beaten = best.entrySet().stream().anyMatch(other -> !other.getKey().equals(id)
                    && other.getValue()[0] <= best.get(id)[0] && other.getValue()[1] <= best.get(id)[1]
                    && (other.getValue()[0] < best.get(id)[0] || other.getValue()[1] < best.get(id)[1]));
            assertThat(front.contains(id)).as("point %s on the front", id).isEqualTo(!beaten);
            assertThat(point.path("onFront").asBoolean()).isEqualTo(!beaten);
        }

        // The list shows the group with its summary.
        JsonNode listed = null;
        for (JsonNode item : api.get("/api/v1/groups?size=500", TestTokens.VIEWER).json().path("items")) {
            if (item.path("id").asString().equals(groupId)) {
                listed = item;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.path("members").asInt()).isEqualTo(6);
        assertThat(listed.path("statusSummary").path("COMPLETED").asInt()).isEqualTo(6);

        // Compare two members: series aligned by step and by events, final and best θ.
        String a = group.path("members").get(0).path("id").asString();
        String b = group.path("members").get(3).path("id").asString();
        JsonNode comparison = api.get("/api/v1/studies/compare?ids=" + a + "," + b, TestTokens.VIEWER).json();
        assertThat(comparison.path("studies")).hasSize(2);
        assertThat(comparison.path("byStep").path("x").toString()).isEqualTo("[0,1,2,3]");
        assertThat(comparison.path("byEvents").path("x").toString()).isEqualTo("[32,64,96,128]");
        for (String id : List.of(a, b)) {
            List<Double> totals = jdbc.queryForList("SELECT total FROM steps WHERE study_id = ? ORDER BY step", Double.class,
                    UUID.fromString(id));
            List<Double> byStep = new ArrayList<>();
            comparison.path("byStep").path("total").path(id).forEach(v -> byStep.add(v.asDouble()));
            assertThat(byStep).isEqualTo(totals);
            JsonNode view = api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json();
            JsonNode compared = comparison.path("studies").get(id.equals(a) ? 0 : 1);
            assertThat(compared.path("finalTheta")).isEqualTo(view.path("state").path("theta"));
            assertThat(compared.path("bestTheta")).isEqualTo(view.path("state").path("best").path("theta"));
            assertThat(compared.path("bestStep").asInt()).isEqualTo(view.path("bestStep").asInt());
        }
    }

    @Test
    void groupActionsPauseResumeAndCancelEveryMember() {
        ApiClient.Response created = api.post("/api/v1/groups", "{\"baseSpec\":" + BASE + ",\"vary\":{\"seed\":[5,6]}}",
                TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        assertThat(created.json().path("statusSummary").path("CREATED").asInt()).isEqualTo(2);
        assertThat(action(id, "start").path("statusSummary").path("RUNNING").asInt()).isEqualTo(2);
        assertThat(action(id, "pause").path("statusSummary").path("PAUSED").asInt()).isEqualTo(2);
        assertThat(action(id, "resume").path("statusSummary").path("RUNNING").asInt()).isEqualTo(2);
        assertThat(action(id, "cancel").path("statusSummary").path("CANCELLED").asInt()).isEqualTo(2);
        assertThat(api.post("/api/v1/groups/" + UUID.randomUUID() + "/pause", (String) null, TestTokens.OPERATOR).status())
                .isEqualTo(404);
        assertThat(api.post("/api/v1/groups/" + id + "/pause", (String) null, TestTokens.VIEWER).status()).isEqualTo(403);
    }

    @Test
    void badSweepsNameTheFieldAndCreateNothing() {
        long studies = jdbc.queryForObject("SELECT count(*) FROM studies", Long.class);
        long groups = jdbc.queryForObject("SELECT count(*) FROM study_groups", Long.class);
        ForkExtendTest.assertProblem(post("{\"colour\":[1,2]}"), 422, "vary.colour");
        ForkExtendTest.assertProblem(post("{\"seed\":[1,\"two\"]}"), 422, "vary.seed[1]");
        ForkExtendTest.assertProblem(post("{\"seed\":[1.5]}"), 422, "vary.seed[0]");
        ForkExtendTest.assertProblem(post("{\"estimator.kind\":[7]}"), 422, "vary.estimator.kind[0]");
        ForkExtendTest.assertProblem(post("{\"seed\":3}"), 422, "vary.seed");
        // Right type, wrong value: the member's spec problem, named by the varied path.
        ForkExtendTest.assertProblem(post("{\"optimizer.learningRate\":[0.1,-1]}"), 422, "vary.optimizer.learningRate");
        ForkExtendTest.assertProblem(post("{\"estimator.kind\":[\"pathwise\",\"no-such-estimator\"]}"), 422,
                "vary.estimator.kind");
        ForkExtendTest.assertProblem(post("{\"parameters.mu.initial\":[0, 9]}"), 422, "vary.parameters.mu.initial");
        // Beyond the limit (100 by default): 11 × 10 = 110 members.
        ForkExtendTest.assertProblem(post("{\"seed\":[1,2,3,4,5,6,7,8,9,10,11],"
                + "\"optimizer.learningRate\":[0.01,0.02,0.03,0.04,0.05,0.06,0.07,0.08,0.09,0.1]}"), 422, "vary");
        ForkExtendTest.assertProblem(api.post("/api/v1/groups", "{\"baseSpec\":{\"name\":\"x\"},\"vary\":{\"seed\":[1]}}",
                TestTokens.OPERATOR), 422, "baseSpec.simulator");
        ForkExtendTest.assertProblem(api.post("/api/v1/groups", "{\"vary\":{\"seed\":[1]}}", TestTokens.OPERATOR), 422,
                "baseSpec");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM studies", Long.class)).isEqualTo(studies);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM study_groups", Long.class)).isEqualTo(groups);
        // Named parameters by name: a valid sweep of one parameter's start value.
        ApiClient.Response byName = post("{\"parameters.mu.initial\":[0.5,1.5]}");
        assertThat(byName.status()).as(byName.body()).isEqualTo(201);
        assertThat(byName.json().path("members").get(1).path("values").toString()).isEqualTo("{\"parameters.mu.initial\":1.5}");
        api.post("/api/v1/groups/" + byName.json().path("id").asString() + "/cancel", (String) null, TestTokens.OPERATOR);
    }

    ApiClient.Response post(String vary) {
        return api.post("/api/v1/groups", "{\"baseSpec\":" + BASE + ",\"vary\":" + vary + "}", TestTokens.OPERATOR);
    }

    JsonNode group(String id) {
        return api.get("/api/v1/groups/" + id, TestTokens.VIEWER).json();
    }

    JsonNode action(String id, String action) {
        ApiClient.Response response = api.post("/api/v1/groups/" + id + "/" + action, (String) null, TestTokens.OPERATOR);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }
}
