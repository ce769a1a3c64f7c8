package dev.detopt.service.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import dev.detopt.service.metrics.StudyGauges;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The loop's Prometheus metrics: counters move, per-study gauges appear for running studies only. */
@ServiceTest
class QueueMetricsTest {

    @LocalServerPort
    int port;

    @Autowired
    StudyGauges gauges;

    @Test
    void countersAndPerStudyGaugesAreScraped() {
        ApiClient api = new ApiClient(port);
        api.cancelActiveStudies();
        double grantsBefore = value(scrape(api), "detopt_leases_granted_total");
        double completionsBefore = value(scrape(api), "detopt_tasks_completed_total");

        String id = api.post("/api/v1/studies", TestSpecs.gaussian(3, 16, 8, 9), TestTokens.OPERATOR).json().path("id").asString();
        api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR);
        api.post("/api/v1/workers/register", "{\"workerId\":\"metrics-worker\"}", TestTokens.WORKER);
        JsonNode lease = api.post("/api/v1/workers/metrics-worker/lease?max=1", (String) null, TestTokens.WORKER)
                .json().path("tasks").get(0);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leaseToken", lease.path("leaseToken").asString());
        body.put("result", new BatchExecutor(1, "metrics-worker").execute(
                WireJson.mapper().treeToValue(lease.path("task"), BatchTask.class)));
        assertThat(api.post("/api/v1/workers/metrics-worker/tasks/" + lease.path("taskId").asLong() + "/complete", body,
                TestTokens.WORKER).status()).isEqualTo(200);
        gauges.refresh();

        String metrics = scrape(api);
        assertThat(value(metrics, "detopt_leases_granted_total")).isGreaterThanOrEqualTo(grantsBefore + 1);
        assertThat(value(metrics, "detopt_tasks_completed_total")).isEqualTo(completionsBefore + 1);
        assertThat(metrics).contains("detopt_study_step{application=\"detopt-optimizer-service\",name=\"gaussian test\",study=\"" + id + "\"} 0.0");
        assertThat(metrics).contains("detopt_tasks{application=\"detopt-optimizer-service\",state=\"leased\"}");
        assertThat(metrics).contains("detopt_events_simulated_total", "detopt_leases_expired_total",
                "detopt_tasks_preempted_total", "detopt_tasks_failed_total", "detopt_step_reduction_seconds",
                "detopt_step_duration_seconds", "detopt_studies_running", "detopt_workers_active");
        List<String> names = metrics.lines().filter(line -> line.startsWith("detopt_"))
                .map(line -> line.split("[{ ]")[0]).distinct().toList();
        assertThat(names).noneMatch(name -> name.endsWith("_created"));

        api.post("/api/v1/studies/" + id + "/cancel", (String) null, TestTokens.OPERATOR);
        gauges.refresh();
        assertThat(scrape(api)).doesNotContain("study=\"" + id + "\"");
    }

    static String scrape(ApiClient api) {
        ApiClient.Response response = api.get("/actuator/prometheus", null);
        assertThat(response.status()).isEqualTo(200);
        return response.body();
    }

    static double value(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0.0);
    }
}
