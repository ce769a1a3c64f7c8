package dev.detopt.model.stats;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExactSumStateJsonTest {

    private static void assertRoundTrip(ExactSum sum) {
        ExactSum.State state = sum.state();
        String text = ExactSumStateJson.encode(state);
        ExactSum.State decoded = ExactSumStateJson.decode(text);
        assertThat(decoded).as(text).isEqualTo(state);
        assertThat(Double.doubleToLongBits(ExactSum.fromState(decoded).value())).isEqualTo(Double.doubleToLongBits(sum.value()));
    }

    @Test
    void roundTripsPositiveNegativeTinyHugeAndSpecialSums() {
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 300; trial++) {
            ExactSum sum = new ExactSum();
            int terms = random.nextInt(0, 20);
            for (int t = 0; t < terms; t++) {
                double magnitude = Math.scalb(random.nextDouble(), random.nextInt(-1074, 1000));
                sum.add(random.nextBoolean() ? magnitude : -magnitude);
            }
            assertRoundTrip(sum);
        }
        ExactSum special = new ExactSum();
        special.add(Double.NaN);
        special.add(Double.POSITIVE_INFINITY);
        special.add(Double.NEGATIVE_INFINITY);
        special.add(Double.NEGATIVE_INFINITY);
        special.add(-Double.MAX_VALUE);
        special.add(Double.MIN_VALUE);
        assertRoundTrip(special);
        assertThat(ExactSumStateJson.encode(special.state())).contains(";nan=1;pinf=1;ninf=2");
        assertRoundTrip(new ExactSum());
        assertThat(ExactSumStateJson.encode(new ExactSum().state())).isEqualTo("0:");
    }

    @Test
    void isCompactForTypicalSums() {
        ExactSum sum = new ExactSum();
        for (int i = 0; i < 1000; i++) {
            sum.add(10.0 + i * 0.001);
        }
        assertThat(ExactSumStateJson.encode(sum.state()).length()).isLessThan(30);
        ExactSum negative = new ExactSum();
        negative.add(-1.5);
        assertThat(ExactSumStateJson.encode(negative.state()).length()).isLessThan(16);
    }

    @Test
    void rejectsMalformedText() {
        assertThatThrownBy(() -> ExactSumStateJson.decode("abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExactSumStateJson.decode("99:AQ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExactSumStateJson.decode("3:AQ;foo=1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExactSumStateJson.decode("3:!!")).isInstanceOf(IllegalArgumentException.class);
    }
}
