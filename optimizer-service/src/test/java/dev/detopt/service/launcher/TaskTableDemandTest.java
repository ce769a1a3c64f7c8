package dev.detopt.service.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The task table as seen by the launchers: counts, and the pods (or worker ids) holding leases. */
@ServiceTest
class TaskTableDemandTest {

    @LocalServerPort
    int port;

    @Autowired
    WorkerDemand demand;

    @Test
    void busyWorkersAreNamedByTheirPodWhenTheyRegisteredOne() {
        ApiClient api = new ApiClient(port);
        api.cancelActiveStudies();
        register(api, "queue-pod-worker", "detopt-worker-7f9c4-x2k8q");
        register(api, "queue-plain-worker", null);
        register(api, "queue-idle-worker", "detopt-worker-7f9c4-idle1");
        assertThat(demand.current().busyWorkers()).isEmpty();

        ApiClient.Response created = api.post("/api/v1/studies", TestSpecs.gaussian(1, 8L * 3, 8, 3), TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        UUID study = UUID.fromString(created.json().path("id").asString());
        assertThat(api.post("/api/v1/studies/" + study + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        try {
            assertThat(demand.current()).isEqualTo(new WorkerDemand.Demand(3, 0));
            lease(api, "queue-pod-worker");
            lease(api, "queue-plain-worker");

            WorkerDemand.Demand counts = demand.current();
            assertThat(counts.queued()).isEqualTo(1);
            assertThat(counts.leased()).isEqualTo(2);
            assertThat(counts.busyWorkers()).containsExactlyInAnyOrder("detopt-worker-7f9c4-x2k8q", "queue-plain-worker");
        } finally {
            api.post("/api/v1/studies/" + study + "/cancel", (String) null, TestTokens.OPERATOR);
        }
        assertThat(demand.current().busyWorkers()).isEmpty();
    }

    private static void register(ApiClient api, String worker, String pod) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("workerId", worker, "host", "test", "threads", 1));
        if (pod != null) {
            body.put("pod", pod);
        }
        assertThat(api.post("/api/v1/workers/register", body, TestTokens.WORKER).status()).isEqualTo(200);
    }

    private static void lease(ApiClient api, String worker) {
        ApiClient.Response response = api.post("/api/v1/workers/" + worker + "/lease?max=1", (String) null, TestTokens.WORKER);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("tasks")).hasSize(1);
    }
}
