package dev.detopt.service.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Kubernetes launcher against the fabric8 mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class KubernetesWorkerLauncherTest {
    static KubernetesClient client;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T12:00:00Z"));
    private final RecordedEvents events = new RecordedEvents();
    private KubernetesWorkerLauncher launcher;

    @AfterEach
    void closeLauncher() {
        if (launcher != null) {
            launcher.close();
        }
        client.apps().deployments().inAnyNamespace().delete();
        client.pods().inAnyNamespace().delete();
    }

    static WorkerLauncherProperties.Kubernetes settings(String namespace) {
        return new WorkerLauncherProperties.Kubernetes(namespace, "detopt-worker", "registry.example/detopt-worker:1.2.3",
                "Always", "http://detopt:8080", 0, 4, 1, Duration.ofSeconds(60), 2, "2", "2", "1Gi", "2Gi",
                Map.of("cloud.google.com/gke-spot", "true"),
                List.of(new WorkerLauncherProperties.Toleration("cloud.google.com/gke-spot", "Equal", "true", "NoSchedule"),
                        new WorkerLauncherProperties.Toleration("kubernetes.azure.com/scalesetpriority", "Exists", null, "")),
                90, "detopt-batch", "detopt-worker-sa", "detopt-worker-token", "token", "http://minio:9000", "detopt",
                "us-east-1", "detopt-s3", "access-key", "secret-key", Duration.ofSeconds(5),
                Map.of("team", "physics"), Map.of("cluster-autoscaler.kubernetes.io/safe-to-evict", "true"));
    }

    private KubernetesWorkerLauncher start(String namespace) {
        launcher = new KubernetesWorkerLauncher(client, settings(namespace), events, clock);
        launcher.start();
        return launcher;
    }

    private int replicas(String namespace) {
        return client.apps().deployments().inNamespace(namespace).withName("detopt-worker").get().getSpec().getReplicas();
    }

    @Test
    void createsTheDeploymentWithTheConfiguredPodTemplate() {
        start("spot");
        Deployment deployment = client.apps().deployments().inNamespace("spot").withName("detopt-worker").get();
        assertThat(deployment.getSpec().getReplicas()).isZero();
        assertThat(deployment.getSpec().getSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "detopt-worker");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/name", "detopt-worker").containsEntry("team", "physics");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("cluster-autoscaler.kubernetes.io/safe-to-evict", "true");

        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(90);
        assertThat(pod.getPriorityClassName()).isEqualTo("detopt-batch");
        assertThat(pod.getServiceAccountName()).isEqualTo("detopt-worker-sa");
        assertThat(pod.getNodeSelector()).isEqualTo(Map.of("cloud.google.com/gke-spot", "true"));
        assertThat(pod.getTolerations()).hasSize(2);
        assertThat(pod.getTolerations().get(0).getKey()).isEqualTo("cloud.google.com/gke-spot");
        assertThat(pod.getTolerations().get(0).getValue()).isEqualTo("true");
        assertThat(pod.getTolerations().get(0).getEffect()).isEqualTo("NoSchedule");
        assertThat(pod.getTolerations().get(1).getOperator()).isEqualTo("Exists");
        assertThat(pod.getTolerations().get(1).getValue()).isNull();

        Container container = pod.getContainers().getFirst();
        assertThat(container.getImage()).isEqualTo("registry.example/detopt-worker:1.2.3");
        assertThat(container.getImagePullPolicy()).isEqualTo("Always");
        assertThat(container.getResources().getRequests()).containsEntry("cpu", new Quantity("2"))
                .containsEntry("memory", new Quantity("1Gi"));
        assertThat(container.getResources().getLimits()).containsEntry("memory", new Quantity("2Gi"));
        Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertThat(env.get("DETOPT_SERVICE_URL").getValue()).isEqualTo("http://detopt:8080");
        assertThat(env.get("DETOPT_WORKER_TOKEN").getValue()).isNull();
        assertThat(env.get("DETOPT_WORKER_TOKEN").getValueFrom().getSecretKeyRef().getName()).isEqualTo("detopt-worker-token");
        assertThat(env.get("DETOPT_WORKER_TOKEN").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
        assertThat(env.get("DETOPT_S3_SECRET_KEY").getValueFrom().getSecretKeyRef().getName()).isEqualTo("detopt-s3");
        assertThat(env.get("DETOPT_NODE_NAME").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
        assertThat(env.get("DETOPT_POD_NAME").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        assertThat(env.get("DETOPT_WORKER_THREADS").getValue()).isEqualTo("2");
        assertThat(env.get("DETOPT_CHECKPOINT_INTERVAL").getValue()).isEqualTo("5.0");
    }

    @Test
    void scalesUpOnQueuedWorkAndToZeroWhenIdle() {
        start("scaling");
        launcher.reconcile(new WorkQueue.Counts(3, 0));
        assertThat(replicas("scaling")).isEqualTo(3);
        launcher.reconcile(new WorkQueue.Counts(9, 3));
        assertThat(replicas("scaling")).isEqualTo(4);

        clock.advance(Duration.ofSeconds(30));
        launcher.reconcile(new WorkQueue.Counts(0, 1));
        assertThat(replicas("scaling")).as("within the scale-down delay").isEqualTo(4);
        clock.advance(Duration.ofSeconds(30));
        launcher.reconcile(new WorkQueue.Counts(0, 1));
        assertThat(replicas("scaling")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(60));
        launcher.reconcile(new WorkQueue.Counts(0, 0));
        assertThat(replicas("scaling")).isZero();
    }

    @Test
    void aRestartedServiceKeepsTheReplicasAndUpdatesTheTemplate() {
        start("restart");
        launcher.reconcile(new WorkQueue.Counts(2, 0));
        launcher.close();
        launcher = new KubernetesWorkerLauncher(client, settings("restart"), events, clock);
        launcher.start();
        assertThat(replicas("restart")).isEqualTo(2);
    }

    @Test
    void recreatesADeletedDeployment() {
        start("deleted");
        client.apps().deployments().inNamespace("deleted").withName("detopt-worker").delete();
        launcher.reconcile(new WorkQueue.Counts(1, 0));
        assertThat(replicas("deleted")).isEqualTo(1);
    }

    @Test
    void recordsPreemptionsAndCrashesOfWorkerPodsOnce() throws Exception {
        start("watched");
        client.pods().inNamespace("watched").resource(PodEndingsTest.disrupted("w-1", "PreemptionByScheduler")).create();
        client.pods().inNamespace("watched").resource(PodEndingsTest.crashedContainer("w-2", 137, "OOMKilled", 1)).create();
        events.await(2, Duration.ofSeconds(30));
        // Another update of the same pods adds nothing new.
        client.pods().inNamespace("watched").withName("w-1").edit(p -> {
            p.getMetadata().getLabels().put("seen", "again");
            return p;
        });
        client.pods().inNamespace("watched").resource(PodEndingsTest.disrupted("w-3", "EvictionByEvictionAPI")).create();
        events.await(3, Duration.ofSeconds(30));

        assertThat(events.lines()).containsExactlyInAnyOrder(
                "preempted w-1 on spot-node-1: PreemptionByScheduler: node is being drained",
                "crashed w-2 on spot-node-1 exit 137: OOMKilled",
                "preempted w-3 on spot-node-1: EvictionByEvictionAPI: node is being drained");
        assertThat(launcher.instances()).extracting(WorkerLauncher.WorkerInstance::name)
                .containsExactlyInAnyOrder("w-1", "w-2", "w-3");
    }

    /** Records events; tests wait on it. */
    static final class RecordedEvents implements WorkerEvents {
        private final List<String> lines = new ArrayList<>();

        @Override
        public synchronized void preempted(String worker, String node, String reason) {
            lines.add("preempted " + worker + " on " + node + ": " + reason);
            notifyAll();
        }

        @Override
        public synchronized void crashed(String worker, String node, String reason, int exitCode) {
            lines.add("crashed " + worker + " on " + node + " exit " + exitCode + ": " + reason);
            notifyAll();
        }

        synchronized List<String> lines() {
            return List.copyOf(lines);
        }

        synchronized void await(int count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (lines.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " events within " + timeout + ", got " + lines);
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
