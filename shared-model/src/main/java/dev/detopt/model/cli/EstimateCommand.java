package dev.detopt.model.cli;

import dev.detopt.model.estimate.EstimatorStudy;
import dev.detopt.model.sim.Simulator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code detopt-sim estimate}: every selected estimator on the same events at one θ, with the
 * mean, standard deviation and standard error of the per-event gradient of the loss, the mean
 * loss, and each estimator's wall time and events/s.
 */
@Command(name = "estimate", mixinStandardHelpOptions = true,
        description = "Compare gradient estimators of the loss at one design point.")
public final class EstimateCommand implements Callable<Integer> {
    @Mixin
    StudyOptions options;

    @Option(names = "--theta", defaultValue = "2.5", description = "Parameter value. Default: ${DEFAULT-VALUE}.")
    double theta;

    @Option(names = "--events", defaultValue = "5000", description = "Events per estimator. Default: ${DEFAULT-VALUE}.")
    int events;

    @Option(names = "--format", defaultValue = "table", description = "table or json. Default: ${DEFAULT-VALUE}.")
    String format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!format.equals("table") && !format.equals("json")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be table or json, was " + format);
        }
        if (events < 2) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--events must be at least 2");
        }
        Simulator simulator = options.createSimulator(spec.commandLine());
        int threads = options.threadCount(spec.commandLine());
        long start = System.nanoTime();
        List<EstimatorStudy.Result> results = new EstimatorStudy(simulator, threads)
                .run(new double[] {theta}, 0, 0, options.estimatorSettings(spec.commandLine(), simulator), options.seed, events);
        double totalSeconds = (System.nanoTime() - start) / 1e9;
        PrintWriter out = spec.commandLine().getOut();
        if (format.equals("json")) {
            out.println(json(simulator, results, threads, totalSeconds));
        } else {
            out.print(table(simulator, results, threads, totalSeconds));
        }
        out.flush();
        return 0;
    }

    String json(Simulator simulator, List<EstimatorStudy.Result> results, int threads, double totalSeconds) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("simulator", simulator.name());
        root.put("splitProb", options.splitProbability);
        root.put("theta", theta);
        root.put("events", events);
        root.put("seed", options.seed);
        root.put("threads", threads);
        root.put("meanLoss", results.getFirst().meanObservable());
        root.put("meanLossStderr", results.getFirst().observableStderr());
        Map<String, Object> estimators = new LinkedHashMap<>();
        for (EstimatorStudy.Result r : results) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("mean", r.mean());
            entry.put("std", r.std());
            entry.put("stderr", r.stderr());
            entry.put("meanLoss", r.meanObservable());
            entry.put("seconds", r.seconds());
            entry.put("eventsPerSecond", r.eventsPerSecond());
            estimators.put(r.estimator().wireName(), entry);
        }
        root.put("estimators", estimators);
        root.put("totalSeconds", totalSeconds);
        return JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(root);
    }

    String table(Simulator simulator, List<EstimatorStudy.Result> results, int threads, double totalSeconds) {
        StringBuilder text = new StringBuilder();
        text.append(String.format("%s, split-prob %s, theta %s, %d events, seed %d, %d threads%n", simulator.name(),
                options.splitProbability, theta, events, options.seed, threads));
        text.append(String.format("mean loss %.5f ± %.5f%n", results.getFirst().meanObservable(), results.getFirst().observableStderr()));
        text.append(String.format("%-18s %10s %10s %10s %9s %10s%n", "estimator", "mean", "std", "stderr", "time[s]", "events/s"));
        for (EstimatorStudy.Result r : results) {
            text.append(String.format("%-18s %10.4f %10.4f %10.4f %9.2f %10.0f%n", r.estimator().wireName(), r.mean(), r.std(),
                    r.stderr(), r.seconds(), r.eventsPerSecond()));
        }
        text.append(String.format("total %.2f s%n", totalSeconds));
        return text.toString();
    }
}
