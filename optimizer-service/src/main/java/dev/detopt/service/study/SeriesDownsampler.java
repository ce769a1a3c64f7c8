package dev.detopt.service.study;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Picks at most {@code maxPoints} of a step series for plotting: always the first and the last
 * step, and in each of the equal-width buckets between them the steps with the smallest and the
 * largest value (NaN counts as neither), in step order. Spikes and the envelope survive; a plot of
 * 10,000 steps needs only a few hundred points.
 */
public final class SeriesDownsampler {
    private SeriesDownsampler() {
    }

    /** Indices into {@code points} to keep, ascending. */
    public static <T> List<Integer> select(List<T> points, int maxPoints, ToDoubleFunction<T> value) {
        int n = points.size();
        List<Integer> keep = new ArrayList<>();
        if (n <= maxPoints) {
            for (int i = 0; i < n; i++) {
                keep.add(i);
            }
            return keep;
        }
        keep.add(0);
        int buckets = Math.max(1, (maxPoints - 2) / 2);
        int interior = n - 2;
        for (int b = 0; b < buckets; b++) {
            int from = 1 + (int) ((long) interior * b / buckets);
            int to = 1 + (int) ((long) interior * (b + 1) / buckets);
            int min = -1;
            int max = -1;
            for (int i = from; i < to; i++) {
                double v = value.applyAsDouble(points.get(i));
                if (Double.isNaN(v)) {
                    continue;
                }
                if (min < 0 || v < value.applyAsDouble(points.get(min))) {
                    min = i;
                }
                if (max < 0 || v > value.applyAsDouble(points.get(max))) {
                    max = i;
                }
            }
            if (min < 0 && from < to) {
                min = from; // an all-NaN bucket still shows where it is
            }
            if (min >= 0 && max >= 0 && max < min) {
                keep.add(max);
                keep.add(min);
            } else {
                if (min >= 0) {
                    keep.add(min);
                }
                if (max >= 0 && max != min) {
                    keep.add(max);
                }
            }
        }
        keep.add(n - 1);
        return keep;
    }
}
