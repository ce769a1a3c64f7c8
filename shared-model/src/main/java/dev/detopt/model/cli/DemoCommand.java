package dev.detopt.model.cli;

import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.study.StepRecord;
import dev.detopt.model.study.StudyHistory;
import dev.detopt.model.study.StudyRunner;
import dev.detopt.model.study.StudySpec;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.contract.WireJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.SerializationFeature;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code detopt-sim demo}: the classic branching-shower optimization (Kagan &amp; Heinrich): Adam
 * (lr 0.01) from θ = 3.0 with 2 events per step for 500 steps, θ ≥ 0, for every estimator and 10
 * seeds, each run by the reference {@link StudyRunner}. Prints, per 50-step window, the mean and
 * interquartile range over seeds of the window's mean loss and of θ at the window's end.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Optimize the branching shower's inner radius with every estimator over several seeds.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--split-prob", split = ",", defaultValue = "1,0",
            description = "Split probabilities to run (1 = shower, 0 = energy loss). Default: ${DEFAULT-VALUE}.")
    List<Double> splitProbabilities;

    @Option(names = "--estimators", split = ",", defaultValue = "all",
            description = "all, or a comma-separated list of estimator names. Default: ${DEFAULT-VALUE}.")
    List<String> estimators;

    @Option(names = "--seeds", defaultValue = "10", description = "Seeds 1..N per estimator. Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--steps", defaultValue = "500", description = "Steps per run. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--events-per-step", defaultValue = "2", description = "Default: ${DEFAULT-VALUE}.")
    int eventsPerStep;

    @Option(names = "--learning-rate", defaultValue = "0.01", description = "Adam learning rate. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--theta0", defaultValue = "3.0", description = "Initial inner radius. Default: ${DEFAULT-VALUE}.")
    double theta0;

    @Option(names = "--window", defaultValue = "50", description = "Steps per summary row. Default: ${DEFAULT-VALUE}.")
    int window;

    @Option(names = "--fd-step", defaultValue = "0.05", description = "Finite-difference step h. Default: ${DEFAULT-VALUE}.")
    double finiteDifferenceStep;

    @Option(names = "--threads", description = "Runs in parallel (each run is single-threaded). Default: available processors.")
    Integer threads;

    @Option(names = "--format", defaultValue = "table", description = "table or json. Default: ${DEFAULT-VALUE}.")
    String format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Mean and quartiles over seeds. */
    record Spread(double mean, double q1, double q3) {
    }

    /** One summary row: steps [from, to). */
    record Window(int from, int to, Spread loss, Spread theta) {
    }

    record EstimatorSummary(String estimator, List<Window> windows, Spread finalTheta, double seconds) {
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        if (!format.equals("table") && !format.equals("json")) {
            throw new CommandLine.ParameterException(cli, "--format must be table or json, was " + format);
        }
        if (seeds < 1 || steps < 1 || window < 1 || eventsPerStep < 2) {
            throw new CommandLine.ParameterException(cli, "--seeds, --steps and --window must be positive and --events-per-step at least 2");
        }
        List<EstimatorKind> kinds = new ArrayList<>();
        for (String name : estimators) {
            if (name.equals("all")) {
                kinds.addAll(Arrays.asList(EstimatorKind.values()));
            } else {
                try {
                    kinds.add(EstimatorKind.fromWireName(name));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(cli, "--estimators: " + e.getMessage());
                }
            }
        }
        int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (threadCount < 1) {
            throw new CommandLine.ParameterException(cli, "--threads must be at least 1");
        }
        Map<String, List<EstimatorSummary>> byVariant = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threadCount);
        try {
            for (double split : splitProbabilities) {
                List<EstimatorSummary> summaries = new ArrayList<>();
                for (EstimatorKind kind : kinds) {
                    summaries.add(runEstimator(pool, split, kind, cli));
                }
                byVariant.put(variantName(split), summaries);
            }
        } finally {
            pool.shutdownNow();
        }
        PrintWriter out = cli.getOut();
        if (format.equals("json")) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("optimizer", Map.of("type", "adam", "learningRate", learningRate));
            root.put("theta0", theta0);
            root.put("eventsPerStep", eventsPerStep);
            root.put("steps", steps);
            root.put("seeds", seeds);
            root.put("variants", byVariant);
            out.println(WireJson.mapper().writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
        } else {
            byVariant.forEach((variant, summaries) -> printTable(out, variant, summaries));
        }
        out.flush();
        return 0;
    }

    private static String variantName(double split) {
        return split == 1.0 ? "shower (split_prob 1)" : split == 0.0 ? "energy loss (split_prob 0)" : "split_prob " + split;
    }

    /** The study spec of one demo run: the same JSON a user could give to {@code optimize}. */
    public String specJson(double splitProbability, EstimatorKind kind, long seed) {
        return """
                {"name": "branching demo %s seed %d",
                 "simulator": {"name": "branching", "config": {"splitProbability": %s}},
                 "parameters": [{"name": "theta", "initial": %s, "lower": 0}],
                 "estimator": {"kind": "%s", "finiteDifferenceSteps": {"theta": %s}},
                 "objective": {"type": "expected-loss", "observable": "loss"},
                 "optimizer": {"type": "adam", "learningRate": %s},
                 "eventsPerStep": %d, "eventsPerBatch": %d, "maxSteps": %d, "seed": %d}
                """.formatted(kind.wireName(), seed, splitProbability, theta0, kind.wireName(), finiteDifferenceStep,
                learningRate, eventsPerStep, eventsPerStep, steps, seed);
    }

    private EstimatorSummary runEstimator(ExecutorService pool, double split, EstimatorKind kind, CommandLine cli)
            throws InterruptedException, ExecutionException {
        long started = System.nanoTime();
        List<Future<StudyHistory>> runs = new ArrayList<>();
        for (long seed = 1; seed <= seeds; seed++) {
            StudySpec study;
            try {
                study = StudySpecs.fromJson(specJson(split, kind, seed));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cli, e.getMessage());
            }
            runs.add(pool.submit(() -> new StudyRunner(study, 1).run(record -> { })));
        }
        List<List<StepRecord>> histories = new ArrayList<>();
        for (Future<StudyHistory> run : runs) {
            histories.add(run.get().steps());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        List<Window> windows = new ArrayList<>();
        for (int from = 0; from < steps; from += window) {
            int to = Math.min(steps, from + window);
            double[] meanLoss = new double[seeds];
            double[] endTheta = new double[seeds];
            for (int s = 0; s < seeds; s++) {
                List<StepRecord> slice = histories.get(s).subList(from, to);
                meanLoss[s] = slice.stream().mapToDouble(StepRecord::physics).average().orElseThrow();
                endTheta[s] = slice.getLast().theta().get("theta");
            }
            windows.add(new Window(from, to, spread(meanLoss), spread(endTheta)));
        }
        double[] finalTheta = new double[seeds];
        for (int s = 0; s < seeds; s++) {
            List<StepRecord> history = histories.get(s);
            finalTheta[s] = history.getLast().theta().get("theta");
        }
        return new EstimatorSummary(kind.wireName(), windows, spread(finalTheta), seconds);
    }

    /** Mean and the 25 % / 75 % quantiles (linear interpolation between order statistics). */
    static Spread spread(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Spread(Arrays.stream(values).average().orElseThrow(), quantile(sorted, 0.25), quantile(sorted, 0.75));
    }

    static double quantile(double[] sorted, double p) {
        double position = p * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    private void printTable(PrintWriter out, String variant, List<EstimatorSummary> summaries) {
        out.printf(Locale.ROOT, "%n== %s: Adam lr %s from θ = %s, %d events/step, %d steps, seeds 1..%d ==%n",
                variant, learningRate, theta0, eventsPerStep, steps, seeds);
        out.println("loss = mean per-event loss over the window (per seed), θ = θ at the window's last step; "
                + "mean [q1, q3] over seeds");
        for (EstimatorSummary summary : summaries) {
            out.printf(Locale.ROOT, "%n%s (%.1f s)%n", summary.estimator(), summary.seconds());
            out.printf(Locale.ROOT, "  %-9s %-30s %-30s%n", "steps", "loss", "θ");
            for (Window w : summary.windows()) {
                out.printf(Locale.ROOT, "  %-9s %-30s %-30s%n", w.from() + "-" + (w.to() - 1), format(w.loss()), format(w.theta()));
            }
        }
    }

    private static String format(Spread s) {
        return String.format(Locale.ROOT, "%.4f [%.4f, %.4f]", s.mean(), s.q1(), s.q3());
    }
}
