package dev.detopt.service.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The front of hand-made (physics, cost) points, worked out by hand. */
class ParetoFrontTest {

    static ParetoFront.Point<String> p(String id, double physics, double cost) {
        return new ParetoFront.Point<>(id, physics, cost);
    }

    @Test
    void keepsTheNonDominatedPointsByIncreasingCost() {
        // a(4,1) b(3,2) c(3.5,2.5: worse than b in both) d(1,5) e(2,5: worse physics than d at equal cost)
        // f(0.5,9) g(5,1: same cost as a, worse physics)
        List<ParetoFront.Point<String>> points = List.of(p("a", 4, 1), p("b", 3, 2), p("c", 3.5, 2.5), p("d", 1, 5),
                p("e", 2, 5), p("f", 0.5, 9), p("g", 5, 1));
        assertThat(ParetoFront.of(points)).extracting(ParetoFront.Point::id).containsExactly("a", "b", "d", "f");
    }

    @Test
    void equalPointsAreBothOnTheFrontAndNonFinitePointsNever() {
        List<ParetoFront.Point<String>> points = List.of(p("x", 1, 1), p("y", 1, 1), p("nan", Double.NaN, 0),
                p("inf", 0, Double.POSITIVE_INFINITY), p("z", 2, 2));
        assertThat(ParetoFront.of(points)).extracting(ParetoFront.Point::id).containsExactly("x", "y");
    }

    @Test
    void aSinglePointIsItsOwnFront() {
        assertThat(ParetoFront.of(List.of(p("only", 7, 3)))).extracting(ParetoFront.Point::id).containsExactly("only");
        assertThat(ParetoFront.<String>of(List.of())).isEmpty();
    }
}
