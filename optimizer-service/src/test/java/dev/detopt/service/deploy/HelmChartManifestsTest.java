package dev.detopt.service.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import dev.detopt.service.launcher.KubernetesWorkerLauncher;
import dev.detopt.service.launcher.WorkerEvents;
import dev.detopt.service.launcher.WorkerLauncherProperties;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders the chart for its default values and every example values file, then reads each manifest
 * with fabric8's model: an unknown kind or an unknown field anywhere (fabric8 keeps those in
 * additionalProperties) fails, so misspelt keys in templates or values are caught here, not by a
 * cluster. The one custom resource (ServiceMonitor) is read strictly against its own schema subset.
 */
class HelmChartManifestsTest {

    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();
    private static final JsonMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    static EnvironmentNames serviceReads;

    @BeforeAll
    static void deriveNames() {
        // Fails here, naming what is missing, rather than inside a test that expects helm's own refusal.
        HelmChart.helm();
        serviceReads = EnvironmentNames.service(RepositoryFiles.root());
    }

    /** Default values, each example file, and the switches those leave untouched. */
    static Stream<Arguments> renderings() {
        List<Arguments> renderings = new ArrayList<>();
        renderings.add(Arguments.of("default", new String[0]));
        for (Path values : HelmChart.exampleValuesFiles()) {
            renderings.add(Arguments.of(values.getFileName().toString(), new String[] {"-f", values.toString()}));
        }
        renderings.add(Arguments.of("no workers, no PDB, no service account", new String[] {
                "--set", "workers.enabled=false", "--set", "service.podDisruptionBudget.enabled=false",
                "--set", "serviceAccount.create=false", "--set", "ingress.enabled=true"}));
        return renderings.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void everyManifestIsAKnownKindWithKnownFieldsOnly(String name, String[] arguments) {
        List<Map<String, Object>> documents = HelmChart.render(arguments);
        assertThat(documents).as("rendered manifests").isNotEmpty();
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> document : documents) {
            problems.addAll(problemsOf(document));
        }
        assertThat(problems).as("problems in the manifests rendered for %s", name).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void theServiceGetsOnlyVariablesAndPropertiesItReads(String name, String[] arguments) {
        List<Map<String, Object>> documents = HelmChart.render(arguments);
        Deployment service = serviceDeployment(documents);
        Set<String> unread = new TreeSet<>();
        for (EnvVar variable : service.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv()) {
            if (variable.getName().startsWith("DETOPT_") && !serviceReads.reads(variable.getName())) {
                unread.add(variable.getName());
            }
        }
        assertThat(unread).as("DETOPT_* given to the service that no code reads").isEmpty();

        // The mounted application.yaml: every detopt.* key outside detopt.workers must be a property the
        // service reads; detopt.workers binds strictly below (an unbound key there fails the binding).
        Map<String, Object> configuration = new Yaml().load(applicationYaml(documents));
        Set<String> unknown = new TreeSet<>();
        collectLeafProperties("", configuration, unknown);
        unknown.removeIf(property -> serviceReads.reads(EnvironmentNames.environmentName(property))
                || property.startsWith(LAUNCHER_PREFIX + "."));
        assertThat(unknown).as("properties in the service's application.yaml that no code binds").isEmpty();
        assertThat(bindLauncher(documents)).isNotNull();
    }

    static final String LAUNCHER_PREFIX = "detopt.workers";

    /**
     * The ConfigMap's detopt.workers.* bound the way the service binds it, failing on any key that
     * {@link WorkerLauncherProperties} does not take (Spring would ignore it silently at run time).
     */
    static WorkerLauncherProperties bindLauncher(List<Map<String, Object>> documents) {
        List<PropertySource<?>> sources;
        try {
            sources = new YamlPropertySourceLoader().load("application.yaml",
                    new ByteArrayResource(applicationYaml(documents).getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Binder(ConfigurationPropertySources.from(sources))
                .bindOrCreate(LAUNCHER_PREFIX, Bindable.of(WorkerLauncherProperties.class), new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
    }

    @SuppressWarnings("unchecked")
    private static String applicationYaml(List<Map<String, Object>> documents) {
        Map<String, Object> configMap = documents.stream().filter(d -> "ConfigMap".equals(d.get("kind"))).findFirst().orElseThrow();
        return (String) ((Map<String, Object>) configMap.get("data")).get("application.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void workerPodsGetTheTokenTheStoreAndTheAddressTheServiceUses(String name, String[] arguments) {
        List<Map<String, Object>> documents = HelmChart.render(arguments);
        WorkerLauncherProperties launcher = bindLauncher(documents);
        if (List.of(arguments).contains("workers.enabled=false")) {
            assertThat(launcher.mode()).isEqualTo(WorkerLauncherProperties.Mode.NONE);
            assertThat(documents).noneMatch(d -> "Role".equals(d.get("kind")));
            return;
        }
        assertThat(launcher.mode()).isEqualTo(WorkerLauncherProperties.Mode.KUBERNETES);
        WorkerLauncherProperties.Kubernetes pods = launcher.kubernetes();
        Map<String, EnvVar> service = new LinkedHashMap<>();
        serviceDeployment(documents).getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv()
                .forEach(variable -> service.put(variable.getName(), variable));

        // The service accepts role worker for the token in WORKER_TOKEN; the pods must read the same key.
        assertThat(service.get("DETOPT_SECURITY_STATIC_TOKENS").getValue()).isEqualTo("worker:$(WORKER_TOKEN)");
        var accepted = service.get("WORKER_TOKEN").getValueFrom().getSecretKeyRef();
        assertThat(List.of(pods.tokenSecret(), pods.tokenSecretKey())).containsExactly(accepted.getName(), accepted.getKey());

        assertThat(pods.s3Endpoint()).isEqualTo(service.get("DETOPT_S3_ENDPOINT").getValue());
        assertThat(pods.s3Bucket()).isEqualTo(service.get("DETOPT_S3_BUCKET").getValue());
        assertThat(pods.s3Region()).isEqualTo(service.get("DETOPT_S3_REGION").getValue());
        var accessKey = service.get("DETOPT_S3_ACCESS_KEY").getValueFrom().getSecretKeyRef();
        var secretKey = service.get("DETOPT_S3_SECRET_KEY").getValueFrom().getSecretKeyRef();
        assertThat(List.of(pods.s3Secret(), pods.s3AccessKeyKey(), pods.s3SecretKeyKey()))
                .containsExactly(accessKey.getName(), accessKey.getKey(), secretKey.getKey());

        Map<String, Object> kubernetesService = documents.stream().filter(d -> "Service".equals(d.get("kind"))
                && "optimizer-service".equals(((Map<?, ?>) ((Map<?, ?>) d.get("metadata")).get("labels")).get("app.kubernetes.io/component")))
                .findFirst().orElseThrow();
        @SuppressWarnings("unchecked")
        Object port = ((List<Map<String, Object>>) ((Map<String, Object>) kubernetesService.get("spec")).get("ports")).getFirst().get("port");
        assertThat(pods.serviceUrl()).isEqualTo("http://" + ((Map<?, ?>) kubernetesService.get("metadata")).get("name") + ":" + port);
        assertThat(pods.namespace()).isEqualTo("detopt");
        assertThat(documents).as("the worker pods' ServiceAccount").anyMatch(d -> "ServiceAccount".equals(d.get("kind"))
                && pods.serviceAccountName().equals(((Map<?, ?>) d.get("metadata")).get("name")));
    }

    /**
     * The pod template the launcher builds from the rendered ConfigMap: valid for fabric8 (no unknown
     * fields, also inside the affinity, security contexts and extra environment given as YAML text)
     * and hardened like the service's pods.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void theLauncherBuildsAValidHardenedWorkerPodFromTheConfigMap(String name, String[] arguments) {
        List<Map<String, Object>> documents = HelmChart.render(arguments);
        if (bindLauncher(documents).mode() != WorkerLauncherProperties.Mode.KUBERNETES) {
            return;
        }
        PodSpec pod = launcherPodTemplate(documents);
        assertThat(problemsOf(KUBERNETES.convertValue(launcherDeployment(documents), Map.class)))
                .as("the worker Deployment of %s", name).isEmpty();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        Container worker = pod.getContainers().getFirst();
        assertThat(worker.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(worker.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(worker.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(worker.getVolumeMounts()).extracting(mount -> mount.getMountPath()).containsExactly("/tmp");
    }

    private static Deployment launcherDeployment(List<Map<String, Object>> documents) {
        // No call reaches this address: building the pod template needs no API server.
        try (KubernetesClient offline = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:9").build()).build()) {
            return new KubernetesWorkerLauncher(offline, bindLauncher(documents).kubernetes(), new WorkerEvents() {
                @Override
                public void preempted(String worker, String node, String reason) {
                }

                @Override
                public void crashed(String worker, String node, String reason, int exitCode) {
                }
            }, Clock.systemUTC()).deployment(1);
        }
    }

    private static PodSpec launcherPodTemplate(List<Map<String, Object>> documents) {
        return launcherDeployment(documents).getSpec().getTemplate().getSpec();
    }

    @Test
    void workerSettingsTheLauncherCannotApplyAreRefused() {
        assertThatThrownBy(() -> HelmChart.render("--set", "workers.resources.limits.ephemeral-storage=1Gi"))
                .hasMessageContaining("only cpu and memory");
        assertThatThrownBy(() -> HelmChart.render("--set", "workers.tolerations[0].key=spot",
                "--set", "workers.tolerations[0].tolerationSeconds=30"))
                .hasMessageContaining("not tolerationSeconds");
    }

    @Test
    void launcherRoleIsLimitedToTheReleaseNamespaceAndWhatTheLauncherDoes() {
        List<Map<String, Object>> documents = HelmChart.render();
        assertThat(documents).noneMatch(d -> Set.of("ClusterRole", "ClusterRoleBinding").contains(d.get("kind")));
        Role role = documents.stream().filter(d -> "Role".equals(d.get("kind"))).findFirst()
                .map(d -> KUBERNETES.unmarshal(KUBERNETES.asJson(d), Role.class)).orElseThrow();
        Map<String, Set<String>> verbsByResource = new LinkedHashMap<>();
        for (PolicyRule rule : role.getRules()) {
            for (String resource : rule.getResources()) {
                verbsByResource.computeIfAbsent(rule.getApiGroups().getFirst() + "/" + resource, k -> new TreeSet<>()).addAll(rule.getVerbs());
            }
        }
        // KubernetesWorkerLauncher: deployments get/create/update (start), edit = patch (scale), list and delete
        // (retiring the pools of images no longer registered); a pod informer and list, and a merge patch of
        // the pod-deletion-cost annotation before a scale-down.
        assertThat(verbsByResource).containsOnlyKeys("apps/deployments", "/pods");
        assertThat(verbsByResource.get("apps/deployments")).containsExactlyInAnyOrder("get", "list", "create", "update",
                "patch", "delete");
        assertThat(verbsByResource.get("/pods")).containsExactlyInAnyOrder("list", "watch", "patch");
        assertThat(verbsByResource.values()).noneMatch(verbs -> verbs.contains("*"));
    }

    @Test
    void readingNodeLabelsForPricingAddsOnlyGetOnNodes() {
        List<Map<String, Object>> documents = HelmChart.render("--set", "rbac.readNodes=true");
        Map<String, Object> clusterRole = documents.stream().filter(d -> "ClusterRole".equals(d.get("kind"))).findFirst()
                .orElseThrow();
        io.fabric8.kubernetes.api.model.rbac.ClusterRole role = KUBERNETES.unmarshal(KUBERNETES.asJson(clusterRole),
                io.fabric8.kubernetes.api.model.rbac.ClusterRole.class);
        assertThat(role.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getResources()).containsExactly("nodes");
            assertThat(rule.getVerbs()).containsExactly("get");
        });
        Map<String, Object> binding = documents.stream().filter(d -> "ClusterRoleBinding".equals(d.get("kind"))).findFirst()
                .orElseThrow();
        io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding bound = KUBERNETES.unmarshal(KUBERNETES.asJson(binding),
                io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding.class);
        assertThat(bound.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(bound.getSubjects()).singleElement().satisfies(subject -> assertThat(subject.getKind()).isEqualTo("ServiceAccount"));
    }

    @Test
    void spotExampleSchedulesWorkersOnSpotNodesAndTheServiceOff_them() {
        Path spot = HelmChart.chart().resolve("values-spot.yaml");
        List<Map<String, Object>> documents = HelmChart.render("-f", spot.toString());
        WorkerLauncherProperties.Kubernetes pods = bindLauncher(documents).kubernetes();
        assertThat(pods.nodeSelector()).as("spot nodes are chosen by affinity, an OR over the clouds").isEmpty();
        PodSpec workerPod = launcherPodTemplate(documents);
        assertThat(workerPod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()).flatMap(term -> term.getMatchExpressions()).extracting(e -> e.getKey())
                .containsExactly("cloud.google.com/gke-spot", "eks.amazonaws.com/capacityType", "karpenter.sh/capacity-type",
                        "kubernetes.azure.com/scalesetpriority");
        assertThat(workerPod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
                .singleElement().satisfies(term -> assertThat(term.getPodAffinityTerm().getTopologyKey())
                        .isEqualTo("topology.kubernetes.io/zone"));
        assertThat(workerPod.getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("registry-credentials");
        Map<String, EnvVar> workerEnv = new LinkedHashMap<>();
        workerPod.getContainers().getFirst().getEnv().forEach(variable -> workerEnv.put(variable.getName(), variable));
        assertThat(workerEnv.get("JAVA_OPTS").getValue()).startsWith("-XX:MaxRAMPercentage=70");
        assertThat(workerEnv.get("DETOPT_CHECKPOINT_EVENTS").getValue()).isEqualTo("20000");
        assertThat(pods.annotations()).containsExactly(Map.entry("cluster-autoscaler.kubernetes.io/safe-to-evict", "true"));
        assertThat(pods.tolerations()).extracting(WorkerLauncherProperties.Toleration::key)
                .contains("cloud.google.com/gke-spot", "kubernetes.azure.com/scalesetpriority");
        assertThat(pods.priorityClassName()).isEqualTo("detopt-spot-worker");
        assertThat(pods.terminationGracePeriodSeconds()).isBetween(10L, 30L); // GKE/AKS give 30 s notice
        assertThat(pods.maxReplicas()).isEqualTo(500);
        Deployment service = serviceDeployment(documents);
        assertThat(KUBERNETES.asYaml(service.getSpec().getTemplate().getSpec().getAffinity().getNodeAffinity()))
                .contains("DoesNotExist", "NotIn");
        assertThat(documents).anyMatch(d -> "PriorityClass".equals(d.get("kind")));
        assertThat(documents).anyMatch(d -> "ServiceMonitor".equals(d.get("kind")));
        assertThat(documents).noneMatch(d -> "Secret".equals(d.get("kind")));
    }

    @Test
    void serviceContainerIsHardenedAndProbed() {
        Container container = serviceDeployment(HelmChart.render()).getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        assertThat(container.getEnv()).filteredOn(v -> v.getName().endsWith("PASSWORD") || v.getName().endsWith("SECRET_KEY")
                || v.getName().endsWith("TOKEN")).allMatch(v -> v.getValueFrom() != null && v.getValueFrom().getSecretKeyRef() != null);
    }

    @Test
    void theValidationCatchesMisspeltFieldsAndUnknownKinds() {
        Map<String, Object> misspelt = new Yaml().load("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  replicas: 1
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: c
                          image: i
                          resources: {limits: {cpu: "1"}}
                          imagePulPolicy: Always
                """);
        assertThat(problemsOf(misspelt)).singleElement().asString()
                .contains("Deployment x", "imagePulPolicy");
        Map<String, Object> unknownKind = new Yaml().load("{apiVersion: example.org/v1, kind: Widget, metadata: {name: w}}");
        assertThat(problemsOf(unknownKind)).singleElement().asString().contains("unknown kind example.org/v1 Widget");
        Map<String, Object> badServiceMonitor = new Yaml().load("""
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: m}
                spec: {selector: {matchLabels: {a: b}}, endpoints: [{port: http, pathh: /metrics}]}
                """);
        assertThat(problemsOf(badServiceMonitor)).singleElement().asString().contains("pathh");
        assertThatThrownBy(() -> HelmChart.render("--set", "database.url=")).hasMessageContaining("database.url is required");
        Map<String, Object> misspeltLauncher = Map.of("kind", "ConfigMap", "data", Map.of("application.yaml",
                "detopt:\n  workers:\n    mode: kubernetes\n    kubernetes:\n      imagee: x\n"));
        assertThatThrownBy(() -> bindLauncher(List.of(misspeltLauncher))).hasStackTraceContaining("imagee");
        // Kubernetes objects passed as YAML text: the launcher refuses misspelt fields when the service starts.
        List<Map<String, Object>> misspeltAffinity = HelmChart.render("--set",
                "workers.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerm[0].matchExpressions[0].key=a");
        assertThatThrownBy(() -> launcherDeployment(misspeltAffinity)).hasMessageContaining("nodeSelectorTerm");
        List<Map<String, Object>> misspeltSecurity = HelmChart.render("--set", "workers.securityContext.readOnlyRootFileSystem=true");
        assertThatThrownBy(() -> launcherDeployment(misspeltSecurity)).hasMessageContaining("readOnlyRootFileSystem");
    }

    /** What is wrong with one manifest: unknown kind, unknown fields (with their paths); empty when fine. */
    static List<String> problemsOf(Map<String, Object> document) {
        String json = KUBERNETES.asJson(document);
        String kind = document.get("apiVersion") + " " + document.get("kind");
        if (SERVICE_MONITOR.equals(kind)) {
            try {
                JSON.readValue(json, ServiceMonitor.class);
                return List.of();
            } catch (RuntimeException e) {
                return List.of("ServiceMonitor: " + e.getMessage());
            }
        }
        KubernetesResource resource = KUBERNETES.unmarshal(json, KubernetesResource.class);
        if (resource instanceof GenericKubernetesResource || !(resource instanceof HasMetadata typed)) {
            return List.of("unknown kind " + kind);
        }
        List<String> problems = new ArrayList<>();
        collectUnknownFields(typed, typed.getKind() + " " + typed.getMetadata().getName(), problems);
        return problems;
    }

    private static final String SERVICE_MONITOR = "monitoring.coreos.com/v1 ServiceMonitor";

    /** The part of the Prometheus Operator's ServiceMonitor schema this chart uses. */
    record ServiceMonitor(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {
        record Spec(LabelSelector selector, List<Endpoint> endpoints, String jobLabel) {
        }

        record Endpoint(String port, String path, String interval, String scrapeTimeout, String scheme) {
        }
    }

    /** Walks fabric8's model objects; any non-empty additionalProperties is a field Kubernetes does not know. */
    private static void collectUnknownFields(Object value, String path, List<String> problems) {
        if (value == null) {
            return;
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                collectUnknownFields(list.get(i), path + "[" + i + "]", problems);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, entry) -> collectUnknownFields(entry, path + "." + key, problems));
            return;
        }
        if (!value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers()) || getter.getDeclaringClass() == Object.class
                    || !(getter.getName().startsWith("get") || getter.getName().startsWith("is"))) {
                continue;
            }
            Object property = invoke(getter, value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (property instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": unknown field(s) " + extra.keySet());
                }
            } else {
                collectUnknownFields(property, path + "." + propertyName(getter), problems);
            }
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(getter + " failed", e);
        }
    }

    private static String propertyName(Method getter) {
        String name = getter.getName().substring(getter.getName().startsWith("is") ? 2 : 3);
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    private static Deployment serviceDeployment(List<Map<String, Object>> documents) {
        return documents.stream()
                .filter(d -> "Deployment".equals(d.get("kind")))
                .map(d -> KUBERNETES.unmarshal(KUBERNETES.asJson(d), Deployment.class))
                .filter(d -> "optimizer-service".equals(d.getMetadata().getLabels().get("app.kubernetes.io/component")))
                .findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static void collectLeafProperties(String prefix, Map<String, Object> map, Set<String> properties) {
        map.forEach((key, value) -> {
            String property = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> nested && !nested.isEmpty()) {
                collectLeafProperties(property, (Map<String, Object>) nested, properties);
            } else {
                properties.add(property);
            }
        });
    }
}
