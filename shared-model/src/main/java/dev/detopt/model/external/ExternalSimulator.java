package dev.detopt.model.external;

import dev.detopt.model.random.EventRandomness;
import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.random.StreamPurpose;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.RangeEvaluator;
import dev.detopt.model.sim.Simulator;
import dev.detopt.model.sim.SurrogateDesigns;
import dev.detopt.model.sim.SurrogateEvaluator;
import dev.detopt.model.stats.EventSample;
import dev.detopt.model.stats.SampleAccumulator;
import dev.detopt.model.stats.SampleLayout;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A registered external simulator program with one configuration, as a {@link Simulator}. Building
 * one starts nothing: programs start on the first batch and stay warm in the shared pool of
 * {@link ExternalSimulators}. Estimators: finite differences always (θ ± h with the same event
 * seeds when common random numbers are on); pathwise with tangents; score and score-baseline with
 * score terms; the surrogate estimator always (observables only, one request per event since every
 * event has its own design).
 */
public final class ExternalSimulator implements Simulator {
    /** Largest number of events in one request (requests are split below this). */
    public static final int MAX_EVENTS_PER_REQUEST = 8192;
    /** Largest answer payload of one request; programs with many values per event get fewer events per request. */
    static final long MAX_ANSWER_BYTES = 32L << 20;

    private final SimulatorRegistration registration;
    private final Supplier<ProcessPool> pool;

    ExternalSimulator(SimulatorRegistration registration, Supplier<ProcessPool> pool) {
        this.registration = registration;
        this.pool = pool;
    }

    @Override
    public String name() {
        return registration.name();
    }

    public SimulatorRegistration registration() {
        return registration;
    }

    @Override
    public List<String> parameterNames() {
        return registration.declaration().parameterNames();
    }

    @Override
    public List<String> observableNames() {
        return registration.declaration().observables();
    }

    @Override
    public Set<EstimatorKind> supportedEstimators() {
        return supported(registration.declaration().capabilities());
    }

    static Set<EstimatorKind> supported(SimulatorDeclaration.Capabilities capabilities) {
        Set<EstimatorKind> kinds = EnumSet.of(EstimatorKind.FINITE_DIFFERENCE, EstimatorKind.SURROGATE);
        if (capabilities.tangents()) {
            kinds.add(EstimatorKind.PATHWISE);
        }
        if (capabilities.scores()) {
            kinds.add(EstimatorKind.SCORE);
            kinds.add(EstimatorKind.SCORE_BASELINE);
        }
        return kinds;
    }

    @Override
    public Evaluator evaluator(DesignPoint point, EstimatorSettings estimator) {
        requireSupported(estimator.kind());
        if (point.values().length != parameterNames().size()) {
            throw new IllegalArgumentException("simulator '" + name() + "' has parameters " + parameterNames()
                    + " but got " + point.values().length + " values");
        }
        return new Evaluator(point, estimator);
    }

    /** Evaluates ranges of events through requests to a pooled program. Thread-confined. */
    public final class Evaluator implements RangeEvaluator {
        private final double[] theta;
        private final int[] differentiated;
        private final EstimatorSettings estimator;
        private final SampleLayout layout;
        private final int m;
        private final int n;
        private final int eventsPerRequest;
        private final double[] widths;

        Evaluator(DesignPoint point, EstimatorSettings estimator) {
            this.theta = point.values();
            this.differentiated = point.differentiated();
            this.estimator = estimator;
            this.m = observableNames().size();
            this.n = differentiated.length;
            SampleLayout.GradientForm form = switch (estimator.kind()) {
                case SCORE -> SampleLayout.GradientForm.SCORE;
                case SCORE_BASELINE -> SampleLayout.GradientForm.SCORE_BASELINE;
                default -> SampleLayout.GradientForm.DIRECT;
            };
            this.layout = estimator.kind() == EstimatorKind.SURROGATE
                    ? SurrogateEvaluator.layout(m, n, estimator) : new SampleLayout(m, n, form);
            this.widths = estimator.kind() == EstimatorKind.SURROGATE ? SurrogateDesigns.checkedWidths(estimator, point) : null;
            long valuesPerEvent = m + (long) m * n + n;
            this.eventsPerRequest = (int) Math.max(1, Math.min(MAX_EVENTS_PER_REQUEST, MAX_ANSWER_BYTES / (8 * valuesPerEvent)));
            if (estimator.kind() == EstimatorKind.FINITE_DIFFERENCE) {
                double[] h = estimator.finiteDifferenceSteps();
                if (h.length != theta.length) {
                    throw new IllegalArgumentException("finite differences need one step per parameter: got "
                            + h.length + " for " + theta.length + " parameters");
                }
                for (int j : differentiated) {
                    if (!(h[j] > 0) || !Double.isFinite(h[j])) {
                        throw new IllegalArgumentException("finite-difference step for parameter " + j
                                + " must be positive and finite, was " + h[j]);
                    }
                }
            }
        }

        @Override
        public SampleLayout layout() {
            return layout;
        }

        /** One event on its own (a request of one event); {@link #evaluateRange} is the fast path. */
        @Override
        public void evaluate(EventRandomness randomness, EventSample out) {
            throw new UnsupportedOperationException("external simulators evaluate ranges of events (RangeEvaluator)");
        }

        @Override
        public void evaluateRange(RandomStreams streams, long step, long from, long to, SampleAccumulator into) {
            SampleAccumulator part = new SampleAccumulator(layout);
            ProcessPool programs = pool.get();
            SimulatorProcess process = programs.acquire();
            try {
                for (long start = from; start < to; start += eventsPerRequest) {
                    long end = Math.min(to, start + eventsPerRequest);
                    requestRange(process, streams, step, start, (int) (end - start), part);
                }
            } finally {
                programs.release(process);
            }
            into.merge(part);
        }

        private void requestRange(SimulatorProcess process, RandomStreams streams, long step, long first, int events,
                                  SampleAccumulator into) {
            long[] seeds = seeds(streams, step, first, events, StreamPurpose.SIMULATION, 0);
            EventSample sample = new EventSample(layout);
            switch (estimator.kind()) {
                case FINITE_DIFFERENCE -> {
                    double[] primal = primal(process, theta, step, first, seeds);
                    double[][] plus = new double[n][];
                    double[][] minus = new double[n][];
                    double[] h = estimator.finiteDifferenceSteps();
                    for (int k = 0; k < n; k++) {
                        int j = differentiated[k];
                        double[] shifted = theta.clone();
                        shifted[j] = theta[j] + h[j];
                        plus[k] = primal(process, shifted, step, first, estimator.commonRandomNumbers() ? seeds
                                : seeds(streams, step, first, events, StreamPurpose.FINITE_DIFFERENCE, 2 * k + 1));
                        shifted[j] = theta[j] - h[j];
                        minus[k] = primal(process, shifted, step, first, estimator.commonRandomNumbers() ? seeds
                                : seeds(streams, step, first, events, StreamPurpose.FINITE_DIFFERENCE, 2 * k));
                    }
                    for (int e = 0; e < events; e++) {
                        System.arraycopy(primal, e * m, sample.observables, 0, m);
                        for (int k = 0; k < n; k++) {
                            double twoH = 2 * h[differentiated[k]];
                            for (int i = 0; i < m; i++) {
                                sample.gradient[i * n + k] = (plus[k][e * m + i] - minus[k][e * m + i]) / twoH;
                            }
                        }
                        into.add(sample);
                    }
                }
                case PATHWISE -> {
                    double[] values = answer(process, theta, true, false, step, first, seeds);
                    int perEvent = m + m * n;
                    for (int e = 0; e < events; e++) {
                        System.arraycopy(values, e * perEvent, sample.observables, 0, m);
                        System.arraycopy(values, e * perEvent + m, sample.gradient, 0, m * n);
                        into.add(sample);
                    }
                }
                case SCORE, SCORE_BASELINE -> {
                    double[] values = answer(process, theta, false, true, step, first, seeds);
                    int perEvent = m + n;
                    for (int e = 0; e < events; e++) {
                        System.arraycopy(values, e * perEvent, sample.observables, 0, m);
                        System.arraycopy(values, e * perEvent + m, sample.score, 0, n);
                        for (int i = 0; i < m; i++) {
                            for (int k = 0; k < n; k++) {
                                sample.gradient[i * n + k] = sample.observables[i] * sample.score[k];
                            }
                        }
                        into.add(sample);
                    }
                }
                case SURROGATE -> {
                    // every event has its own design, so each is a request of one event
                    double[] shifted = theta.clone();
                    for (int e = 0; e < events; e++) {
                        long event = first + e;
                        SurrogateDesigns.displacement(streams.stream(step, event - (event & 1L), StreamPurpose.SURROGATE, 0),
                                (event & 1L) != 0, widths, differentiated, sample.displacement);
                        for (int k = 0; k < n; k++) {
                            shifted[differentiated[k]] = theta[differentiated[k]] + sample.displacement[k];
                        }
                        double[] values = primal(process, shifted, step, event, new long[] {seeds[e]});
                        System.arraycopy(values, 0, sample.observables, 0, m);
                        into.add(sample);
                    }
                }
                default -> throw new IllegalStateException("unsupported estimator " + estimator.kind());
            }
        }

        private double[] primal(SimulatorProcess process, double[] at, long step, long first, long[] seeds) {
            return answer(process, at, false, false, step, first, seeds);
        }

        private double[] answer(SimulatorProcess process, double[] at, boolean tangents, boolean scores, long step,
                                long first, long[] seeds) {
            int[] diff = tangents || scores ? differentiated : new int[0];
            double[] values = process.request(new SimulatorProcess.Request(at, diff, tangents, scores, step, first, seeds));
            if (registration.verifyDeterminism()) {
                double[] again = process.request(new SimulatorProcess.Request(at, diff, tangents, scores, step, first,
                        new long[] {seeds[0]}));
                double[] firstEvent = Arrays.copyOf(values, again.length);
                if (!Arrays.equals(firstEvent, again)) {
                    int slot = 0;
                    while (Double.doubleToRawLongBits(firstEvent[slot]) == Double.doubleToRawLongBits(again[slot])) {
                        slot++;
                    }
                    throw new SimulatorFailure("simulator '" + name() + "' is not deterministic per event seed: "
                            + "event " + first + " of step " + step + " gave " + firstEvent[slot] + " and then "
                            + again[slot] + " (value " + slot + " of the event) for the same seed and θ", process.stderrTail());
                }
            }
            return values;
        }
    }

    private static long[] seeds(RandomStreams streams, long step, long first, int events, StreamPurpose purpose, int substream) {
        long[] seeds = new long[events];
        for (int e = 0; e < events; e++) {
            seeds[e] = streams.eventSeed(step, first + e, purpose, substream);
        }
        return seeds;
    }
}
