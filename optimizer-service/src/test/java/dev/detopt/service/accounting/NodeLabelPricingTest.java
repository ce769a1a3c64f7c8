package dev.detopt.service.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.detopt.service.launcher.KubernetesNodeLabels;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Spot or on demand by node label (against the fabric8 mock API server in CRUD mode): a node is spot
 * when a label matches a configured selector; nodes whose labels cannot be read fall back to the
 * name pattern, and a node once read keeps its capacity after it is deleted (a preempted spot node).
 */
@EnableKubernetesMockClient(crud = true)
class NodeLabelPricingTest {
    static KubernetesClient client;

    private static final AccountingProperties PRICES = new AccountingProperties("USD", 0.04, 0.01, ".*-spot-.*",
            "on-demand", "karpenter.sh/capacity-type=spot, cloud.google.com/gke-spot=true");

    @Test
    void aNodeIsSpotWhenItsLabelsMatchElseByItsName() {
        node("ip-10-0-0-1", "karpenter.sh/capacity-type", "spot");
        node("ip-10-0-0-2", "karpenter.sh/capacity-type", "on-demand");
        node("gke-pool-a-1", "cloud.google.com/gke-spot", "true");
        node("named-spot-but-labelled-standard", "cloud.google.com/gke-spot", "false");
        KubernetesNodeLabels labels = new KubernetesNodeLabels(client);

        assertThat(PRICES.capacityOf("ip-10-0-0-1", labels)).isEqualTo(AccountingProperties.SPOT);
        assertThat(PRICES.capacityOf("ip-10-0-0-2", labels)).isEqualTo(AccountingProperties.ON_DEMAND);
        assertThat(PRICES.capacityOf("gke-pool-a-1", labels)).isEqualTo(AccountingProperties.SPOT);
        assertThat(PRICES.capacityOf("named-spot-but-labelled-standard", labels)).as("labels win over the name")
                .isEqualTo(AccountingProperties.ON_DEMAND);
        // Not in the cluster: the name pattern decides; no node: the default capacity.
        assertThat(PRICES.capacityOf("pool-spot-9", labels)).isEqualTo(AccountingProperties.SPOT);
        assertThat(PRICES.capacityOf("pool-standard-9", labels)).isEqualTo(AccountingProperties.ON_DEMAND);
        assertThat(PRICES.capacityOf(null, labels)).isEqualTo(AccountingProperties.ON_DEMAND);

        // The spot node is reclaimed: its work is still priced as spot.
        client.nodes().withName("ip-10-0-0-1").delete();
        assertThat(client.nodes().withName("ip-10-0-0-1").get()).isNull();
        assertThat(PRICES.capacityOf("ip-10-0-0-1", labels)).isEqualTo(AccountingProperties.SPOT);
    }

    @Test
    void theAccountantPricesEachNodesCpuByItsLabels() {
        node("ip-10-0-1-1", "karpenter.sh/capacity-type", "spot");
        node("ip-10-0-1-2", "karpenter.sh/capacity-type", "on-demand");
        AccountingRepository attempts = new AccountingRepository(null) {
            @Override
            public List<NodeCpu> cpuByNode(Collection<UUID> studies) {
                return List.of(new NodeCpu("ip-10-0-1-1", 3600.0, 0), new NodeCpu("ip-10-0-1-2", 7200.0, 0));
            }

            @Override
            public Incidents incidents(Collection<UUID> studies) {
                return new Incidents(0, 0, 0);
            }
        };
        StudyAccounting byLabel = new StudyAccountant(attempts, PRICES, new KubernetesNodeLabels(client)).of(UUID.randomUUID());
        assertThat(byLabel.spotCpuSeconds()).isEqualTo(3600.0);
        assertThat(byLabel.estimatedCost()).isCloseTo(1 * 0.01 + 2 * 0.04, within(1e-12));
        assertThat(byLabel.onDemandCost()).isCloseTo(3 * 0.04, within(1e-12));
        // Off Kubernetes the same names match no pattern: all on demand.
        StudyAccounting byName = new StudyAccountant(attempts, PRICES, NodeLabels.NONE).of(UUID.randomUUID());
        assertThat(byName.spotCpuSeconds()).isZero();
        assertThat(byName.estimatedCost()).isCloseTo(3 * 0.04, within(1e-12));
    }

    @Test
    void aMalformedSelectorStopsTheServiceAtStart() {
        assertThatThrownBy(() -> new AccountingProperties("USD", 0.04, null, null, "on-demand", "a=b=c"))
                .hasMessageContaining("spot-node-labels");
        assertThatThrownBy(() -> new AccountingProperties("USD", 0.04, null, null, "on-demand", "=spot"))
                .hasMessageContaining("spot-node-labels");
    }

    private static void node(String name, String label, String value) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).addToLabels(label, value).endMetadata()
                .build()).create();
    }
}
