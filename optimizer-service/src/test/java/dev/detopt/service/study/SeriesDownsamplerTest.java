package dev.detopt.service.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesDownsamplerTest {

    @Test
    void shortSeriesAreKeptWhole() {
        assertThat(SeriesDownsampler.select(List.of(3.0, 1.0, 2.0), 10, Double::doubleValue)).containsExactly(0, 1, 2);
    }

    @Test
    void keepsFirstLastAndEachBucketsExtremesInOrder() {
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            values.add((double) (i % 100));
        }
        values.set(5_000, 1e9); // a spike
        values.set(7_777, -1e9); // a dip
        List<Integer> kept = SeriesDownsampler.select(values, 500, Double::doubleValue);
        assertThat(kept.size()).isLessThanOrEqualTo(500);
        assertThat(kept.getFirst()).isEqualTo(0);
        assertThat(kept.getLast()).isEqualTo(9_999);
        assertThat(kept).contains(5_000, 7_777);
        assertThat(kept).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void nanPointsDoNotHideTheirBucket() {
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            values.add(i < 50 ? Double.NaN : i);
        }
        List<Integer> kept = SeriesDownsampler.select(values, 10, Double::doubleValue);
        assertThat(kept).contains(0, 99).isSorted().doesNotHaveDuplicates();
        assertThat(kept.size()).isLessThanOrEqualTo(10);
        assertThat(kept.stream().filter(i -> i > 0 && i < 50)).isNotEmpty();
    }
}
