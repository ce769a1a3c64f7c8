package dev.detopt.service.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

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

    static final String AFFINITY = """
            podAntiAffinity:
              preferredDuringSchedulingIgnoredDuringExecution:
                - weight: 50
                  podAffinityTerm:
                    topologyKey: topology.kubernetes.io/zone
                    labelSelector: {matchLabels: {app.kubernetes.io/name: detopt-worker}}
            nodeAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                nodeSelectorTerms:
                  - matchExpressions: [{key: karpenter.sh/capacity-type, operator: In, values: [spot]}]
            """;
    static final String EXTRA_ENV = """
            - {name: DETOPT_CHECKPOINT_EVENTS, value: "5000"}
            - name: HTTPS_PROXY
              valueFrom: {configMapKeyRef: {name: proxy, key: url}}
            """;

    static WorkerLauncherProperties.Kubernetes settings(String namespace) {
        return settings(namespace, 1, AFFINITY, EXTRA_ENV);
    }

    static WorkerLauncherProperties.Kubernetes settings(String namespace, int tasksPerReplica, String affinity, String extraEnv) {
        return new WorkerLauncherProperties.Kubernetes(namespace, "detopt-worker", "registry.example/detopt-worker:1.2.3",
                "Always", "http://detopt:8080", 0, 4, tasksPerReplica, Duration.ofSeconds(60), 2, "2", "2", "1Gi", "2Gi",
                Map.of("cloud.google.com/gke-spot", "true"),
                List.of(new WorkerLauncherProperties.Toleration("cloud.google.com/gke-spot", "Equal", "true", "NoSchedule"),
                        new WorkerLauncherProperties.Toleration("kubernetes.azure.com/scalesetpriority", "Exists", null, "")),
                90, "detopt-batch", "detopt-worker-sa", "detopt-worker-token", "token", "http://minio:9000", "detopt",
                "us-east-1", "detopt-s3", "access-key", "secret-key", Duration.ofSeconds(5),
                Map.of("team", "physics"), Map.of("cluster-autoscaler.kubernetes.io/safe-to-evict", "true"),
                affinity, "-XX:MaxRAMPercentage=60 -XX:+UseSerialGC", extraEnv,
                "{runAsNonRoot: true, runAsUser: 20002, fsGroup: 20002}",
                "{\"readOnlyRootFilesystem\": true, \"capabilities\": {\"drop\": [\"ALL\"]}}", List.of("registry-creds"));
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
    void podTemplateCarriesAffinitySecurityPullSecretsAndExtraEnvironment() {
        start("template");
        PodSpec pod = client.apps().deployments().inNamespace("template").withName("detopt-worker").get()
                .getSpec().getTemplate().getSpec();

        var antiAffinity = pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().getFirst();
        assertThat(antiAffinity.getWeight()).isEqualTo(50);
        assertThat(antiAffinity.getPodAffinityTerm().getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
        assertThat(antiAffinity.getPodAffinityTerm().getLabelSelector().getMatchLabels())
                .containsExactly(Map.entry("app.kubernetes.io/name", "detopt-worker"));
        var spotOnly = pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms().getFirst().getMatchExpressions().getFirst();
        assertThat(List.of(spotOnly.getKey(), spotOnly.getOperator())).containsExactly("karpenter.sh/capacity-type", "In");
        assertThat(spotOnly.getValues()).containsExactly("spot");

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(20002L);
        assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(20002L);
        assertThat(pod.getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("registry-creds");

        Container container = pod.getContainers().getFirst();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getVolumeMounts()).singleElement().satisfies(mount -> {
            assertThat(mount.getMountPath()).isEqualTo("/tmp");
            assertThat(pod.getVolumes()).singleElement().satisfies(volume -> {
                assertThat(volume.getName()).isEqualTo(mount.getName());
                assertThat(volume.getEmptyDir()).isNotNull();
            });
        });

        List<String> names = container.getEnv().stream().map(EnvVar::getName).toList();
        assertThat(names).doesNotHaveDuplicates().endsWith("DETOPT_CHECKPOINT_EVENTS", "HTTPS_PROXY");
        Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertThat(env.get("JAVA_OPTS").getValue()).isEqualTo("-XX:MaxRAMPercentage=60 -XX:+UseSerialGC");
        assertThat(env.get("DETOPT_CHECKPOINT_EVENTS").getValue()).isEqualTo("5000");
        assertThat(env.get("HTTPS_PROXY").getValueFrom().getConfigMapKeyRef().getName()).isEqualTo("proxy");
    }

    @Test
    void unsetTemplatePartsGiveAHardenedPodWithoutAffinityOrJavaOpts() {
        WorkerLauncherProperties.Kubernetes defaults = new Binder(new MapConfigurationPropertySource(
                Map.of("detopt.workers.kubernetes.namespace", "defaults")))
                .bindOrCreate("detopt.workers", WorkerLauncherProperties.class).kubernetes();
        launcher = new KubernetesWorkerLauncher(client, defaults, events, clock);
        launcher.start();
        PodSpec pod = client.apps().deployments().inNamespace("defaults").withName("detopt-worker").get()
                .getSpec().getTemplate().getSpec();
        assertThat(pod.getAffinity()).isNull();
        assertThat(pod.getImagePullSecrets()).isEmpty();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).as("the worker image's user").isEqualTo(10001L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        Container container = pod.getContainers().getFirst();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getEnv()).extracting(EnvVar::getName).doesNotContain("JAVA_OPTS")
                .allMatch(name -> name.startsWith("DETOPT_"));
    }

    @Test
    void misspeltTemplatePartsAndRedefinedVariablesStopTheStart() {
        assertThatThrownBy(() -> new KubernetesWorkerLauncher(client, settings("bad", 1,
                "nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerm: []}}", ""), events, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerm");
        assertThatThrownBy(() -> new KubernetesWorkerLauncher(client, settings("bad", 1, "",
                "[{name: DETOPT_WORKER_TOKEN, value: guessed}]"), events, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DETOPT_WORKER_TOKEN is set by the launcher");
        assertThatThrownBy(() -> new KubernetesWorkerLauncher(client, settings("bad", 1, "",
                "[{name: JAVA_OPTS, value: -Xmx1g}]"), events, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JAVA_OPTS is set by the launcher from java-opts");
        assertThatThrownBy(() -> new KubernetesWorkerLauncher(client, settings("bad", 1, "[not, an, affinity]", ""), events, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("affinity: expected a Affinity object");
    }

    private void runningPod(String namespace, String name) {
        client.pods().inNamespace(namespace).resource(PodEndingsTest.pod(name).withNewStatus().withPhase("Running").endStatus()
                .build()).create();
    }

    private void awaitWatched(int pods) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (launcher.watchedPods() != pods) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the informer saw " + launcher.watchedPods() + " pods, not " + pods);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
    }

    private String deletionCost(String namespace, String pod) {
        Map<String, String> annotations = client.pods().inNamespace(namespace).withName(pod).get().getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(KubernetesWorkerLauncher.DELETION_COST);
    }

    @Test
    void scaleDownMarksBusyPodsAsExpensiveAndIdleOnesAsCheap() {
        start("busy");
        launcher.reconcile(new WorkerDemand.Demand(3, 0));
        assertThat(replicas("busy")).isEqualTo(3);
        for (String pod : List.of("detopt-worker-a", "detopt-worker-b", "detopt-worker-c")) {
            runningPod("busy", pod);
        }
        awaitWatched(3);
        WorkerDemand.Demand oneBusy = new WorkerDemand.Demand(0, 1, Set.of("detopt-worker-b"));
        launcher.reconcile(oneBusy);
        assertThat(deletionCost("busy", "detopt-worker-b")).as("no scale-down yet, nothing patched").isNull();

        clock.advance(Duration.ofSeconds(60));
        launcher.reconcile(oneBusy);
        assertThat(replicas("busy")).isEqualTo(1);
        assertThat(deletionCost("busy", "detopt-worker-b")).isEqualTo("1000");
        assertThat(deletionCost("busy", "detopt-worker-a")).isEqualTo("0");
        assertThat(deletionCost("busy", "detopt-worker-c")).isEqualTo("0");
        assertThat(Integer.parseInt(deletionCost("busy", "detopt-worker-a")))
                .isLessThan(Integer.parseInt(deletionCost("busy", "detopt-worker-b")));
    }

    @Test
    void scaleDownNeverGoesBelowTheBusyPods() {
        launcher = new KubernetesWorkerLauncher(client, settings("floor", 2, "", ""), events, clock);
        launcher.start();
        launcher.reconcile(new WorkerDemand.Demand(8, 0));
        assertThat(replicas("floor")).isEqualTo(4);
        for (String pod : List.of("w-a", "w-b", "w-c", "w-d")) {
            runningPod("floor", pod);
        }
        awaitWatched(4);
        // Two leases justify one replica at two tasks per replica, but each is held by its own pod.
        clock.advance(Duration.ofSeconds(60));
        launcher.reconcile(new WorkerDemand.Demand(0, 2, Set.of("w-a", "w-d")));
        assertThat(replicas("floor")).isEqualTo(2);
        assertThat(List.of("w-a", "w-b", "w-c", "w-d")).map(pod -> deletionCost("floor", pod))
                .containsExactly("1000", "0", "0", "1000");

        // w-a finished: the very next reconcile (the delay stays spent while busy pods hold the count up)
        // marks it idle and goes to one replica, w-d's.
        client.pods().inNamespace("floor").withName("w-b").delete();
        client.pods().inNamespace("floor").withName("w-c").delete();
        awaitWatched(2);
        clock.advance(Duration.ofSeconds(5));
        launcher.reconcile(new WorkerDemand.Demand(0, 1, Set.of("w-d")));
        assertThat(replicas("floor")).isEqualTo(1);
        assertThat(deletionCost("floor", "w-a")).isEqualTo("0");
        assertThat(deletionCost("floor", "w-d")).isEqualTo("1000");
    }

    @Test
    void scalesUpOnQueuedWorkAndToZeroWhenIdle() {
        start("scaling");
        launcher.reconcile(new WorkerDemand.Demand(3, 0));
        assertThat(replicas("scaling")).isEqualTo(3);
        launcher.reconcile(new WorkerDemand.Demand(9, 3));
        assertThat(replicas("scaling")).isEqualTo(4);

        clock.advance(Duration.ofSeconds(30));
        launcher.reconcile(new WorkerDemand.Demand(0, 1));
        assertThat(replicas("scaling")).as("within the scale-down delay").isEqualTo(4);
        clock.advance(Duration.ofSeconds(30));
        launcher.reconcile(new WorkerDemand.Demand(0, 1));
        assertThat(replicas("scaling")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(60));
        launcher.reconcile(new WorkerDemand.Demand(0, 0));
        assertThat(replicas("scaling")).isZero();
    }

    @Test
    void aRestartedServiceKeepsTheReplicasAndUpdatesTheTemplate() {
        start("restart");
        launcher.reconcile(new WorkerDemand.Demand(2, 0));
        launcher.close();
        launcher = new KubernetesWorkerLauncher(client, settings("restart"), events, clock);
        launcher.start();
        assertThat(replicas("restart")).isEqualTo(2);
    }

    @Test
    void recreatesADeletedDeployment() {
        start("deleted");
        client.apps().deployments().inNamespace("deleted").withName("detopt-worker").delete();
        launcher.reconcile(new WorkerDemand.Demand(1, 0));
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
