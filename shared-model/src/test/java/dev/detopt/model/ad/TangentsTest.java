package dev.detopt.model.ad;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TangentsTest {

    @Test
    void kernelsRespectOffsetsAndAllowAliasing() {
        double[] store = {9, 1, 2, 3, 9, 10, 20, 30, 9};
        double[] out = new double[5];
        Tangents.combine(2.0, store, 1, -1.0, store, 5, out, 1, 3);
        assertThat(out).containsExactly(0, -8, -16, -24, 0);
        Tangents.combine(1.0, store, 1, 1.0, store, 5, 0.5, out, 1, store, 1, 3); // aliasing: output is input a
        assertThat(store).containsExactly(9, 7, 14, 21, 9, 10, 20, 30, 9);
        Tangents.addScaled(-1.0, store, 5, store, 1, 3);
        assertThat(store).containsExactly(9, -3, -6, -9, 9, 10, 20, 30, 9);
        Tangents.zero(store, 5, 2);
        assertThat(store).containsExactly(9, -3, -6, -9, 9, 0, 0, 30, 9);
    }
}
