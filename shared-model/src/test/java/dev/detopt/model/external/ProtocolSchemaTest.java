package dev.detopt.model.external;

import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.study.contract.WireJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/schemas/simulator-*.schema.json describe the messages as they are really written. */
class ProtocolSchemaTest {
    private static final Path SCHEMAS = Path.of("..", "docs", "schemas");

    private static JsonNode definition(String name) throws IOException {
        return WireJson.mapper().readTree(Files.readString(SCHEMAS.resolve("simulator-protocol.schema.json"))).get("$defs").get(name);
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> names.add(n.stringValue()));
        } else {
            names.addAll(node.propertyNames());
        }
        return names;
    }

    @Test
    void batchRequestsHaveExactlyTheSchemaFields(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("requests.jsonl");
        try (ExternalSimulators simulators = new ExternalSimulators(List.of(Programs.misbehaving("good", "good", log.toString())))) {
            try (BatchRunner runner = new BatchRunner(simulators.catalog().simulator("good", null),
                    new DesignPoint(new double[] {0.5}, new int[] {0}), EstimatorSettings.finiteDifference(new double[] {0.1}, true),
                    new RandomStreams(1), 0, 1)) {
                runner.run(0, 5);
            }
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(3); // θ, θ + h, θ − h
        JsonNode schema = definition("Batch");
        for (String line : lines) {
            JsonNode request = WireJson.mapper().readTree(line);
            assertThat(names(request)).containsExactlyInAnyOrderElementsOf(names(schema.get("properties")));
            assertThat(names(schema.get("required"))).containsExactlyInAnyOrderElementsOf(names(request));
            assertThat(request.get("payloadBytes").longValue()).isEqualTo(8 * request.get("events").longValue());
        }
        assertThat(names(definition("Result").get("required"))).containsExactlyInAnyOrder(
                "type", "id", "events", "observables", "tangents", "scores", "payloadBytes");
    }

    @Test
    void theExampleHelloHasExactlyTheSchemaFields() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("python3", Programs.EM_SHOWER.toString(), "--tangents").start();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            JsonNode hello = WireJson.mapper().readTree(reader.readLine());
            JsonNode schema = definition("Hello");
            assertThat(names(hello)).containsExactlyInAnyOrderElementsOf(names(schema.get("properties")));
            JsonNode declaration = definition("Declaration");
            assertThat(names(hello.get("capabilities"))).containsExactlyInAnyOrderElementsOf(
                    names(declaration.get("properties").get("capabilities").get("properties")));
            assertThat(names(declaration.get("properties").get("parameters").get("items").get("properties")))
                    .containsAll(names(hello.get("parameters").get(0)));
        } finally {
            process.getOutputStream().close();
            assertThat(process.waitFor()).isZero();
        }
    }
}
