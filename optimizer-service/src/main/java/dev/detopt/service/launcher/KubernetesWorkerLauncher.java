package dev.detopt.service.launcher;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs workers as one Deployment in a namespace, its replicas following the queued work
 * ({@link ScalingPolicy}: up at once, down after a delay, to zero when idle, never above the
 * maximum). Before a scale-down it marks the pods whose worker holds a lease with a high
 * {@code pod-deletion-cost} and never goes below their number, so idle pods go first. The pod
 * template comes from configuration: image, resources, node selector, affinity and tolerations for
 * spot nodes, termination grace period, priority class, security contexts, image pull secrets,
 * JAVA_OPTS and extra environment, the worker token and S3 keys from Secrets, node and pod names
 * through the downward API. Informers on the worker pods (the main Deployment's and those of the
 * simulator image pools) report each preemption (DisruptionTarget, eviction, node loss) and each crash once to
 * {@link WorkerEvents}.
 */
public final class KubernetesWorkerLauncher implements WorkerLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesWorkerLauncher.class);
    static final String NAME_LABEL = "app.kubernetes.io/name";
    static final String COMPONENT_LABEL = "app.kubernetes.io/component";
    static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    static final String CONTAINER = "worker";
    /** Read by the ReplicaSet controller on scale-down: pods with a lower cost are deleted first. */
    static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";
    static final String BUSY_COST = "1000";
    static final String IDLE_COST = "0";
    static final String TMP_VOLUME = "tmp";
    private static final String JAVA_OPTS = "JAVA_OPTS";
    /** On a simulator pool's Deployment and pods: the main Deployment it belongs to. */
    static final String POOL_OF_LABEL = "detopt.dev/worker-pool-of";
    static final String IMAGE_ANNOTATION = "detopt.dev/simulator-image";
    /** The worker runtime an init container copies from the worker image into a simulator image's pod. */
    static final String RUNTIME_VOLUME = "detopt-runtime";
    static final String RUNTIME_PATH = "/opt/detopt";
    static final String RUNTIME_COPY = "cp -a /opt/java/openjdk /detopt/java && cp /app/detopt-worker.jar /detopt/detopt-worker.jar";

    private final KubernetesClient client;
    private final WorkerLauncherProperties.Kubernetes settings;
    private final WorkerEvents events;
    private final ScalingPolicy policy;
    private final Clock clock;
    private final String namespace;
    private final Affinity affinity;
    private final PodSecurityContext podSecurityContext;
    private final SecurityContext securityContext;
    private final List<EnvVar> extraEnv;
    private final Set<String> recorded = ConcurrentHashMap.newKeySet();
    private final SimulatorImagePools imagePools;
    /** Scaling state of each simulator pool, by Deployment name. */
    private final Map<String, ScalingPolicy> poolPolicies = new ConcurrentHashMap<>();
    private SharedIndexInformer<Pod> informer;
    /** Watches the pods of the simulator image pools (labelled {@value #POOL_OF_LABEL}), for their endings. */
    private SharedIndexInformer<Pod> poolInformer;

    public KubernetesWorkerLauncher(KubernetesClient client, WorkerLauncherProperties.Kubernetes settings,
                                    WorkerEvents events, Clock clock) {
        this(client, settings, events, clock, SimulatorImagePools.NONE);
    }

    /** A launcher that also keeps one worker pool per registered simulator image. */
    public KubernetesWorkerLauncher(KubernetesClient client, WorkerLauncherProperties.Kubernetes settings,
                                    WorkerEvents events, Clock clock, SimulatorImagePools imagePools) {
        this.imagePools = imagePools;
        this.client = client;
        this.settings = settings;
        this.events = events;
        this.clock = clock;
        this.policy = new ScalingPolicy(settings.minReplicas(), settings.maxReplicas(), settings.tasksPerReplica(),
                settings.scaleDownDelay());
        this.namespace = settings.namespace() == null || settings.namespace().isBlank() ? client.getNamespace()
                : settings.namespace();
        // Parsed once, so a bad value stops the service at start rather than at the first scale-up.
        this.affinity = PodTemplateParts.parse("affinity", settings.affinity(), Affinity.class);
        this.podSecurityContext = PodTemplateParts.parse("pod-security-context", settings.podSecurityContext(),
                PodSecurityContext.class);
        this.securityContext = PodTemplateParts.parse("security-context", settings.securityContext(), SecurityContext.class);
        this.extraEnv = PodTemplateParts.parseList("extra-env", settings.extraEnv(), EnvVar.class);
        Set<String> own = new HashSet<>();
        environment().forEach(variable -> own.add(variable.getName()));
        for (EnvVar variable : extraEnv) {
            if (variable.getName() == null || variable.getName().isBlank()) {
                throw new IllegalArgumentException("extra-env: every variable needs a name");
            }
            if (own.contains(variable.getName())) {
                throw new IllegalArgumentException("extra-env: " + variable.getName() + " is set by the launcher"
                        + (JAVA_OPTS.equals(variable.getName()) ? " from java-opts" : ""));
            }
        }
    }

    @Override
    public String mode() {
        return "kubernetes";
    }

    @Override
    public void start() {
        Deployment existing = deployments().withName(settings.deploymentName()).get();
        int replicas = existing == null || existing.getSpec().getReplicas() == null ? settings.minReplicas()
                : existing.getSpec().getReplicas();
        Deployment wanted = deployment(replicas);
        if (existing == null) {
            deployments().resource(wanted).create();
            LOG.info("created worker Deployment {}/{} ({} replicas, image {})", namespace, settings.deploymentName(),
                    replicas, settings.image());
        } else {
            deployments().resource(wanted).update();
            LOG.info("updated worker Deployment {}/{} (keeping {} replicas)", namespace, settings.deploymentName(), replicas);
        }
        informer = client.pods().inNamespace(namespace).withLabel(NAME_LABEL, settings.deploymentName())
                .inform(observer(), 0);
        // A pool's workers are preempted and crash like the main Deployment's: their endings are recorded the same way.
        poolInformer = client.pods().inNamespace(namespace).withLabel(POOL_OF_LABEL, settings.deploymentName())
                .inform(observer(), 0);
    }

    private ResourceEventHandler<Pod> observer() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                observe(pod);
            }

            @Override
            public void onUpdate(Pod before, Pod pod) {
                observe(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                observe(pod);
            }
        };
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<Deployment, io.fabric8.kubernetes.api.model.apps.DeploymentList,
            io.fabric8.kubernetes.client.dsl.RollableScalableResource<Deployment>> deployments() {
        return client.apps().deployments().inNamespace(namespace);
    }

    /** Records each new preemption or crash visible in the pod's status. */
    void observe(Pod pod) {
        for (PodEndings.Ending ending : PodEndings.of(pod)) {
            if (!recorded.add(ending.key())) {
                continue;
            }
            switch (ending.kind()) {
                case PREEMPTED -> events.preempted(ending.pod(), ending.node(), ending.reason());
                case CRASHED -> events.crashed(ending.pod(), ending.node(), ending.reason(), ending.exitCode());
            }
        }
    }

    @Override
    public void reconcile(WorkerDemand.Demand work) {
        List<SimulatorImagePools.Pool> pools = imagePools.pools();
        Map<String, WorkerDemand.Demand> bySimulator = pools.isEmpty() ? Map.of() : imagePools.demandBySimulator();
        long poolQueued = 0;
        long poolLeased = 0;
        Set<String> wanted = new HashSet<>();
        for (SimulatorImagePools.Pool pool : pools) {
            long queued = 0;
            long leased = 0;
            for (String simulator : pool.simulators()) {
                WorkerDemand.Demand demand = bySimulator.get(simulator);
                if (demand != null) {
                    queued += demand.queued();
                    leased += demand.leased();
                }
            }
            poolQueued += queued;
            poolLeased += leased;
            wanted.add(poolName(pool.image()));
            reconcilePool(pool, new WorkerDemand.Demand(queued, leased, work.busyWorkers()));
        }
        retireUnregisteredPools(wanted);
        // The main Deployment's workers cannot run the pools' simulators: their tasks are not its work.
        reconcileMain(new WorkerDemand.Demand(Math.max(0, work.queued() - poolQueued),
                Math.max(0, work.leased() - poolLeased), work.busyWorkers()));
    }

    /** The Deployment name of the pool of a simulator image: stable, short, valid as a label value. */
    String poolName(String image) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(image.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String base = settings.deploymentName().length() > 40 ? settings.deploymentName().substring(0, 40)
                    : settings.deploymentName();
            return base + "-sim-" + java.util.HexFormat.of().formatHex(digest, 0, 5);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void reconcilePool(SimulatorImagePools.Pool pool, WorkerDemand.Demand work) {
        String name = poolName(pool.image());
        ScalingPolicy policy = poolPolicies.computeIfAbsent(name, n -> new ScalingPolicy(0, settings.maxReplicas(),
                settings.tasksPerReplica(), settings.scaleDownDelay()));
        Deployment current = deployments().withName(name).get();
        int replicas = current == null || current.getSpec().getReplicas() == null ? 0 : current.getSpec().getReplicas();
        int desired = policy.desired(replicas, work, clock.instant(), () -> markBusyPods(work, podsOf(name)));
        if (current == null) {
            if (desired == 0) {
                return; // created on the first task of its simulators
            }
            deployments().resource(poolDeployment(pool, desired)).create();
            LOG.info("created worker pool {}/{} for simulator image {} ({}) with {} replicas", namespace, name,
                    pool.image(), pool.simulators(), desired);
            return;
        }
        // The template is rewritten with each scale (a changed registration's resources then apply).
        if (desired != replicas) {
            Deployment wanted = poolDeployment(pool, desired);
            LOG.info("worker pool {}/{} ({}): {} → {} replicas ({} queued, {} leased tasks)", namespace, name,
                    pool.simulators(), replicas, desired, work.queued(), work.leased());
            deployments().resource(wanted).update();
        }
    }

    /** Pools of images no longer registered: scaled to zero at once (they get no tasks), then deleted. */
    private void retireUnregisteredPools(Set<String> wanted) {
        for (Deployment pool : deployments().withLabel(POOL_OF_LABEL, settings.deploymentName()).list().getItems()) {
            String name = pool.getMetadata().getName();
            if (wanted.contains(name)) {
                continue;
            }
            poolPolicies.remove(name);
            LOG.info("deleting worker pool {}/{}: its simulator image is no longer registered", namespace, name);
            deployments().withName(name).delete();
        }
    }

    private List<Pod> podsOf(String deploymentName) {
        return client.pods().inNamespace(namespace).withLabel(NAME_LABEL, deploymentName).list().getItems();
    }

    private void reconcileMain(WorkerDemand.Demand work) {
        Deployment current = deployments().withName(settings.deploymentName()).get();
        if (current == null) {
            LOG.warn("worker Deployment {}/{} disappeared; creating it again", namespace, settings.deploymentName());
            deployments().resource(deployment(settings.minReplicas())).create();
            current = deployments().withName(settings.deploymentName()).get();
        }
        int replicas = current.getSpec().getReplicas() == null ? 0 : current.getSpec().getReplicas();
        int desired = policy.desired(replicas, work, clock.instant(), () -> markBusyPods(work, workerPods()));
        if (desired != replicas) {
            LOG.info("scaling worker Deployment {}/{} from {} to {} replicas ({} queued, {} leased tasks)", namespace,
                    settings.deploymentName(), replicas, desired, work.queued(), work.leased());
            deployments().withName(settings.deploymentName())
                    .edit(d -> new DeploymentBuilder(d).editSpec().withReplicas(desired).endSpec().build());
        }
    }

    /**
     * Before a scale-down: gives the pods whose worker holds a lease a high deletion cost and the
     * others a low one, so the ReplicaSet controller removes idle pods first. A pod that leases a
     * task between this and its deletion checkpoints and releases it on SIGTERM.
     *
     * @return how many live pods are busy: the scale-down stops there
     */
    private int markBusyPods(WorkerDemand.Demand work, List<Pod> pods) {
        int busy = 0;
        for (Pod pod : pods) {
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            if (pod.getMetadata().getDeletionTimestamp() != null || "Succeeded".equals(phase) || "Failed".equals(phase)) {
                continue; // already leaving, or no longer counted by the ReplicaSet
            }
            String name = pod.getMetadata().getName();
            boolean isBusy = work.busyWorkers().contains(name);
            if (isBusy) {
                busy++;
            }
            String cost = isBusy ? BUSY_COST : IDLE_COST;
            Map<String, String> annotations = pod.getMetadata().getAnnotations();
            if (annotations == null || !cost.equals(annotations.get(DELETION_COST))) {
                try {
                    // A merge patch needs only the "patch" verb and touches nothing else of the pod.
                    client.pods().inNamespace(namespace).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                            "{\"metadata\":{\"annotations\":{\"" + DELETION_COST + "\":\"" + cost + "\"}}}");
                } catch (KubernetesClientException e) {
                    // Gone meanwhile, or not allowed: the controller then picks by its other rules.
                    LOG.debug("could not set {} on pod {}: {}", DELETION_COST, name, e.getMessage());
                }
            }
        }
        return busy;
    }

    /** From the informer's cache (no LIST of thousands of pods on every scale-down), else from the API. */
    private List<Pod> workerPods() {
        if (informer != null && informer.hasSynced()) {
            return informer.getStore().list();
        }
        return client.pods().inNamespace(namespace).withLabel(NAME_LABEL, settings.deploymentName()).list().getItems();
    }

    /** For tests: the worker pods the informer has seen. */
    int watchedPods() {
        return informer == null ? 0 : informer.getStore().list().size();
    }

    @Override
    public List<WorkerInstance> instances() {
        return client.pods().inNamespace(namespace).withLabel(NAME_LABEL, settings.deploymentName()).list().getItems()
                .stream()
                .map(pod -> new WorkerInstance(pod.getMetadata().getName(), -1,
                        pod.getStatus() == null ? "Unknown" : pod.getStatus().getPhase()))
                .toList();
    }

    /** The Deployment this launcher maintains, with {@code replicas} replicas (public for the chart's tests). */
    public Deployment deployment(int replicas) {
        Map<String, String> selector = Map.of(NAME_LABEL, settings.deploymentName());
        Map<String, String> podLabels = new LinkedHashMap<>(settings.labels());
        podLabels.put(NAME_LABEL, settings.deploymentName());
        podLabels.put(COMPONENT_LABEL, "worker");
        podLabels.put(MANAGED_BY_LABEL, "detopt-optimizer-service");
        ResourceRequirementsBuilder requirements = new ResourceRequirementsBuilder();
        putQuantity(requirements, true, "cpu", settings.cpuRequest());
        putQuantity(requirements, true, "memory", settings.memoryRequest());
        putQuantity(requirements, false, "cpu", settings.cpuLimit());
        putQuantity(requirements, false, "memory", settings.memoryLimit());
        return new DeploymentBuilder()
                .withNewMetadata()
                    .withName(settings.deploymentName())
                    .withNamespace(namespace)
                    .addToLabels(NAME_LABEL, settings.deploymentName())
                    .addToLabels(COMPONENT_LABEL, "worker")
                    .addToLabels(MANAGED_BY_LABEL, "detopt-optimizer-service")
                .endMetadata()
                .withNewSpec()
                    .withReplicas(replicas)
                    .withNewSelector().withMatchLabels(selector).endSelector()
                    .withNewTemplate()
                        .withNewMetadata().withLabels(podLabels).withAnnotations(settings.annotations()).endMetadata()
                        .withNewSpec()
                            .withTerminationGracePeriodSeconds(settings.terminationGracePeriodSeconds())
                            .withAffinity(affinity)
                            .withSecurityContext(podSecurityContext)
                            .withImagePullSecrets(settings.imagePullSecrets().stream()
                                    .map(LocalObjectReference::new).toList())
                            .addNewVolume().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().endVolume()
                            .withPriorityClassName(blankToNull(settings.priorityClassName()))
                            .withServiceAccountName(blankToNull(settings.serviceAccountName()))
                            .withNodeSelector(settings.nodeSelector())
                            .withTolerations(tolerations())
                            .addNewContainer()
                                .withName(CONTAINER)
                                .withImage(settings.image())
                                .withImagePullPolicy(settings.imagePullPolicy())
                                .withEnv(allEnvironment())
                                .withResources(requirements.build())
                                .withSecurityContext(securityContext)
                                // The JVM writes its perf data there; the root filesystem may be read-only.
                                .addNewVolumeMount().withName(TMP_VOLUME).withMountPath("/tmp").endVolumeMount()
                            .endContainer()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    /**
     * The Deployment of a simulator image's pool: the main pod template with the worker running
     * inside the simulator's image. An init container from the worker image copies its Java runtime
     * and {@code detopt-worker.jar} into an {@code emptyDir} mounted at {@value #RUNTIME_PATH}; the
     * main container runs them from there, with {@code DETOPT_SIMULATOR_IMAGE} set so the worker
     * leases only the tasks of this image's simulators and starts their registered command.
     */
    public Deployment poolDeployment(SimulatorImagePools.Pool pool, int replicas) {
        String name = poolName(pool.image());
        Deployment base = deployment(replicas);
        Container main = base.getSpec().getTemplate().getSpec().getContainers().getFirst();
        List<EnvVar> env = new ArrayList<>(main.getEnv());
        env.removeIf(variable -> variable.getName().equals(JAVA_OPTS));
        if (settings.javaOpts() != null && !settings.javaOpts().isBlank()) {
            // Read by the java launcher itself: there is no shell script in the simulator's image.
            env.add(value("JDK_JAVA_OPTIONS", settings.javaOpts()));
        }
        env.add(value("DETOPT_SIMULATOR_IMAGE", pool.image()));
        ResourceRequirementsBuilder requirements = new ResourceRequirementsBuilder(main.getResources());
        if (pool.cpu() != null) {
            requirements.addToRequests("cpu", new Quantity(pool.cpu())).addToLimits("cpu", new Quantity(pool.cpu()));
        }
        if (pool.memory() != null) {
            requirements.addToRequests("memory", new Quantity(pool.memory())).addToLimits("memory", new Quantity(pool.memory()));
        }
        Container worker = new ContainerBuilder(main)
                .withImage(pool.image())
                .withImagePullPolicy(settings.imagePullPolicy())
                .withCommand(RUNTIME_PATH + "/java/bin/java")
                .withArgs("-jar", RUNTIME_PATH + "/detopt-worker.jar")
                .withEnv(env)
                .withResources(requirements.build())
                .addNewVolumeMount().withName(RUNTIME_VOLUME).withMountPath(RUNTIME_PATH).withReadOnly(true).endVolumeMount()
                .build();
        Container runtime = new ContainerBuilder()
                .withName(RUNTIME_VOLUME)
                .withImage(settings.image())
                .withImagePullPolicy(settings.imagePullPolicy())
                .withCommand("sh", "-c", RUNTIME_COPY)
                .withSecurityContext(securityContext)
                .addNewVolumeMount().withName(RUNTIME_VOLUME).withMountPath("/detopt").endVolumeMount()
                .build();
        return new DeploymentBuilder(base)
                .editMetadata()
                    .withName(name)
                    .addToLabels(NAME_LABEL, name)
                    .addToLabels(POOL_OF_LABEL, settings.deploymentName())
                    .addToAnnotations(IMAGE_ANNOTATION, pool.image())
                .endMetadata()
                .editSpec()
                    .withNewSelector().withMatchLabels(Map.of(NAME_LABEL, name)).endSelector()
                    .editTemplate()
                        .editMetadata()
                            .addToLabels(NAME_LABEL, name)
                            .addToLabels(POOL_OF_LABEL, settings.deploymentName())
                            .addToAnnotations(IMAGE_ANNOTATION, pool.image())
                        .endMetadata()
                        .editSpec()
                            .addNewVolume().withName(RUNTIME_VOLUME).withNewEmptyDir().endEmptyDir().endVolume()
                            .withInitContainers(runtime)
                            .withContainers(worker)
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    private static void putQuantity(ResourceRequirementsBuilder requirements, boolean request, String name, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        if (request) {
            requirements.addToRequests(name, new Quantity(value));
        } else {
            requirements.addToLimits(name, new Quantity(value));
        }
    }

    private List<Toleration> tolerations() {
        List<Toleration> tolerations = new ArrayList<>();
        for (WorkerLauncherProperties.Toleration t : settings.tolerations()) {
            tolerations.add(new TolerationBuilder().withKey(t.key()).withOperator(t.operator())
                    .withValue("Exists".equals(t.operator()) ? null : t.value())
                    .withEffect(blankToNull(t.effect())).build());
        }
        return tolerations;
    }

    /** The launcher's variables, JAVA_OPTS if configured, then the extra ones. */
    private List<EnvVar> allEnvironment() {
        List<EnvVar> env = environment();
        env.addAll(extraEnv);
        return env;
    }

    /** What the launcher itself sets; extra-env may not redefine these. */
    private List<EnvVar> environment() {
        List<EnvVar> env = new ArrayList<>();
        if (settings.javaOpts() != null && !settings.javaOpts().isBlank()) {
            env.add(value(JAVA_OPTS, settings.javaOpts()));
        }
        env.add(value("DETOPT_SERVICE_URL", settings.serviceUrl()));
        env.add(new EnvVarBuilder().withName("DETOPT_WORKER_TOKEN").withNewValueFrom().withNewSecretKeyRef()
                .withName(settings.tokenSecret()).withKey(settings.tokenSecretKey()).endSecretKeyRef().endValueFrom().build());
        env.add(fieldRef("DETOPT_WORKER_ID", "metadata.name"));
        env.add(fieldRef("DETOPT_POD_NAME", "metadata.name"));
        env.add(fieldRef("DETOPT_NODE_NAME", "spec.nodeName"));
        if (settings.threads() > 0) {
            env.add(value("DETOPT_WORKER_THREADS", Integer.toString(settings.threads())));
        }
        env.add(value("DETOPT_CHECKPOINT_INTERVAL", Double.toString(settings.checkpointInterval().toMillis() / 1000.0)));
        if (settings.s3Endpoint() != null && !settings.s3Endpoint().isBlank()) {
            env.add(value("DETOPT_S3_ENDPOINT", settings.s3Endpoint()));
            env.add(value("DETOPT_S3_BUCKET", settings.s3Bucket()));
            env.add(value("DETOPT_S3_REGION", settings.s3Region()));
            if (settings.s3Secret() != null && !settings.s3Secret().isBlank()) {
                env.add(secretRef("DETOPT_S3_ACCESS_KEY", settings.s3Secret(), settings.s3AccessKeyKey()));
                env.add(secretRef("DETOPT_S3_SECRET_KEY", settings.s3Secret(), settings.s3SecretKeyKey()));
            }
        }
        return env;
    }

    private static EnvVar value(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    private static EnvVar fieldRef(String name, String path) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef().withFieldPath(path).endFieldRef()
                .endValueFrom().build();
    }

    private static EnvVar secretRef(String name, String secret, String key) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef().withName(secret).withKey(key)
                .endSecretKeyRef().endValueFrom().build();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /**
     * Leaves the Deployment as it is (workers keep running across service restarts and rolling
     * updates; the next service instance takes the scaling over) and stops watching.
     */
    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        if (poolInformer != null) {
            poolInformer.close();
        }
    }

    String namespace() {
        return namespace;
    }
}
