package dev.detopt.service.campaign;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The spread over seeds: per step, the median and the interquartile range of the loss over the
 * members that reached that step (non-finite values left out). Quantiles interpolate linearly
 * between order statistics (Hyndman and Fan's type 7, the default of R and NumPy).
 */
public final class SeedBands {
    private SeedBands() {
    }

    /** One step of a band: how many members reached it, the median, and the lower and upper quartiles. */
    public record Point(int step, int members, double median, double lowerQuartile, double upperQuartile) {
    }

    /** @param lossBySeries per member, its loss by step */
    public static List<Point> of(List<Map<Integer, Double>> lossBySeries) {
        Map<Integer, List<Double>> byStep = new TreeMap<>();
        for (Map<Integer, Double> series : lossBySeries) {
            series.forEach((step, loss) -> {
                if (loss != null && Double.isFinite(loss)) {
                    byStep.computeIfAbsent(step, s -> new ArrayList<>()).add(loss);
                }
            });
        }
        List<Point> points = new ArrayList<>();
        byStep.forEach((step, values) -> {
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(sorted);
            points.add(new Point(step, sorted.length, quantile(sorted, 0.5), quantile(sorted, 0.25), quantile(sorted, 0.75)));
        });
        return points;
    }

    /** Type-7 quantile of sorted, non-empty values. */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int below = (int) Math.floor(h);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (h - below) * (sorted[above] - sorted[below]);
    }
}
