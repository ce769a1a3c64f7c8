package dev.detopt.model.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class EstimatorCommandsTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = DetoptSim.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        return commandLine.execute(args);
    }

    @Test
    void estimatePrintsTheIssuesJsonShape() {
        int exit = run("estimate", "--simulator", "branching", "--split-prob", "1", "--theta", "2.5", "--events", "300",
                "--estimators", "all", "--seed", "1", "--format", "json", "--threads", "2");
        assertThat(exit).as(err.toString()).isZero();
        JsonNode root = JsonMapper.builder().build().readTree(out.toString());
        assertThat(root.get("simulator").asString()).isEqualTo("branching");
        assertThat(root.get("theta").asDouble()).isEqualTo(2.5);
        assertThat(root.get("events").asInt()).isEqualTo(300);
        JsonNode estimators = root.get("estimators");
        List<String> names = new ArrayList<>(estimators.propertyNames());
        assertThat(names).containsExactly("pathwise", "score", "score-baseline", "stochastic-ad", "finite-difference",
                "surrogate");
        for (String name : names) {
            JsonNode e = estimators.get(name);
            assertThat(e.has("mean") && e.has("std") && e.has("stderr") && e.has("eventsPerSecond")).as(name).isTrue();
            // std is the per-event spread: stderr·√N
            assertThat(e.get("std").asDouble()).as(name).isCloseTo(e.get("stderr").asDouble() * Math.sqrt(300), within(1e-9));
            if (name.equals("surrogate")) {
                // its events run at designs around θ: its mean is the fit's intercept, not the primal's mean
                assertThat(Math.abs(e.get("meanLoss").asDouble() - root.get("meanLoss").asDouble()))
                        .isLessThan(4 * root.get("meanLossStderr").asDouble() * Math.sqrt(2));
            } else {
                assertThat(e.get("meanLoss").asDouble()).isEqualTo(root.get("meanLoss").asDouble());
            }
        }
        assertThat(estimators.get("pathwise").get("mean").asDouble()).isZero();
        assertThat(estimators.get("stochastic-ad").get("mean").asDouble()).isPositive();
    }

    @Test
    void estimateIsReproducibleForAnyThreadCount() {
        run("estimate", "--events", "200", "--estimators", "stochastic-ad,score-baseline", "--format", "json", "--threads", "1");
        JsonNode one = JsonMapper.builder().build().readTree(out.toString());
        out.getBuffer().setLength(0);
        run("estimate", "--events", "200", "--estimators", "stochastic-ad,score-baseline", "--format", "json", "--threads", "2");
        JsonNode two = JsonMapper.builder().build().readTree(out.toString());
        for (String name : List.of("stochastic-ad", "score-baseline")) {
            assertThat(two.get("estimators").get(name).get("mean").asDouble())
                    .isEqualTo(one.get("estimators").get(name).get("mean").asDouble());
        }
    }

    @Test
    void estimateTableListsEveryRequestedEstimator() {
        int exit = run("estimate", "--split-prob", "0", "--events", "100", "--estimators", "pathwise,finite-difference",
                "--fd-step", "0.1", "--format", "table");
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("mean loss").contains("pathwise").contains("finite-difference")
                .contains("events/s").doesNotContain("stochastic-ad");
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(run("estimate", "--simulator", "nope")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown simulator 'nope'");
        assertThat(run("estimate", "--estimators", "magic")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown estimator 'magic'");
        assertThat(run("estimate", "--split-prob", "3")).isEqualTo(2);
        assertThat(err.toString()).contains("splitProbability");
    }

    @Test
    void scanPrintsSlopeAndEstimatorsAndWritesAPlot(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("scan.png");
        int exit = run("scan", "--from", "1.0", "--to", "3.0", "--points", "3", "--events", "100", "--format", "json",
                "--plot", png.toString());
        assertThat(exit).as(err.toString()).isZero();
        JsonNode root = JsonMapper.builder().build().readTree(out.toString());
        JsonNode points = root.get("points");
        assertThat(points.size()).isEqualTo(3);
        assertThat(points.get(0).get("theta").asDouble()).isEqualTo(1.0);
        assertThat(points.get(2).get("theta").asDouble()).isEqualTo(3.0);
        // the middle slope is the central difference of the neighbouring mean losses
        double expectedSlope = (points.get(2).get("meanLoss").asDouble() - points.get(0).get("meanLoss").asDouble()) / 2.0;
        assertThat(points.get(1).get("lossSlope").asDouble()).isCloseTo(expectedSlope, within(1e-12));
        assertThat(points.get(1).get("estimators").has("stochastic-ad")).isTrue();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1000);
    }
}
