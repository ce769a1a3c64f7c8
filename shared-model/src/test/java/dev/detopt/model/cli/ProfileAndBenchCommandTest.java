package dev.detopt.model.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class ProfileAndBenchCommandTest {

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = DetoptSim.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void profilePrintsMeansAndDerivativesAsJson() {
        Run run = run("profile", "--simulator", "calorimeter", "--energy-mev", "500", "--absorber-mm", "2.3",
                "--gap-mm", "5.7", "--events", "40", "--seed", "1", "--derivatives", "e,a,g", "--format", "json",
                "--threads", "2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = JsonMapper.builder().build().readTree(run.out());
        assertThat(root.get("events").asLong()).isEqualTo(40);
        assertThat(root.get("derivatives")).hasSize(3);
        JsonNode observables = root.get("observables");
        assertThat(observables).hasSize(103);
        double total = 0;
        double totalByE = 0;
        for (int i = 0; i <= 100; i++) {
            total += observables.get(i).get("mean").asDouble();
            totalByE += observables.get(i).get("gradient").get("e").get("mean").asDouble();
        }
        // mean deposits plus leakage are the beam energy, and their e-derivative is one
        assertThat(total).isCloseTo(500.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(totalByE).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(observables.get(101).get("name").asString()).isEqualTo("visible");
        assertThat(observables.get(5).get("stderr").asDouble()).isPositive();
    }

    @Test
    void profileWithTheSurrogateConservesEnergyExactly() {
        Run run = run("profile", "--energy-mev", "500", "--events", "40", "--derivatives", "e,a", "--estimator", "surrogate",
                "--surrogate-widths", "20,0.2,0.4", "--format", "json", "--threads", "2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode observables = JsonMapper.builder().build().readTree(run.out()).get("observables");
        double total = 0;
        double totalByE = 0;
        double totalByA = 0;
        for (int i = 0; i <= 100; i++) {
            total += observables.get(i).get("mean").asDouble();
            totalByE += observables.get(i).get("gradient").get("e").get("mean").asDouble();
            totalByA += observables.get(i).get("gradient").get("a").get("mean").asDouble();
        }
        // each event deposits its own energy e + δ_e: the least squares are linear in y, so the fitted
        // total is exactly e + δ_e (intercept 500, slope 1 in e, 0 in a) up to rounding
        assertThat(total).isCloseTo(500.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(totalByE).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(totalByA).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void profileTableHasOneRowPerObservableAndTheSameNumbersForAnyThreadCount() {
        Run one = run("profile", "--energy-mev", "300", "--events", "30", "--derivatives", "a", "--threads", "1");
        Run two = run("profile", "--energy-mev", "300", "--events", "30", "--derivatives", "a", "--threads", "2");
        assertThat(one.exitCode()).isZero();
        String[] lines = one.out().split("\n");
        assertThat(lines).hasSize(2 + 103);
        assertThat(lines[1]).contains("observable", "mean[MeV]", "d/da[MeV/mm]");
        assertThat(lines[2]).startsWith("absorber.0");
        // everything but the timing in the first line is identical
        assertThat(two.out().substring(two.out().indexOf('\n'))).isEqualTo(one.out().substring(one.out().indexOf('\n')));
    }

    @Test
    void profileRejectsUnknownParametersAndInapplicableEstimators() {
        Run badParameter = run("profile", "--events", "5", "--derivatives", "x");
        assertThat(badParameter.exitCode()).isEqualTo(2);
        assertThat(badParameter.err()).contains("unknown parameter 'x'");
        Run score = run("profile", "--events", "5", "--estimator", "score");
        assertThat(score.exitCode()).isEqualTo(2);
        assertThat(score.err()).contains("continuous transformations");
        Run simulator = run("profile", "--simulator", "branching", "--events", "5");
        assertThat(simulator.err()).contains("unknown simulator");
    }

    @Test
    void benchReportsBothRatesAndTheOverhead() {
        Run run = run("bench", "--energy-mev", "200", "--events", "3", "--rounds", "1", "--warmup-events", "1", "--format", "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = JsonMapper.builder().build().readTree(run.out());
        assertThat(root.get("primalEventsPerCpuSecond").asDouble()).isPositive();
        assertThat(root.get("tangent3EventsPerCpuSecond").asDouble()).isPositive();
        assertThat(root.get("adOverhead").asDouble()).isPositive();
    }
}
