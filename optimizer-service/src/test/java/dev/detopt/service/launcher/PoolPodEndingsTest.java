package dev.detopt.service.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pods of a simulator image's pool are watched like the main Deployment's (against the fabric8
 * mock API server in CRUD mode): an OOM-killed pool worker and a preempted one are each reported
 * once to {@link WorkerEvents}, and a pod of another launcher's pool is not.
 */
@EnableKubernetesMockClient(crud = true)
class PoolPodEndingsTest {
    static KubernetesClient client;

    private static final String IMAGE = "registry.example/calo-sim:2.0";
    private static final SimulatorImagePools POOLS = new SimulatorImagePools() {
        @Override
        public List<Pool> pools() {
            return List.of(new Pool(IMAGE, List.of("calo-fast"), null, null));
        }

        @Override
        public Map<String, WorkerDemand.Demand> demandBySimulator() {
            return Map.of();
        }
    };

    private KubernetesWorkerLauncher launcher;

    @AfterEach
    void close() {
        if (launcher != null) {
            launcher.close();
        }
        client.pods().inAnyNamespace().delete();
    }

    @Test
    void aPoolWorkersCrashAndPreemptionAreReportedOnceLikeTheMainDeployments() throws Exception {
        KubernetesWorkerLauncherTest.RecordedEvents events = new KubernetesWorkerLauncherTest.RecordedEvents();
        launcher = new KubernetesWorkerLauncher(client, KubernetesWorkerLauncherTest.settings("pools"), events,
                new KubernetesWorkerLauncherTest.MutableClock(Instant.parse("2026-12-07T08:00:00Z")), POOLS);
        launcher.start();
        String pool = launcher.poolName(IMAGE);

        client.pods().inNamespace("pools").resource(ofPool(PodEndingsTest.crashedContainer("calo-a", 137, "OOMKilled", 1), pool,
                "detopt-worker")).create();
        client.pods().inNamespace("pools").resource(ofPool(PodEndingsTest.disrupted("calo-b", "PreemptionByScheduler"), pool,
                "detopt-worker")).create();
        // Another service's pool in the same namespace: not ours to report.
        client.pods().inNamespace("pools").resource(ofPool(PodEndingsTest.crashedContainer("other-c", 137, "OOMKilled", 1),
                "other-worker-sim-0123456789", "other-worker")).create();
        events.await(2, Duration.ofSeconds(30));
        // The same status seen again (an update) is not a new ending.
        client.pods().inNamespace("pools").withName("calo-a").edit(pod -> new PodBuilder(pod).editMetadata()
                .addToAnnotations("touched", "yes").endMetadata().build());
        client.pods().inNamespace("pools").resource(ofPool(PodEndingsTest.crashedContainer("calo-d", 1, "Error", 1), pool,
                "detopt-worker")).create();
        events.await(3, Duration.ofSeconds(30));

        assertThat(events.lines()).containsExactlyInAnyOrder(
                "crashed calo-a on spot-node-1 exit 137: OOMKilled",
                "preempted calo-b on spot-node-1: PreemptionByScheduler: node is being drained",
                "crashed calo-d on spot-node-1 exit 1: Error");
    }

    /** A pod as a pool's Deployment labels it: its own name label and the main Deployment it belongs to. */
    private static Pod ofPool(Pod pod, String poolName, String mainDeployment) {
        return new PodBuilder(pod).editMetadata()
                .addToLabels(KubernetesWorkerLauncher.NAME_LABEL, poolName)
                .addToLabels(KubernetesWorkerLauncher.POOL_OF_LABEL, mainDeployment)
                .endMetadata().build();
    }
}
