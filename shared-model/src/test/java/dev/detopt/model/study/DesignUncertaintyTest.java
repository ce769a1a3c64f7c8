package dev.detopt.model.study;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The answer's uncertainty against cases worked out by hand. */
class DesignUncertaintyTest {

    private static StepRecord record(int step, Map<String, Double> theta, Map<String, StepRecord.ObservableEstimate> observables) {
        return new StepRecord(step, theta, 1.0, 0.1, 0, 0, 1.0, Map.of("a", 0.0, "b", 0.0), Map.of("a", 1.0, "b", 1.0),
                0, 100, 100L * (step + 1), null, observables);
    }

    private static Map<String, StepRecord.ObservableEstimate> observables(StepRecord.ObservableEstimate... rows) {
        Map<String, StepRecord.ObservableEstimate> map = new LinkedHashMap<>();
        for (int i = 0; i < rows.length; i++) {
            map.put("layer." + i, rows[i]);
        }
        map.put("not-compared", new StepRecord.ObservableEstimate(5.0, 0.0, null));
        return map;
    }

    /**
     * J = [[1, 0], [1, 2]], σ = (0.5, 1): JᵀWJ = [[4·1 + 1, 2], [2, 4]] = [[5, 2], [2, 4]], det 16,
     * inverse [[4, −2], [−2, 5]] / 16, so σ_a = √(4/16) = 0.5 and σ_b = √(5/16) = √5 / 4.
     */
    @Test
    void gaussNewtonIsTheInverseOfJTransposeWJ() {
        StepRecord newest = record(7, Map.of("a", 1.0, "b", 2.0), observables(
                new StepRecord.ObservableEstimate(3.0, 0.5, Map.of("a", 1.0, "b", 0.0)),
                new StepRecord.ObservableEstimate(4.0, 1.0, Map.of("a", 1.0, "b", 2.0))));
        DesignUncertainty.Estimate estimate = DesignUncertainty.of(true, List.of("a", "b"), List.of(newest));
        assertEquals("gauss-newton", estimate.method());
        assertEquals(List.of(7), estimate.steps());
        assertEquals(0.5, estimate.stderr().get("a"), 1e-15);
        assertEquals(Math.sqrt(5) / 4, estimate.stderr().get("b"), 1e-15);
        assertArrayEquals(new double[] {0.25, -0.125}, estimate.covariance()[0], 1e-15);
        assertArrayEquals(new double[] {-0.125, 0.3125}, estimate.covariance()[1], 1e-15);
    }

    /** One compared observable cannot pin two parameters: JᵀWJ is singular, so the spread is used. */
    @Test
    void aSingularCurvatureFallsBackToTheSpreadOverTheLastSteps() {
        List<StepRecord> steps = List.of(
                record(0, Map.of("a", 9.0, "b", 0.0), null), // outside the window of 10
                record(1, Map.of("a", 1.0, "b", 5.0), null),
                record(2, Map.of("a", 2.0, "b", 5.0), null),
                record(3, Map.of("a", 3.0, "b", 5.0), null),
                record(4, Map.of("a", 4.0, "b", 5.0), null),
                record(5, Map.of("a", 1.0, "b", 5.0), null),
                record(6, Map.of("a", 2.0, "b", 5.0), null),
                record(7, Map.of("a", 3.0, "b", 5.0), null),
                record(8, Map.of("a", 4.0, "b", 5.0), null),
                record(9, Map.of("a", 2.5, "b", 5.0), null),
                record(10, Map.of("a", 2.5, "b", 5.0), observables(
                        new StepRecord.ObservableEstimate(3.0, 0.5, Map.of("a", 1.0, "b", 1.0)))));
        DesignUncertainty.Estimate estimate = DesignUncertainty.of(true, List.of("a", "b"), steps);
        assertEquals("spread", estimate.method());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), estimate.steps());
        // a over steps 1..10: 1,2,3,4,1,2,3,4,2.5,2.5 → mean 2.5, squares 2·(2.25+0.25+0.25+2.25) = 10, over 9.
        assertEquals(Math.sqrt(10.0 / 9), estimate.stderr().get("a"), 1e-15);
        assertEquals(0.0, estimate.stderr().get("b"));
        assertNull(estimate.covariance());
    }

    @Test
    void otherObjectivesUseTheSpreadAndTooFewStepsGiveNone() {
        StepRecord withJacobian = record(2, Map.of("a", 1.0, "b", 2.0), observables(
                new StepRecord.ObservableEstimate(3.0, 0.5, Map.of("a", 1.0, "b", 0.0)),
                new StepRecord.ObservableEstimate(4.0, 1.0, Map.of("a", 1.0, "b", 2.0))));
        List<StepRecord> three = List.of(record(0, Map.of("a", 0.0, "b", 2.0), null),
                record(1, Map.of("a", 3.0, "b", 2.0), null), withJacobian);
        DesignUncertainty.Estimate spread = DesignUncertainty.of(false, List.of("a", "b"), three);
        assertEquals("spread", spread.method());
        // a: 0, 3, 1 → mean 4/3, squares 16/9 + 25/9 + 1/9 = 42/9, over 2.
        assertEquals(Math.sqrt(42.0 / 18), spread.stderr().get("a"), 1e-15);

        DesignUncertainty.Estimate none = DesignUncertainty.of(false, List.of("a", "b"), three.subList(1, 3));
        assertEquals("none", none.method());
        assertEquals(Map.of(), none.stderr());
    }

    @Test
    void aZeroStandardErrorIsNotAnInfiniteWeight() {
        StepRecord newest = record(3, Map.of("a", 1.0, "b", 2.0), observables(
                new StepRecord.ObservableEstimate(3.0, 0.0, Map.of("a", 1.0, "b", 0.0)),
                new StepRecord.ObservableEstimate(4.0, 1.0, Map.of("a", 1.0, "b", 2.0))));
        assertNull(DesignUncertainty.gaussNewtonCovariance(List.of("a", "b"), newest));
    }
}
