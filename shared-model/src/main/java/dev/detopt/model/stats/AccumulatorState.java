package dev.detopt.model.stats;

import java.util.Arrays;

/** Serial form of a {@link SampleAccumulator}: plain data, exact, JSON-friendly. */
public record AccumulatorState(
        SampleLayout layout,
        long events,
        ExactSum.State[] sumY,
        ExactSum.State[] sumY2,
        ExactSum.State[] sumG,
        ExactSum.State[] sumG2,
        ExactSum.State[] sumS,
        ExactSum.State[] sumS2,
        ExactSum.State[] sumYS2) {

    @Override
    public boolean equals(Object o) {
        return o instanceof AccumulatorState s && layout.equals(s.layout) && events == s.events
                && Arrays.equals(sumY, s.sumY) && Arrays.equals(sumY2, s.sumY2)
                && Arrays.equals(sumG, s.sumG) && Arrays.equals(sumG2, s.sumG2)
                && Arrays.equals(sumS, s.sumS) && Arrays.equals(sumS2, s.sumS2)
                && Arrays.equals(sumYS2, s.sumYS2);
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
