package dev.detopt.service.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import dev.detopt.service.queue.TaskQueue;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Why a worker pod ended reaches the attempts and the event log of the tasks it held: the
 * Kubernetes launcher (against the fabric8 mock API server in CRUD mode) sees an OOM-killed worker
 * container, and the real service requeues the pod's lease at once with that reason.
 */
@ServiceTest
@EnableKubernetesMockClient(crud = true)
class PodEndingOnAttemptsTest {
    static KubernetesClient client;

    @LocalServerPort
    int port;

    @Autowired
    TaskQueue queue;

    private KubernetesWorkerLauncher launcher;

    @AfterEach
    void close() {
        if (launcher != null) {
            launcher.close();
        }
        client.pods().inAnyNamespace().delete();
        new ApiClient(port).cancelActiveStudies();
    }

    @Test
    void anOomKilledWorkerPodsReasonIsOnItsTasksAttemptAndLog() {
        ApiClient api = new ApiClient(port);
        api.cancelActiveStudies();
        String pod = "detopt-worker-7f9c-oom";
        assertThat(api.post("/api/v1/workers/register", Map.of("workerId", pod, "pod", pod, "node", "spot-node-1",
                "threads", 1), TestTokens.WORKER).status()).isEqualTo(200);
        UUID study = UUID.fromString(api.post("/api/v1/studies", TestSpecs.gaussian(1, 8, 8, 41), TestTokens.OPERATOR)
                .json().path("id").asString());
        api.post("/api/v1/studies/" + study + "/start", (String) null, TestTokens.OPERATOR);
        JsonNode lease = api.post("/api/v1/workers/" + pod + "/lease?max=1", (String) null, TestTokens.WORKER).json()
                .path("tasks").get(0);
        long taskId = lease.path("taskId").asLong();

        WorkerEvents events = new LoggedWorkerEvents(null, queue::requeueLeasesOfLostWorker);
        launcher = new KubernetesWorkerLauncher(client, KubernetesWorkerLauncherTest.settings("oom"), events,
                new KubernetesWorkerLauncherTest.MutableClock(Instant.parse("2026-12-07T08:00:00Z")));
        launcher.start();
        client.pods().inNamespace("oom").resource(PodEndingsTest.crashedContainer(pod, 137, "OOMKilled", 1)).create();

        await().atMost(Duration.ofSeconds(30)).until(() -> "lost".equals(attempt(api, study, taskId).path("outcome").asString()));
        JsonNode attempt = attempt(api, study, taskId);
        assertThat(attempt.path("reason").asString()).isEqualTo("crashed: OOMKilled");
        assertThat(attempt.path("pod").asString()).isEqualTo(pod);
        assertThat(api.get("/api/v1/studies/" + study + "/events", TestTokens.VIEWER).json().path("items").valueStream()
                .map(event -> event.path("message").asString()))
                .anySatisfy(message -> assertThat(message).contains("crashed: OOMKilled"));
    }

    private static JsonNode attempt(ApiClient api, UUID study, long taskId) {
        return api.get("/api/v1/studies/" + study + "/tasks/" + taskId + "/attempts", TestTokens.VIEWER).json()
                .path("attempts").get(0);
    }
}
