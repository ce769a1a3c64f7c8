package dev.detopt.service.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScalingPolicyTest {
    private static final Instant T0 = Instant.parse("2026-11-22T12:00:00Z");

    @Test
    void scalesUpAtOnceWithinTheMaximum() {
        ScalingPolicy policy = new ScalingPolicy(0, 4, 2, Duration.ofMinutes(1));
        assertThat(policy.desired(0, new WorkerDemand.Demand(3, 0), T0)).isEqualTo(2);
        assertThat(policy.desired(2, new WorkerDemand.Demand(5, 2), T0.plusSeconds(1))).isEqualTo(4);
        assertThat(policy.desired(4, new WorkerDemand.Demand(100, 0), T0.plusSeconds(2))).isEqualTo(4);
    }

    @Test
    void scalesDownOnlyAfterTheDelayAndToZeroWhenIdle() {
        ScalingPolicy policy = new ScalingPolicy(0, 10, 1, Duration.ofSeconds(60));
        assertThat(policy.desired(0, new WorkerDemand.Demand(4, 0), T0)).isEqualTo(4);
        // A step boundary: nothing queued for a moment.
        assertThat(policy.desired(4, new WorkerDemand.Demand(0, 1), T0.plusSeconds(30))).isEqualTo(4);
        assertThat(policy.desired(4, new WorkerDemand.Demand(0, 1), T0.plusSeconds(59))).isEqualTo(4);
        assertThat(policy.desired(4, new WorkerDemand.Demand(0, 1), T0.plusSeconds(60))).isEqualTo(1);
        assertThat(policy.desired(1, new WorkerDemand.Demand(0, 0), T0.plusSeconds(100))).isEqualTo(1);
        assertThat(policy.desired(1, new WorkerDemand.Demand(0, 0), T0.plusSeconds(120))).isZero();
    }

    @Test
    void workArrivingResetsTheScaleDownClock() {
        ScalingPolicy policy = new ScalingPolicy(1, 10, 1, Duration.ofSeconds(60));
        assertThat(policy.desired(3, new WorkerDemand.Demand(3, 0), T0)).isEqualTo(3);
        assertThat(policy.desired(3, new WorkerDemand.Demand(0, 0), T0.plusSeconds(50))).isEqualTo(3);
        assertThat(policy.desired(3, new WorkerDemand.Demand(2, 1), T0.plusSeconds(55))).isEqualTo(3);
        assertThat(policy.desired(3, new WorkerDemand.Demand(0, 0), T0.plusSeconds(100))).isEqualTo(3);
        assertThat(policy.desired(3, new WorkerDemand.Demand(0, 0), T0.plusSeconds(115))).isEqualTo(1);
    }

    @Test
    void scaleDownStopsAtTheBusyReplicasAndResumesAsSoonAsTheyAreIdle() {
        ScalingPolicy policy = new ScalingPolicy(0, 10, 4, Duration.ofSeconds(60));
        assertThat(policy.desired(0, new WorkerDemand.Demand(20, 0), T0)).isEqualTo(5);
        int[] asked = {0};
        // Within the delay the busy count is not even asked for.
        assertThat(policy.desired(5, new WorkerDemand.Demand(0, 3), T0.plusSeconds(30), () -> {
            asked[0]++;
            return 3;
        })).isEqualTo(5);
        assertThat(asked[0]).isZero();
        // Three tasks fit one replica at four per replica, but three replicas hold them.
        assertThat(policy.desired(5, new WorkerDemand.Demand(0, 3), T0.plusSeconds(60), () -> 3)).isEqualTo(3);
        // One of them finished: no new delay, it goes at once.
        assertThat(policy.desired(3, new WorkerDemand.Demand(0, 2), T0.plusSeconds(65), () -> 2)).isEqualTo(2);
        assertThat(policy.desired(2, new WorkerDemand.Demand(0, 0), T0.plusSeconds(70), () -> 0)).isZero();
        // Fully scaled down: the next scale-down waits for the delay again.
        assertThat(policy.desired(0, new WorkerDemand.Demand(8, 0), T0.plusSeconds(80))).isEqualTo(2);
        assertThat(policy.desired(2, new WorkerDemand.Demand(0, 0), T0.plusSeconds(100), () -> 0)).isEqualTo(2);
    }

    @Test
    void rejectsInconsistentBounds() {
        assertThatThrownBy(() -> new ScalingPolicy(3, 2, 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScalingPolicy(0, 2, 0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
