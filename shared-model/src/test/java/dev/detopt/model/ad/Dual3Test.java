package dev.detopt.model.ad;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class Dual3Test {

    @Test
    void agreesWithTheVectorDualOnEveryElementaryFunction() {
        Dual3 x = Dual3.variable(0, 0.8);
        Dual3 y = Dual3.variable(1, 1.7);
        Dual3 z = Dual3.variable(2, -0.3);
        Dual3 f = x.times(y).plus(z.exp()).div(y.sqrt()).log().plus(Dual3.atan2(z, x).cos())
                .times(x.sin()).minus(y.pow(1.5)).min(Dual3.constant(10)).max(Dual3.constant(-10));

        DualVector vx = DualVector.variable(3, 0, 0.8);
        DualVector vy = DualVector.variable(3, 1, 1.7);
        DualVector vz = DualVector.variable(3, 2, -0.3);
        DualVector t = new DualVector(3).multiply(vx, vy);
        t.add(t, new DualVector(3).exp(vz)).divide(t, new DualVector(3).sqrt(vy)).log(t);
        DualVector angle = new DualVector(3).atan2(vz, vx);
        t.add(t, angle.cos(angle)).multiply(t, new DualVector(3).sin(vx))
                .subtract(t, new DualVector(3).pow(vy, 1.5));
        assertThat(f.v()).isCloseTo(t.value(), within(1e-14));
        for (int k = 0; k < 3; k++) {
            assertThat(f.tangent(k)).isCloseTo(t.tangent(k), within(1e-13));
        }
    }

    @Test
    void productRuleByHand() {
        Dual3 x = Dual3.variable(0, 3.0);
        Dual3 y = Dual3.variable(2, 5.0);
        Dual3 p = x.times(y).times(2.0);
        assertThat(p.v()).isEqualTo(30.0);
        assertThat(p.d0()).isEqualTo(10.0);
        assertThat(p.d1()).isEqualTo(0.0);
        assertThat(p.d2()).isEqualTo(6.0);
    }
}
