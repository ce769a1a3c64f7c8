package dev.detopt.model.random;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

class RandomStreamsTest {

    @Test
    void sameCoordinatesGiveTheSameNumbersAnywhere() {
        RandomGenerator a = new RandomStreams(42).stream(3, 1_000_000, StreamPurpose.SIMULATION);
        RandomGenerator b = new RandomStreams(42).event(3, 1_000_000).stream(StreamPurpose.SIMULATION);
        for (int i = 0; i < 100; i++) {
            assertThat(a.nextLong()).isEqualTo(b.nextLong());
        }
    }

    @Test
    void anyChangedCoordinateGivesADifferentStream() {
        RandomStreams streams = new RandomStreams(42);
        Set<Long> firsts = new HashSet<>();
        firsts.add(streams.stream(0, 0, StreamPurpose.SIMULATION, 0).nextLong());
        firsts.add(new RandomStreams(43).stream(0, 0, StreamPurpose.SIMULATION, 0).nextLong());
        firsts.add(streams.stream(1, 0, StreamPurpose.SIMULATION, 0).nextLong());
        firsts.add(streams.stream(0, 1, StreamPurpose.SIMULATION, 0).nextLong());
        firsts.add(streams.stream(0, 0, StreamPurpose.ALTERNATIVE, 0).nextLong());
        firsts.add(streams.stream(0, 0, StreamPurpose.SIMULATION, 1).nextLong());
        firsts.add(streams.stream(1, 0, StreamPurpose.SIMULATION, 0).nextLong() + 1); // sanity: distinct values
        assertThat(firsts).hasSize(7);
    }

    @Test
    void neighbouringEventsAreUncorrelated() {
        RandomStreams streams = new RandomStreams(1);
        int n = 20_000;
        double sumXY = 0;
        double sumX = 0;
        for (int i = 0; i < n; i++) {
            double x = streams.stream(0, i, StreamPurpose.SIMULATION).nextDouble();
            double y = streams.stream(0, i + 1, StreamPurpose.SIMULATION).nextDouble();
            sumXY += (x - 0.5) * (y - 0.5);
            sumX += x;
        }
        assertThat(sumX / n).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.01));
        // correlation of uniform pairs: standard error 1/sqrt(n)
        assertThat(sumXY / n / (1.0 / 12)).isBetween(-4 / Math.sqrt(n), 4 / Math.sqrt(n));
    }
}
