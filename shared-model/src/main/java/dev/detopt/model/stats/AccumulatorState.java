package dev.detopt.model.stats;

import dev.detopt.model.categorical.ScoreFunctionSums;

import java.util.Arrays;
import java.util.List;

/**
 * Serial form of a {@link SampleAccumulator}: plain data, exact, JSON-friendly. {@code sumXX} and
 * {@code sumXY} are the surrogate estimator's least-squares sums (empty for the other estimators);
 * {@code choiceSums} the per-choice sums of every observable for each categorical design parameter
 * (categorical-major, j·m + i; absent without categoricals).
 */
public record AccumulatorState(
        SampleLayout layout,
        long events,
        ExactSum.State[] sumY,
        ExactSum.State[] sumY2,
        ExactSum.State[] sumG,
        ExactSum.State[] sumG2,
        ExactSum.State[] sumS,
        ExactSum.State[] sumS2,
        ExactSum.State[] sumYS2,
        ExactSum.State[] sumXX,
        ExactSum.State[] sumXY,
        List<ScoreFunctionSums.State> choiceSums) {

    public AccumulatorState {
        choiceSums = choiceSums == null ? List.of() : List.copyOf(choiceSums);
        // states written before the surrogate estimator existed have no surrogate sums
        sumXX = sumXX == null ? new ExactSum.State[0] : sumXX;
        sumXY = sumXY == null ? new ExactSum.State[0] : sumXY;
    }

    /** A state without surrogate sums (every estimator but the surrogate). */
    public AccumulatorState(SampleLayout layout, long events, ExactSum.State[] sumY, ExactSum.State[] sumY2,
                            ExactSum.State[] sumG, ExactSum.State[] sumG2, ExactSum.State[] sumS,
                            ExactSum.State[] sumS2, ExactSum.State[] sumYS2) {
        this(layout, events, sumY, sumY2, sumG, sumG2, sumS, sumS2, sumYS2, new ExactSum.State[0], new ExactSum.State[0],
                List.of());
    }

    /** A state without categorical sums. */
    public AccumulatorState(SampleLayout layout, long events, ExactSum.State[] sumY, ExactSum.State[] sumY2,
                            ExactSum.State[] sumG, ExactSum.State[] sumG2, ExactSum.State[] sumS,
                            ExactSum.State[] sumS2, ExactSum.State[] sumYS2, ExactSum.State[] sumXX,
                            ExactSum.State[] sumXY) {
        this(layout, events, sumY, sumY2, sumG, sumG2, sumS, sumS2, sumYS2, sumXX, sumXY, List.of());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccumulatorState s && layout.equals(s.layout) && events == s.events
                && Arrays.equals(sumY, s.sumY) && Arrays.equals(sumY2, s.sumY2)
                && Arrays.equals(sumG, s.sumG) && Arrays.equals(sumG2, s.sumG2)
                && Arrays.equals(sumS, s.sumS) && Arrays.equals(sumS2, s.sumS2)
                && Arrays.equals(sumYS2, s.sumYS2) && Arrays.equals(sumXX, s.sumXX) && Arrays.equals(sumXY, s.sumXY)
                && choiceSums.equals(s.choiceSums);
    }

    @Override
    public int hashCode() {
        return 31 * layout.hashCode() + Long.hashCode(events) + 17 * Arrays.hashCode(sumY) + 19 * Arrays.hashCode(sumG);
    }

    @Override
    public String toString() {
        return "AccumulatorState[" + layout + ", events=" + events + "]";
    }
}
