package dev.detopt.service.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.model.external.ExternalSimulators;
import dev.detopt.model.external.SimulatorRegistration;
import dev.detopt.service.launcher.KubernetesWorkerLauncher;
import dev.detopt.service.launcher.SimulatorImagePools;
import dev.detopt.service.launcher.WorkerEvents;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

/**
 * Simulators registered through the Helm values: the chart writes them to the service's registry
 * file (mounted next to application.yaml, named by {@code detopt.simulators}), turns REST
 * registration of local commands off by default, and the launcher builds a hardened worker pool
 * for the registered image from the rendered configuration.
 */
class HelmSimulatorRegistrationsTest {
    static final String REGISTRATION = """
            [{"name": "calo", "description": "Geant4 calorimeter", "image": "registry.example/physics/calo:1.4",
              "command": ["/opt/calo/bin/calo-detopt"], "environment": {"G4DATA": "/opt/g4data"},
              "resources": {"cpu": "2", "memory": "4Gi"}, "batchTimeoutSeconds": 900,
              "declaration": {"name": "calo", "version": "1.4",
                              "parameters": [{"name": "absorber", "unit": "mm", "default": 5, "lower": 1, "upper": 20}],
                              "observables": ["visible", "visible.squared"],
                              "capabilities": {"tangents": false, "scores": false, "deterministic": true}}}]
            """;

    @SuppressWarnings("unchecked")
    private static Map<String, String> configMapData(List<Map<String, Object>> documents) {
        return (Map<String, String>) documents.stream().filter(d -> "ConfigMap".equals(d.get("kind"))).findFirst()
                .orElseThrow().get("data");
    }

    @Test
    @SuppressWarnings("unchecked")
    void registrationsFromTheValuesReachTheServicesRegistryFile() {
        List<Map<String, Object>> documents = HelmChart.render("--set-json", "simulators.registrations=" + REGISTRATION.strip());
        Map<String, String> data = configMapData(documents);
        List<SimulatorRegistration> registrations = ExternalSimulators.parseRegistry(
                JsonMapper.builder().build().readTree(data.get("simulators.json")), null);
        assertThat(registrations).hasSize(1);
        SimulatorRegistration calo = registrations.getFirst();
        assertThat(calo.image()).isEqualTo("registry.example/physics/calo:1.4");
        assertThat(calo.command()).containsExactly("/opt/calo/bin/calo-detopt");
        assertThat(calo.resources()).isEqualTo(new SimulatorRegistration.Resources("2", "4Gi"));
        assertThat(calo.environment()).containsEntry("G4DATA", "/opt/g4data");

        Map<String, Object> detopt = (Map<String, Object>) ((Map<String, Object>) new Yaml().load(data.get("application.yaml"))).get("detopt");
        assertThat(detopt.get("simulators")).isEqualTo("/etc/detopt/simulators.json");
        assertThat(((Map<String, Object>) detopt.get("simulator-api")).get("allow-commands")).isEqualTo(false);
        // the ConfigMap is mounted at /etc/detopt in the service's pod
        String deployment = documents.stream().filter(d -> "Deployment".equals(d.get("kind"))).map(Object::toString)
                .filter(text -> text.contains("optimizer-service")).findFirst().orElseThrow();
        assertThat(deployment).contains("mountPath=/etc/detopt");

        // the pool the launcher keeps for the image, built from the rendered launcher settings
        var settings = HelmChartManifestsTest.bindLauncher(documents).kubernetes();
        try (KubernetesClient offline = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:9").build()).build()) {
            KubernetesWorkerLauncher launcher = new KubernetesWorkerLauncher(offline, settings, new WorkerEvents() {
                @Override
                public void preempted(String worker, String node, String reason) {
                }

                @Override
                public void crashed(String worker, String node, String reason, int exitCode) {
                }
            }, Clock.systemUTC());
            Deployment pool = launcher.poolDeployment(new SimulatorImagePools.Pool(calo.image(), List.of("calo"), "2", "4Gi"), 1);
            assertThat(HelmChartManifestsTest.problemsOf(new KubernetesSerialization().convertValue(pool, Map.class)))
                    .as("the simulator pool's Deployment").isEmpty();
            PodSpec pod = pool.getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            Container worker = pod.getContainers().getFirst();
            assertThat(worker.getImage()).isEqualTo("registry.example/physics/calo:1.4");
            assertThat(worker.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(worker.getVolumeMounts()).extracting(m -> m.getMountPath()).containsExactlyInAnyOrder("/tmp", "/opt/detopt");
            Container runtime = pod.getInitContainers().getFirst();
            assertThat(runtime.getImage()).isEqualTo(settings.image());
            assertThat(runtime.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutRegistrationsTheRegistryIsEmptyAndCommandsCanBeAllowed() {
        List<Map<String, Object>> documents = HelmChart.render("--set", "simulators.allowApiCommands=true");
        Map<String, String> data = configMapData(documents);
        assertThat(ExternalSimulators.parseRegistry(JsonMapper.builder().build().readTree(data.get("simulators.json")), null)).isEmpty();
        Map<String, Object> detopt = (Map<String, Object>) ((Map<String, Object>) new Yaml().load(data.get("application.yaml"))).get("detopt");
        assertThat(((Map<String, Object>) detopt.get("simulator-api")).get("allow-commands")).isEqualTo(true);
    }
}
