package dev.detopt.model.estimate;

import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.Simulator;
import dev.detopt.model.stats.SampleSummary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs several gradient estimators on the same events (same study seed, step 0, events [0, N)) at
 * one design point and summarises the gradient of one observable with respect to one parameter.
 * Because every estimator simulates the same primal events, the mean of the observable is the
 * same for all of them.
 */
public final class EstimatorStudy {
    private final Simulator simulator;
    private final int threads;

    public EstimatorStudy(Simulator simulator, int threads) {
        this.simulator = simulator;
        this.threads = threads;
    }

    /**
     * One estimator's result.
     *
     * @param mean            estimate of dE[y]/dθ
     * @param std             standard deviation of the per-event gradient samples (for the baseline
     *                        form, of (y − ȳ)·s)
     * @param stderr          standard error of {@code mean}
     * @param meanObservable  mean of y over the events
     * @param observableStderr its standard error
     * @param seconds         wall time of the run
     * @param eventsPerSecond events simulated per second of wall time
     */
    public record Result(EstimatorKind estimator, double mean, double std, double stderr, double meanObservable,
                         double observableStderr, double seconds, double eventsPerSecond) {
    }

    /**
     * @param values     every parameter value
     * @param parameter  index of the differentiated parameter
     * @param observable index of the observable whose gradient is reported
     */
    public List<Result> run(double[] values, int parameter, int observable, List<EstimatorSettings> estimators,
                            long seed, int events) {
        if (events < 2) {
            throw new IllegalArgumentException("a study needs at least 2 events, got " + events);
        }
        DesignPoint point = new DesignPoint(values, new int[] {parameter});
        RandomStreams streams = new RandomStreams(seed);
        List<Result> results = new ArrayList<>();
        for (EstimatorSettings settings : estimators) {
            long start = System.nanoTime();
            SampleSummary summary;
            try (BatchRunner runner = new BatchRunner(simulator, point, settings, streams, 0, threads)) {
                summary = runner.run(0, events).summary();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double stderr = summary.gradientStderr(observable, 0);
            results.add(new Result(settings.kind(), summary.gradient(observable, 0), stderr * Math.sqrt(events), stderr,
                    summary.mean()[observable], summary.meanStderr()[observable], seconds, events / seconds));
        }
        return results;
    }

    /**
     * Settings for the named estimators ("all" or wire names).
     *
     * @param parameters           number of simulator parameters
     * @param finiteDifferenceStep h for every parameter
     * @param surrogateWidth       surrogate: σ for every parameter
     */
    public static List<EstimatorSettings> settings(List<String> names, int parameters, double finiteDifferenceStep, boolean commonRandomNumbers,
                                                   boolean reuseUniforms, double surrogateWidth, boolean surrogateQuadratic) {
        List<EstimatorKind> kinds = new ArrayList<>();
        for (String name : names) {
            if (name.equals("all")) {
                kinds.addAll(List.of(EstimatorKind.values()));
            } else {
                kinds.add(EstimatorKind.fromWireName(name));
            }
        }
        double[] steps = new double[parameters];
        Arrays.fill(steps, finiteDifferenceStep);
        double[] widths = new double[parameters];
        Arrays.fill(widths, surrogateWidth);
        List<EstimatorSettings> settings = new ArrayList<>();
        for (EstimatorKind kind : kinds.stream().distinct().toList()) {
            settings.add(new EstimatorSettings(kind, kind == EstimatorKind.FINITE_DIFFERENCE ? steps : null,
                    commonRandomNumbers, reuseUniforms, kind == EstimatorKind.SURROGATE ? widths : null,
                    kind == EstimatorKind.SURROGATE && surrogateQuadratic));
        }
        return settings;
    }
}
