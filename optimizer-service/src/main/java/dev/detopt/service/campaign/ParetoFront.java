package dev.detopt.service.campaign;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Pareto front of designs under two losses to minimise (physics loss and cost): a design is
 * on the front when no other design is at least as good in both and better in one. Designs with a
 * non-finite coordinate are never on it. Equal designs are both on the front.
 */
public final class ParetoFront {
    private ParetoFront() {
    }

    public record Point<T>(T id, double physics, double cost) {
    }

    /** The non-dominated points, by increasing cost (then physics). */
    public static <T> List<Point<T>> of(List<Point<T>> points) {
        List<Point<T>> front = new ArrayList<>();
        for (Point<T> candidate : points) {
            if (!finite(candidate)) {
                continue;
            }
            boolean dominated = false;
            for (Point<T> other : points) {
                if (other != candidate && finite(other) && dominates(other, candidate)) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                front.add(candidate);
            }
        }
        front.sort(Comparator.<Point<T>>comparingDouble(Point::cost).thenComparingDouble(Point::physics));
        return front;
    }

    static boolean dominates(Point<?> a, Point<?> b) {
        return a.physics() <= b.physics() && a.cost() <= b.cost() && (a.physics() < b.physics() || a.cost() < b.cost());
    }

    private static boolean finite(Point<?> point) {
        return Double.isFinite(point.physics()) && Double.isFinite(point.cost());
    }
}
