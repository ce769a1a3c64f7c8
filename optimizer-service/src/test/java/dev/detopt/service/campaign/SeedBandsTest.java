package dev.detopt.service.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Median and quartiles (type 7) of hand-made series, worked out by hand. */
class SeedBandsTest {

    @Test
    void medianAndQuartilesPerStepOverTheMembersThatReachedIt() {
        // step 0: {4, 1, 3, 2} → sorted 1 2 3 4: median 2.5, Q1 = 1 + 0.75·1 = 1.75, Q3 = 3 + 0.25·1 = 3.25
        // step 1: {10, 30, 20} (the fourth member stopped) → median 20, Q1 15, Q3 25
        // step 2: {7} → 7, 7, 7
        List<Map<Integer, Double>> series = List.of(
                Map.of(0, 4.0, 1, 10.0, 2, 7.0),
                Map.of(0, 1.0, 1, 30.0),
                Map.of(0, 3.0, 1, 20.0),
                Map.of(0, 2.0));
        assertThat(SeedBands.of(series)).containsExactly(
                new SeedBands.Point(0, 4, 2.5, 1.75, 3.25),
                new SeedBands.Point(1, 3, 20.0, 15.0, 25.0),
                new SeedBands.Point(2, 1, 7.0, 7.0, 7.0));
    }

    @Test
    void nonFiniteAndMissingLossesAreLeftOut() {
        Map<Integer, Double> withNull = new HashMap<>();
        withNull.put(0, null);
        List<Map<Integer, Double>> series = List.of(Map.of(0, Double.NaN), withNull, Map.of(0, 5.0), Map.of(0, 1.0));
        // {5, 1} → median 3, Q1 = 1 + 0.25·4 = 2, Q3 = 1 + 0.75·4 = 4
        assertThat(SeedBands.of(series)).containsExactly(new SeedBands.Point(0, 2, 3.0, 2.0, 4.0));
    }
}
