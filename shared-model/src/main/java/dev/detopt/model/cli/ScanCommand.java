package dev.detopt.model.cli;

import dev.detopt.model.estimate.EstimatorStudy;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.Simulator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code detopt-sim scan}: the mean loss and every estimator's gradient over a θ grid. All points
 * use the same seed (common random numbers across θ), so the mean-loss curve is smooth and its
 * numerical slope, printed next to the estimators, is what they should agree with.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Scan theta: mean loss, its numerical slope and every estimator's gradient per point.")
public final class ScanCommand implements Callable<Integer> {
    @Mixin
    StudyOptions options;

    @Option(names = "--from", defaultValue = "0.2", description = "First theta. Default: ${DEFAULT-VALUE}.")
    double from;

    @Option(names = "--to", defaultValue = "4.0", description = "Last theta. Default: ${DEFAULT-VALUE}.")
    double to;

    @Option(names = "--points", defaultValue = "31", description = "Number of theta points. Default: ${DEFAULT-VALUE}.")
    int points;

    @Option(names = "--events", defaultValue = "500", description = "Events per point and estimator. Default: ${DEFAULT-VALUE}.")
    int events;

    @Option(names = "--format", defaultValue = "table", description = "table or json. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--spread", defaultValue = "std",
            description = "What the table prints after ±: std (per-event standard deviation) or stderr. Default: ${DEFAULT-VALUE}.")
    String spread;

    @Option(names = "--plot", description = "Also write a PNG plot (mean loss; estimators ± standard error against the loss slope).")
    Path plot;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One θ point of the scan. */
    record Point(double theta, double meanLoss, double meanLossStderr, double lossSlope, List<EstimatorStudy.Result> estimators) {
    }

    @Override
    public Integer call() throws IOException {
        if (events < 2) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--events must be at least 2");
        }
        if (points < 2) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--points must be at least 2");
        }
        if (!format.equals("table") && !format.equals("json")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be table or json, was " + format);
        }
        if (!spread.equals("std") && !spread.equals("stderr")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--spread must be std or stderr, was " + spread);
        }
        Simulator simulator = options.createSimulator(spec.commandLine());
        List<EstimatorSettings> settings = options.estimatorSettings(spec.commandLine(), simulator);
        EstimatorStudy study = new EstimatorStudy(simulator, options.threadCount(spec.commandLine()));
        double[] thetas = new double[points];
        List<List<EstimatorStudy.Result>> results = new ArrayList<>();
        for (int k = 0; k < points; k++) {
            thetas[k] = from + (to - from) * k / (points - 1);
            results.add(study.run(new double[] {thetas[k]}, 0, 0, settings, options.seed, events));
        }
        List<Point> scan = new ArrayList<>();
        for (int k = 0; k < points; k++) {
            int lo = Math.max(0, k - 1);
            int hi = Math.min(points - 1, k + 1);
            double slope = (results.get(hi).getFirst().meanObservable() - results.get(lo).getFirst().meanObservable())
                    / (thetas[hi] - thetas[lo]);
            EstimatorStudy.Result first = results.get(k).getFirst();
            scan.add(new Point(thetas[k], first.meanObservable(), first.observableStderr(), slope, results.get(k)));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(format.equals("json") ? json(simulator, scan) + System.lineSeparator() : table(simulator, scan));
        out.flush();
        if (plot != null) {
            ScanPlot.write(plot, String.format("%s, split-prob %s, %d events per point, seed %d", simulator.name(),
                    options.splitProbability, events, options.seed), scan);
        }
        return 0;
    }

    private String table(Simulator simulator, List<Point> scan) {
        StringBuilder text = new StringBuilder();
        text.append(String.format("%s, split-prob %s, %d events per point, seed %d; estimators: mean ± %s%n",
                simulator.name(), options.splitProbability, events, options.seed, spread));
        text.append(String.format("%6s %17s %9s", "theta", "mean loss", "slope"));
        for (EstimatorStudy.Result r : scan.getFirst().estimators()) {
            text.append(String.format(" %19s", r.estimator().wireName()));
        }
        text.append(System.lineSeparator());
        for (Point p : scan) {
            text.append(String.format("%6.3f %8.4f ± %6.4f %9.4f", p.theta(), p.meanLoss(), p.meanLossStderr(), p.lossSlope()));
            for (EstimatorStudy.Result r : p.estimators()) {
                text.append(String.format(" %9.4f ± %7.4f", r.mean(), spread.equals("std") ? r.std() : r.stderr()));
            }
            text.append(System.lineSeparator());
        }
        return text.toString();
    }

    private String json(Simulator simulator, List<Point> scan) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("simulator", simulator.name());
        root.put("splitProb", options.splitProbability);
        root.put("events", events);
        root.put("seed", options.seed);
        List<Object> rows = new ArrayList<>();
        for (Point p : scan) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("theta", p.theta());
            row.put("meanLoss", p.meanLoss());
            row.put("meanLossStderr", p.meanLossStderr());
            row.put("lossSlope", p.lossSlope());
            Map<String, Object> estimators = new LinkedHashMap<>();
            for (EstimatorStudy.Result r : p.estimators()) {
                estimators.put(r.estimator().wireName(), Map.of("mean", r.mean(), "std", r.std(), "stderr", r.stderr()));
            }
            row.put("estimators", estimators);
            rows.add(row);
        }
        root.put("points", rows);
        return JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(root);
    }
}
