package dev.detopt.service.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A worker pod whose image cannot be pulled is recorded as a crash once per pod, with the kubelet's reason. */
class PodImagePullEndingTest {

    static Pod waiting(String name, String reason, String message) {
        return PodEndingsTest.pod(name).withNewStatus().withPhase("Pending")
                .addNewContainerStatus().withName("worker").withRestartCount(0)
                .withNewState().withNewWaiting().withReason(reason).withMessage(message).endWaiting().endState()
                .endContainerStatus().endStatus().build();
    }

    @Test
    void anImagePullFailureIsOneCrashPerPod() {
        Pod pulling = waiting("p", "ErrImagePull", "rpc error: not found: registry.example/detopt-worker:9");
        Pod backingOff = waiting("p", "ImagePullBackOff", "Back-off pulling image \"registry.example/detopt-worker:9\"");
        List<PodEndings.Ending> first = PodEndings.of(pulling);
        assertThat(first).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(PodEndings.Kind.CRASHED);
            assertThat(e.reason()).isEqualTo("ErrImagePull: rpc error: not found: registry.example/detopt-worker:9");
            assertThat(e.exitCode()).isEqualTo(-1);
            assertThat(e.node()).isEqualTo("spot-node-1");
        });
        Set<String> keys = new HashSet<>();
        PodEndings.of(pulling).forEach(e -> keys.add(e.key()));
        PodEndings.of(backingOff).forEach(e -> keys.add(e.key()));
        assertThat(keys).as("ErrImagePull then ImagePullBackOff of one pod: one ending").hasSize(1);
        assertThat(PodEndings.of(waiting("q", "ContainerCreating", null))).isEmpty();
    }
}
