package dev.detopt.service.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Classification of worker pod endings from pod status, as the API server reports them. */
class PodEndingsTest {

    static PodBuilder pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).withUid("uid-" + name)
                .addToLabels(KubernetesWorkerLauncher.NAME_LABEL, "detopt-worker").endMetadata()
                .withNewSpec().withNodeName("spot-node-1").addNewContainer().withName("worker").withImage("w").endContainer()
                .endSpec();
    }

    static Pod disrupted(String name, String reason) {
        return pod(name).withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus("True").endCondition()
                .addNewCondition().withType("DisruptionTarget").withStatus("True").withReason(reason)
                .withMessage("node is being drained").endCondition()
                .endStatus().build();
    }

    static Pod crashedContainer(String name, int exitCode, String reason, int restarts) {
        return pod(name).withNewStatus().withPhase("Running")
                .addNewContainerStatus().withName("worker").withRestartCount(restarts)
                .withNewLastState().withNewTerminated().withExitCode(exitCode).withReason(reason).endTerminated().endLastState()
                .withNewState().withNewRunning().endRunning().endState()
                .endContainerStatus().endStatus().build();
    }

    @Test
    void disruptionTargetIsAPreemption() {
        List<PodEndings.Ending> endings = PodEndings.of(disrupted("a", "PreemptionByScheduler"));
        assertThat(endings).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(PodEndings.Kind.PREEMPTED);
            assertThat(e.reason()).startsWith("PreemptionByScheduler");
            assertThat(e.node()).isEqualTo("spot-node-1");
        });
        assertThat(PodEndings.of(disrupted("b", "DeletionByTaintManager"))).extracting(PodEndings.Ending::kind)
                .containsExactly(PodEndings.Kind.PREEMPTED);
    }

    @Test
    void evictionAndNodeLossArePreemptions() {
        Pod evicted = pod("c").withNewStatus().withPhase("Failed").withReason("Evicted")
                .withMessage("The node was low on resource: memory.").endStatus().build();
        Pod nodeLost = pod("d").withNewStatus().withPhase("Unknown").withReason("NodeLost").endStatus().build();
        Pod shutdown = pod("e").withNewStatus().withPhase("Failed").withReason("Terminated")
                .withMessage("Pod was terminated in response to imminent node shutdown.").endStatus().build();
        for (Pod pod : List.of(evicted, nodeLost, shutdown)) {
            assertThat(PodEndings.of(pod)).extracting(PodEndings.Ending::kind).containsExactly(PodEndings.Kind.PREEMPTED);
        }
        assertThat(PodEndings.of(evicted).getFirst().reason()).isEqualTo("Evicted: The node was low on resource: memory.");
    }

    @Test
    void aContainerThatFailedIsACrashCountedPerRestart() {
        List<PodEndings.Ending> first = PodEndings.of(crashedContainer("f", 137, "OOMKilled", 1));
        assertThat(first).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(PodEndings.Kind.CRASHED);
            assertThat(e.exitCode()).isEqualTo(137);
            assertThat(e.reason()).isEqualTo("OOMKilled");
        });
        List<PodEndings.Ending> second = PodEndings.of(crashedContainer("f", 1, "Error", 2));
        assertThat(second.getFirst().key()).isNotEqualTo(first.getFirst().key());
        // The same restart seen again (another status update) has the same key.
        assertThat(PodEndings.of(crashedContainer("f", 137, "OOMKilled", 1)).getFirst().key()).isEqualTo(first.getFirst().key());
    }

    @Test
    void cleanExitsAndHealthyPodsAreNothing() {
        assertThat(PodEndings.of(crashedContainer("g", 0, "Completed", 1))).isEmpty();
        assertThat(PodEndings.of(pod("h").withNewStatus().withPhase("Running").endStatus().build())).isEmpty();
        assertThat(PodEndings.of(pod("i").build())).isEmpty();
    }
}
