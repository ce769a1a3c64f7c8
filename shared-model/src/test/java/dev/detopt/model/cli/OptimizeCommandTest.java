package dev.detopt.model.cli;

import dev.detopt.model.study.StepRecord;
import dev.detopt.model.study.StudyHistory;
import dev.detopt.model.study.StudyRunner;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.contract.WireJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OptimizeCommandTest {
    private static final String SPEC = """
            {"name": "cli", "simulator": {"name": "gaussian"},
             "parameters": [{"name": "mu", "initial": -1}, {"name": "sigma", "initial": 0.5, "frozen": true}],
             "estimator": {"kind": "pathwise"}, "objective": {"type": "expected-loss"},
             "optimizer": {"type": "sgd", "learningRate": 0.1}, "eventsPerStep": 50, "eventsPerBatch": 20,
             "maxSteps": 7, "seed": 5}
            """;

    private record Outcome(int exitCode, String out, String err) {
    }

    private static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = DetoptSim.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void printsEachCategoricalsMostProbableChoiceAndItsProbabilityColumns(@TempDir Path dir) throws Exception {
        String categorical = """
                {"name": "cli choice", "simulator": {"name": "calorimeter", "config": {"layers": 8}},
                 "parameters": [{"name": "e", "initial": 200, "frozen": true}, {"name": "a", "initial": 2.3, "frozen": true},
                   {"name": "g", "initial": 5.7, "frozen": true}, {"name": "absorber", "choices": ["Pb", "Cu"], "logits": [2, 0]}],
                 "estimator": {"kind": "pathwise"}, "objective": {"type": "energy-resolution"},
                 "optimizer": {"type": "sgd", "learningRate": 0.01}, "eventsPerStep": 20, "maxSteps": 2, "seed": 5}
                """;
        Path spec = Files.writeString(dir.resolve("choice.json"), categorical);
        Path csv = dir.resolve("choice.csv");
        Outcome outcome = run("optimize", "--spec", spec.toString(), "--threads", "1", "--history-csv", csv.toString());
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();
        // P(Pb) = e²/(e² + 1) = 0.881 at step 0; SGD at rate 0.01 moves the logits by far less than that
        assertThat(outcome.out()).contains("absorber: Pb 0.881").containsPattern("final absorber: Pb \\(probability 0\\.88\\d\\)");
        assertThat(Files.readString(csv).lines().findFirst().orElseThrow())
                .endsWith(",probability.absorber.Pb,probability.absorber.Cu");
    }

    @Test
    void printsOneLinePerStepAndWritesTheReferenceHistory(@TempDir Path dir) throws Exception {
        Path spec = Files.writeString(dir.resolve("study.json"), SPEC);
        Path json = dir.resolve("history.json");
        Path csv = dir.resolve("history.csv");
        Outcome outcome = run("optimize", "--spec", spec.toString(), "--threads", "2", "--history-json", json.toString(),
                "--history-csv", csv.toString());
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();
        assertThat(outcome.out().lines().filter(l -> l.startsWith("step "))).hasSize(7);
        assertThat(outcome.out()).contains("stopped: max-steps after 7 steps, 350 events");

        StudyHistory reference = new StudyRunner(StudySpecs.fromJson(SPEC), 1).run(r -> { });
        JsonNode written = WireJson.mapper().readTree(Files.readString(json));
        List<StepRecord> steps = WireJson.mapper().convertValue(written.get("steps"), new TypeReference<List<StepRecord>>() { });
        assertThat(steps).isEqualTo(reference.steps());
        assertThat(written.get("stopReason").stringValue()).isEqualTo("max-steps");
        assertThat(StudySpecs.parse(WireJson.write(written.get("spec"))).spec()).isEqualTo(StudySpecs.fromJson(SPEC));

        List<String> rows = Files.readAllLines(csv);
        assertThat(rows).hasSize(8);
        assertThat(rows.getFirst()).isEqualTo("step,physics,physics_stderr,cost,penalty,total,gradient_norm,events,events_total,"
                + "lambda,theta.mu,theta.sigma,gradient.mu,gradient_stderr.mu,theta_after.mu,theta_after.sigma,"
                + "observable_mean.y,observable_mean.y.squared,observable_mean.loss,"
                + "observable_stderr.y,observable_stderr.y.squared,observable_stderr.loss");
        StepRecord third = reference.steps().get(2);
        assertThat(rows.get(3)).startsWith("2," + third.physics() + "," + third.physicsStderr() + ",");
        String[] thirdCells = rows.get(3).split(",", -1);
        assertThat(Double.parseDouble(thirdCells[16])).isEqualTo(third.observables().get("y").mean());
        assertThat(Double.parseDouble(thirdCells[19])).isEqualTo(third.observables().get("y").stderr());
        String[] last = rows.getLast().split(",", -1);
        assertThat(Double.parseDouble(last[14])).as("final θ, as printed").isEqualTo(reference.finalState().theta().get("mu"));
        assertThat(outcome.out()).contains("final θ: mu=");
    }

    @Test
    void invalidSpecListsEveryProblem(@TempDir Path dir) throws Exception {
        Path spec = Files.writeString(dir.resolve("bad.json"), SPEC.replace("\"maxSteps\": 7", "\"maxSteps\": 0")
                .replace("\"initial\": -1", "\"initial\": NaN"));
        Outcome outcome = run("optimize", "--spec", spec.toString());
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.err()).contains("maxSteps: must be at least 1").contains("parameters[0].initial: must be a finite number");
    }
}
