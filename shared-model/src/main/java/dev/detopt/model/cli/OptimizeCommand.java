package dev.detopt.model.cli;

import dev.detopt.model.categorical.SoftmaxChoice;
import dev.detopt.model.external.ExternalSimulators;
import dev.detopt.model.external.SimulatorFailure;
import dev.detopt.model.study.HistoryCsv;
import dev.detopt.model.study.InvalidStudySpecException;
import dev.detopt.model.study.ParseResult;
import dev.detopt.model.study.catalog.SimulatorCatalog;
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
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code detopt-sim optimize}: runs a study in this process with the reference runner, printing one
 * line per step, and optionally writes the history as JSON and CSV. The service must reproduce this
 * history bit for bit.
 */
@Command(name = "optimize", mixinStandardHelpOptions = true,
        description = "Run a study spec in-process (the reference the distributed service matches bit for bit).")
public final class OptimizeCommand implements Callable<Integer> {
    @Option(names = "--spec", required = true, description = "Study specification (JSON).")
    Path specFile;

    @Option(names = "--threads", description = "Simulation threads (default: available processors). Does not change results.")
    Integer threads;

    @Option(names = "--history-json", description = "Write spec, step records and final state as JSON.")
    Path historyJson;

    @Option(names = "--history-csv", description = "Write one CSV row per step.")
    Path historyCsv;

    @Option(names = "--quiet", description = "Print only the summary, not a line per step.")
    boolean quiet;

    @Option(names = "--simulators", defaultValue = "${env:DETOPT_SIMULATORS}",
            description = "Registry of external simulator programs (JSON, docs/simulator-protocol.md §5); default: $DETOPT_SIMULATORS.")
    Path simulatorsFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String json;
        try {
            json = Files.readString(specFile);
        } catch (IOException e) {
            err.println("cannot read " + specFile + ": " + e.getMessage());
            return 2;
        }
        ExternalSimulators externals;
        try {
            externals = simulatorsFile == null ? ExternalSimulators.none() : ExternalSimulators.load(simulatorsFile);
        } catch (IOException e) {
            err.println("cannot read " + simulatorsFile + ": " + e.getMessage());
            return 2;
        } catch (InvalidStudySpecException e) {
            err.println("invalid simulator registry " + simulatorsFile + ":");
            e.problems().forEach(p -> err.println("  " + p));
            err.flush();
            return 2;
        }
        try (externals) {
            return optimize(json, externals.catalog(), out, err);
        } catch (SimulatorFailure e) {
            err.println("simulation failed: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private int optimize(String json, SimulatorCatalog catalog, PrintWriter out, PrintWriter err) throws IOException {
        ParseResult parsed = StudySpecs.parse(json, catalog);
        if (!parsed.isValid()) {
            err.println("invalid study specification " + specFile + ":");
            parsed.problems().forEach(p -> err.println("  " + p));
            err.flush();
            return 2;
        }
        StudySpec study = parsed.spec();
        int threadCount = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (threadCount < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1");
        }
        out.printf(Locale.ROOT, "study '%s': simulator %s, estimator %s, %d events/step in %d batches, up to %d steps, %d threads%n",
                study.name(), study.simulator().name(), study.estimator().kind(), study.eventsPerStep(),
                study.batchesPerStep(), study.maxSteps(), threadCount);
        out.flush();
        long started = System.nanoTime();
        StudyRunner runner = new StudyRunner(study, catalog, threadCount);
        StudyHistory history = runner.run(record -> {
            if (!quiet) {
                out.println(line(record));
                out.flush();
            }
        });
        double seconds = (System.nanoTime() - started) / 1e9;
        StepRecord last = history.steps().getLast();
        out.printf(Locale.ROOT, "stopped: %s after %d steps, %d events, %.1f s wall time%n", history.stopReason(),
                history.steps().size(), last.eventsTotal(), seconds);
        out.println("final θ: " + theta(history.finalState().theta()));
        history.finalState().logits().forEach((name, logits) -> {
            SoftmaxChoice distribution = new SoftmaxChoice(study.parameter(name).choices(),
                    logits.stream().mapToDouble(Double::doubleValue).toArray());
            int best = distribution.mostProbable();
            out.printf(Locale.ROOT, "final %s: %s (probability %.3f)%n", name, distribution.choices().get(best),
                    distribution.probability(best));
        });
        if (history.finalState().best() != null) {
            out.printf(Locale.ROOT, "best:    step %d, total %s, θ: %s%n", history.finalState().best().step(),
                    number(history.finalState().best().total()), theta(history.finalState().best().theta()));
        }
        if (historyJson != null) {
            writeJson(study, history);
            out.println("history JSON: " + historyJson);
        }
        if (historyCsv != null) {
            // The service's export writes the same form: the two can be diffed.
            Files.writeString(historyCsv, HistoryCsv.write(history.steps(), history.finalState().theta()));
            out.println("history CSV: " + historyCsv);
        }
        out.flush();
        return 0;
    }

    static String line(StepRecord r) {
        return String.format(Locale.ROOT, "step %4d  total %-12s phys %-12s ± %-9s cost %-11s penalty %-11s |g| %-10s %s",
                r.step(), number(r.total()), number(r.physics()), shortNumber(r.physicsStderr()), number(r.cost()),
                number(r.penalty()), shortNumber(r.gradientNorm()), theta(r.theta())) + choices(r);
    }

    /** Each categorical's most probable choice at the step and its probability (empty without categoricals). */
    private static String choices(StepRecord r) {
        StringBuilder out = new StringBuilder();
        r.categoricals().forEach((name, estimate) -> {
            String best = estimate.mostProbable();
            out.append(String.format(Locale.ROOT, "  %s: %s %.3f", name, best,
                    estimate.probabilities().get(estimate.choices().indexOf(best))));
        });
        return out.toString();
    }

    private static String theta(Map<String, Double> theta) {
        List<String> parts = new ArrayList<>();
        theta.forEach((name, value) -> parts.add(name + "=" + number(value)));
        return String.join(" ", parts);
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }

    private static String shortNumber(double value) {
        return String.format(Locale.ROOT, "%.3g", value);
    }

    private void writeJson(StudySpec study, StudyHistory history) throws IOException {
        ObjectNode root = WireJson.mapper().createObjectNode();
        root.set("spec", WireJson.mapper().readTree(StudySpecs.toJson(study)));
        root.put("stopReason", history.stopReason() == null ? null : history.stopReason().wireName());
        root.set("steps", WireJson.mapper().valueToTree(history.steps()));
        root.set("finalState", WireJson.mapper().valueToTree(history.finalState()));
        Files.writeString(historyJson, WireJson.mapper().writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
    }

}
