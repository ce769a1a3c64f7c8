package dev.detopt.model.cli;

import dev.detopt.model.study.contract.WireJson;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class DemoCommandTest {

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = DetoptSim.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        assertThat(cli.execute(args)).isZero();
        return out.toString();
    }

    @Test
    void pathwiseNeverMovesTheRadiusWhileAnUnbiasedEstimatorDoes() {
        String json = run("demo", "--split-prob", "1", "--estimators", "pathwise,score-baseline", "--seeds", "3",
                "--steps", "40", "--window", "20", "--threads", "2", "--format", "json");
        JsonNode variant = WireJson.mapper().readTree(json).get("variants").get("shower (split_prob 1)");
        JsonNode pathwise = variant.get(0);
        JsonNode baseline = variant.get(1);
        assertThat(pathwise.get("estimator").stringValue()).isEqualTo("pathwise");
        assertThat(pathwise.get("windows")).hasSize(2);
        // pathwise AD sees no dependence on θ (it only moves discrete decisions): Adam never moves
        assertThat(pathwise.get("finalTheta").get("mean").doubleValue()).isEqualTo(3.0);
        assertThat(pathwise.get("finalTheta").get("q1").doubleValue()).isEqualTo(3.0);
        // the loss falls towards smaller radii, so an unbiased estimator moves θ down from 3
        assertThat(baseline.get("finalTheta").get("mean").doubleValue()).isLessThan(2.9);
    }

    @Test
    void sameOutputWhateverTheParallelism() {
        String[] args = {"demo", "--split-prob", "0", "--estimators", "stochastic-ad", "--seeds", "2", "--steps", "30",
                "--window", "10", "--format", "json", "--threads"};
        String one = run(concat(args, "1"));
        String two = run(concat(args, "2"));
        JsonNode a = WireJson.mapper().readTree(one).get("variants");
        JsonNode b = WireJson.mapper().readTree(two).get("variants");
        ((tools.jackson.databind.node.ObjectNode) a.get("energy loss (split_prob 0)").get(0)).remove("seconds");
        ((tools.jackson.databind.node.ObjectNode) b.get("energy loss (split_prob 0)").get(0)).remove("seconds");
        assertThat(a).isEqualTo(b);
    }

    @Test
    void quartilesInterpolateBetweenOrderStatistics() {
        DemoCommand.Spread spread = DemoCommand.spread(new double[] {4, 1, 3, 2, 5});
        assertThat(spread.mean()).isEqualTo(3.0);
        assertThat(spread.q1()).isEqualTo(2.0);
        assertThat(spread.q3()).isEqualTo(4.0);
        assertThat(DemoCommand.quantile(new double[] {1, 2}, 0.25)).isEqualTo(1.25);
    }

    private static String[] concat(String[] args, String last) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
    }
}
