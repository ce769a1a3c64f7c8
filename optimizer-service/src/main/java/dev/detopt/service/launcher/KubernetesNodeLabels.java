package dev.detopt.service.launcher;

import dev.detopt.service.accounting.NodeLabels;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node labels from the API server ({@code get} on nodes). Labels once read are kept for the
 * service's lifetime: a spot node is often gone by the time its work is accounted, and a node's
 * capacity type does not change while it exists. A node not found (or not readable) gives nothing,
 * so the caller falls back to the node name.
 */
public final class KubernetesNodeLabels implements NodeLabels {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesNodeLabels.class);

    private final KubernetesClient client;
    private final Map<String, Map<String, String>> known = new ConcurrentHashMap<>();

    public KubernetesNodeLabels(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<Map<String, String>> of(String node) {
        Map<String, String> labels = known.get(node);
        if (labels != null) {
            return Optional.of(labels);
        }
        try {
            Node found = client.nodes().withName(node).get();
            if (found == null || found.getMetadata() == null) {
                return Optional.empty();
            }
            labels = found.getMetadata().getLabels() == null ? Map.of() : Map.copyOf(found.getMetadata().getLabels());
            known.put(node, labels);
            return Optional.of(labels);
        } catch (KubernetesClientException e) {
            LOG.debug("cannot read the labels of node {}: {}", node, e.getMessage());
            return Optional.empty();
        }
    }
}
