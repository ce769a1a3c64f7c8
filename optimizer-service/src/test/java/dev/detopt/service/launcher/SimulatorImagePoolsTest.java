package dev.detopt.service.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes launcher's worker pools for simulator images, against the fabric8 mock API server
 * in CRUD mode: one Deployment per registered image, the worker running inside that image (its
 * runtime copied in by an init container), scaled to its simulators' tasks and to zero when idle,
 * deleted when the image is no longer registered; the main Deployment does not count their tasks.
 */
@EnableKubernetesMockClient(crud = true)
class SimulatorImagePoolsTest {
    static KubernetesClient client;

    static final String CALO_IMAGE = "registry.example/physics/calo-sim:2.1";

    private final KubernetesWorkerLauncherTest.MutableClock clock =
            new KubernetesWorkerLauncherTest.MutableClock(Instant.parse("2026-12-07T08:00:00Z"));
    private final Map<String, WorkerDemand.Demand> demand = new HashMap<>();
    private List<SimulatorImagePools.Pool> pools = List.of(
            new SimulatorImagePools.Pool(CALO_IMAGE, List.of("calo-fast", "calo-full"), "4", "8Gi"));
    private KubernetesWorkerLauncher launcher;

    @AfterEach
    void closeLauncher() {
        if (launcher != null) {
            launcher.close();
        }
        client.apps().deployments().inAnyNamespace().delete();
    }

    private KubernetesWorkerLauncher start(String namespace) {
        SimulatorImagePools registered = new SimulatorImagePools() {
            @Override
            public List<Pool> pools() {
                return pools;
            }

            @Override
            public Map<String, WorkerDemand.Demand> demandBySimulator() {
                return Map.copyOf(demand);
            }
        };
        launcher = new KubernetesWorkerLauncher(client, KubernetesWorkerLauncherTest.settings(namespace), new KubernetesWorkerLauncherTest.RecordedEvents(),
                clock, registered);
        launcher.start();
        return launcher;
    }

    private Deployment deployment(String namespace, String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name).get();
    }

    @Test
    void aSimulatorImageGetsItsOwnPoolScaledToItsTasksWithTheWorkerInsideTheImage() {
        start("pools");
        String pool = launcher.poolName(CALO_IMAGE);
        assertThat(pool).startsWith("detopt-worker-sim-").hasSizeLessThanOrEqualTo(63);
        launcher.reconcile(new WorkerDemand.Demand(0, 0));
        assertThat(deployment("pools", pool)).as("no pool before its simulators have tasks").isNull();

        // 5 tasks queued: 3 for the image's simulators, 2 for the built-in ones
        demand.put("calo-fast", new WorkerDemand.Demand(2, 0));
        demand.put("calo-full", new WorkerDemand.Demand(1, 0));
        demand.put("gaussian", new WorkerDemand.Demand(2, 0));
        launcher.reconcile(new WorkerDemand.Demand(5, 0));
        Deployment created = deployment("pools", pool);
        assertThat(created.getSpec().getReplicas()).isEqualTo(3);
        assertThat(deployment("pools", "detopt-worker").getSpec().getReplicas()).as("main pool: the other 2 tasks").isEqualTo(2);

        assertThat(created.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", pool)
                .containsEntry(KubernetesWorkerLauncher.POOL_OF_LABEL, "detopt-worker");
        assertThat(created.getSpec().getSelector().getMatchLabels()).isEqualTo(Map.of("app.kubernetes.io/name", pool));
        assertThat(created.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", pool)
                .containsEntry("team", "physics");
        PodSpec spec = created.getSpec().getTemplate().getSpec();
        Container worker = spec.getContainers().getFirst();
        assertThat(spec.getContainers()).hasSize(1);
        assertThat(worker.getImage()).isEqualTo(CALO_IMAGE);
        assertThat(worker.getCommand()).containsExactly("/opt/detopt/java/bin/java");
        assertThat(worker.getArgs()).containsExactly("-jar", "/opt/detopt/detopt-worker.jar");
        assertThat(worker.getResources().getRequests()).containsEntry("cpu", new Quantity("4")).containsEntry("memory", new Quantity("8Gi"));
        assertThat(worker.getResources().getLimits()).containsEntry("cpu", new Quantity("4")).containsEntry("memory", new Quantity("8Gi"));
        Map<String, EnvVar> env = worker.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertThat(env.get("DETOPT_SIMULATOR_IMAGE").getValue()).isEqualTo(CALO_IMAGE);
        assertThat(env.get("JDK_JAVA_OPTIONS").getValue()).isEqualTo("-XX:MaxRAMPercentage=60 -XX:+UseSerialGC");
        assertThat(env).doesNotContainKey("JAVA_OPTS");
        assertThat(env.get("DETOPT_WORKER_TOKEN").getValueFrom().getSecretKeyRef().getName()).isEqualTo("detopt-worker-token");
        assertThat(env.get("DETOPT_S3_ENDPOINT").getValue()).isEqualTo("http://minio:9000");
        assertThat(worker.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("detopt-runtime");
            assertThat(m.getMountPath()).isEqualTo("/opt/detopt");
            assertThat(m.getReadOnly()).isTrue();
        });
        Container runtime = spec.getInitContainers().getFirst();
        assertThat(runtime.getImage()).isEqualTo("registry.example/detopt-worker:1.2.3");
        assertThat(String.join(" ", runtime.getCommand())).contains("cp -a /opt/java/openjdk /detopt/java")
                .contains("/app/detopt-worker.jar");
        assertThat(runtime.getVolumeMounts().getFirst().getMountPath()).isEqualTo("/detopt");
        assertThat(spec.getVolumes()).anySatisfy(v -> assertThat(v.getName()).isEqualTo("detopt-runtime"));
        // what the main template gives every worker pod: spot scheduling, grace, security
        assertThat(spec.getTerminationGracePeriodSeconds()).isEqualTo(90);
        assertThat(spec.getNodeSelector()).containsEntry("cloud.google.com/gke-spot", "true");
        assertThat(worker.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();

        // idle: down to zero once the scale-down delay has passed, not before
        demand.clear();
        launcher.reconcile(new WorkerDemand.Demand(0, 0));
        assertThat(deployment("pools", pool).getSpec().getReplicas()).isEqualTo(3);
        clock.advance(Duration.ofSeconds(61));
        launcher.reconcile(new WorkerDemand.Demand(0, 0));
        assertThat(deployment("pools", pool).getSpec().getReplicas()).isZero();
        assertThat(deployment("pools", "detopt-worker").getSpec().getReplicas()).isZero();
    }

    @Test
    void leasedTasksKeepThePoolAndAnUnregisteredImagesPoolIsDeleted() {
        start("retire");
        String pool = launcher.poolName(CALO_IMAGE);
        demand.put("calo-full", new WorkerDemand.Demand(0, 2));
        launcher.reconcile(new WorkerDemand.Demand(0, 2));
        assertThat(deployment("retire", pool).getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment("retire", "detopt-worker").getSpec().getReplicas()).isZero();
        clock.advance(Duration.ofMinutes(5));
        launcher.reconcile(new WorkerDemand.Demand(0, 2));
        assertThat(deployment("retire", pool).getSpec().getReplicas()).as("leased tasks are work").isEqualTo(2);

        String other = launcher.poolName("registry.example/other:1");
        assertThat(other).isNotEqualTo(pool);
        pools = List.of();
        demand.clear();
        launcher.reconcile(new WorkerDemand.Demand(0, 0));
        assertThat(deployment("retire", pool)).isNull();
        assertThat(deployment("retire", "detopt-worker")).isNotNull();
    }
}
