package dev.detopt.service.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fabric8 client (JDK HTTP transport, Jackson 3) works against the mock API server in CRUD
 * mode with the dependency versions Spring Boot pins. The Kubernetes worker launcher builds on this.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesClientSetupTest {

    static KubernetesClient client;

    @Test
    void createsReadsAndDeletesAResource() {
        ConfigMap created = client.configMaps().inNamespace("detopt").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("worker-settings").addToLabels("app", "detopt-worker").endMetadata()
                .addToData("threads", "4")
                .build()).create();
        assertThat(created.getMetadata().getUid()).isNotBlank();

        ConfigMap read = client.configMaps().inNamespace("detopt").withName("worker-settings").get();
        assertThat(read.getData()).isEqualTo(Map.of("threads", "4"));
        assertThat(client.configMaps().inNamespace("detopt").withLabel("app", "detopt-worker").list().getItems())
                .extracting(map -> map.getMetadata().getName()).containsExactly("worker-settings");

        client.configMaps().inNamespace("detopt").withName("worker-settings").delete();
        assertThat(client.configMaps().inNamespace("detopt").withName("worker-settings").get()).isNull();
    }
}
