package dev.detopt.service.accounting;

import java.util.Map;
import java.util.Optional;

/**
 * The labels of a cluster node, by the node name a worker registered with, where the service can
 * read them (on Kubernetes, from the API server); empty when the node is unknown or gone.
 */
@FunctionalInterface
public interface NodeLabels {
    /** Off Kubernetes: no node has labels the service can read. */
    NodeLabels NONE = node -> Optional.empty();

    Optional<Map<String, String>> of(String node);
}
