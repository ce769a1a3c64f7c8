package dev.detopt.model.stats;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExactSumTest {

    @Test
    void sumIsExactWhereNaiveSummationLosesEverything() {
        ExactSum sum = new ExactSum();
        sum.add(1e100);
        sum.add(1.0);
        sum.add(-1e100);
        assertThat(sum.value()).isEqualTo(1.0);
        assertThat(1e100 + 1.0 - 1e100).isEqualTo(0.0); // what plain doubles give
    }

    @Test
    void resultMatchesCorrectlyRoundedBigDecimalSum() {
        SplittableRandom random = new SplittableRandom(7);
        ExactSum sum = new ExactSum();
        BigDecimal exact = BigDecimal.ZERO;
        for (int i = 0; i < 20_000; i++) {
            double x = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-30, 30));
            sum.add(x);
            exact = exact.add(new BigDecimal(x));
        }
        assertThat(sum.value()).isEqualTo(exact.doubleValue());
    }

    @Test
    void orderAndSplittingDoNotChangeTheSumBitForBit() {
        SplittableRandom random = new SplittableRandom(11);
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            values.add(random.nextGaussian() * Math.exp(random.nextDouble(-20, 20)));
        }
        ExactSum forward = new ExactSum();
        values.forEach(forward::add);
        Collections.shuffle(values, new java.util.Random(3));
        ExactSum left = new ExactSum();
        ExactSum right = new ExactSum();
        for (int i = 0; i < values.size(); i++) {
            (i < 1234 ? left : right).add(values.get(i));
        }
        right.add(left);
        assertThat(right.state()).isEqualTo(forward.state());
        assertThat(Double.doubleToRawLongBits(right.value())).isEqualTo(Double.doubleToRawLongBits(forward.value()));
    }

    @Test
    void handlesSubnormalsExtremesAndSigns() {
        ExactSum sum = new ExactSum();
        sum.add(Double.MIN_VALUE);
        sum.add(Double.MIN_VALUE);
        assertThat(sum.value()).isEqualTo(2 * Double.MIN_VALUE);
        ExactSum big = new ExactSum();
        big.add(Double.MAX_VALUE);
        big.add(Double.MAX_VALUE);
        assertThat(big.value()).isEqualTo(Double.POSITIVE_INFINITY);
        big.add(-Double.MAX_VALUE);
        assertThat(big.value()).isEqualTo(Double.MAX_VALUE);
        ExactSum negative = new ExactSum();
        negative.add(-3.5);
        negative.add(1.25);
        assertThat(negative.value()).isEqualTo(-2.25);
    }

    @Test
    void nonFiniteInputsPropagate() {
        ExactSum sum = new ExactSum();
        sum.add(1.0);
        sum.add(Double.POSITIVE_INFINITY);
        assertThat(sum.value()).isEqualTo(Double.POSITIVE_INFINITY);
        sum.add(Double.NEGATIVE_INFINITY);
        assertThat(sum.value()).isNaN();
    }

    @Test
    void stateRoundTripsAndRejectsGarbage() {
        ExactSum sum = new ExactSum();
        sum.add(Math.PI);
        sum.add(-1e-300);
        ExactSum restored = ExactSum.fromState(sum.state());
        assertThat(restored.value()).isEqualTo(sum.value());
        assertThat(restored).isEqualTo(sum);
        assertThatThrownBy(() -> ExactSum.fromState(new ExactSum.State(67, new long[] {1, 2}, 0, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExactSum.fromState(new ExactSum.State(0, new long[] {-5}, 0, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void manyAdditionsCrossTheNormalisationThreshold() {
        ExactSum sum = new ExactSum();
        BigDecimal exact = BigDecimal.ZERO;
        double x = 0.1;
        int n = (1 << 29) / 64; // keep the test quick but exercise carries in the low digits
        for (int i = 0; i < n; i++) {
            sum.add(x);
        }
        exact = new BigDecimal(x).multiply(BigDecimal.valueOf(n), MathContext.UNLIMITED);
        assertThat(sum.value()).isEqualTo(exact.doubleValue());
    }
}
