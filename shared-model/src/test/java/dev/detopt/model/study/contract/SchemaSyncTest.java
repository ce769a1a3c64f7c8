package dev.detopt.model.study.contract;

import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.stats.AccumulatorState;
import dev.detopt.model.stats.SampleLayout;
import dev.detopt.model.study.StudyEngine;
import dev.detopt.model.study.StudySpecs;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON schemas in docs/schemas must describe exactly the fields the wire records have. */
class SchemaSyncTest {
    private static final Path SCHEMAS = Path.of("..", "docs", "schemas");

    private static JsonNode schema(String file) throws IOException {
        return WireJson.mapper().readTree(Files.readString(SCHEMAS.resolve(file)));
    }

    private static List<String> componentNames(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
    }

    private static void assertDescribes(JsonNode schema, Class<? extends Record> type) {
        List<String> properties = new ArrayList<>(schema.get("properties").propertyNames());
        List<String> required = new ArrayList<>();
        schema.get("required").forEach(n -> required.add(n.stringValue()));
        assertThat(properties).as("properties of the %s schema", type.getSimpleName())
                .containsExactlyInAnyOrderElementsOf(componentNames(type));
        assertThat(required).as("required fields of the %s schema", type.getSimpleName())
                .containsExactlyInAnyOrderElementsOf(componentNames(type));
        assertThat(schema.get("additionalProperties").booleanValue()).isFalse();
    }

    @Test
    void schemasNameExactlyTheRecordFields() throws IOException {
        assertDescribes(schema("batch-task.schema.json"), BatchTask.class);
        assertDescribes(schema("batch-task.schema.json").get("$defs").get("EstimatorSettings"), EstimatorSettings.class);
        assertDescribes(schema("batch-result.schema.json"), BatchResult.class);
        assertDescribes(schema("batch-checkpoint.schema.json"), BatchCheckpoint.class);
        assertDescribes(schema("accumulator-state.schema.json"), AccumulatorState.class);
        assertDescribes(schema("accumulator-state.schema.json").get("$defs").get("SampleLayout"), SampleLayout.class);
    }

    @Test
    void serialisedInstancesUseOnlySchemaFieldsAndTheSumPattern() throws IOException {
        StudyEngine engine = new StudyEngine(StudySpecs.fromJson("""
                {"name": "schema", "simulator": {"name": "gaussian"},
                 "parameters": [{"name": "mu", "initial": 0.1}, {"name": "sigma", "initial": 0.7, "lower": 0.1}],
                 "estimator": {"kind": "score-baseline"}, "objective": {"type": "expected-loss"},
                 "optimizer": {"type": "adam", "learningRate": 0.01}, "eventsPerStep": 10, "maxSteps": 1, "seed": -3}
                """));
        BatchTask task = engine.tasks("s", engine.initialState()).getFirst();
        BatchResult result = new BatchExecutor(1, "w").execute(task);
        JsonNode taskJson = WireJson.mapper().valueToTree(task);
        JsonNode resultJson = WireJson.mapper().valueToTree(result);
        assertThat(taskJson.propertyNames()).containsExactlyInAnyOrderElementsOf(schema("batch-task.schema.json").get("properties").propertyNames());
        assertThat(resultJson.propertyNames()).containsExactlyInAnyOrderElementsOf(schema("batch-result.schema.json").get("properties").propertyNames());
        Pattern sum = Pattern.compile(schema("accumulator-state.schema.json").get("$defs").get("Sums").get("items").get("pattern").stringValue());
        List<JsonNode> sums = new ArrayList<>();
        for (String field : List.of("sumY", "sumY2", "sumG", "sumG2", "sumS", "sumS2", "sumYS2")) {
            resultJson.get("statistics").get(field).forEach(sums::add);
        }
        assertThat(sums).isNotEmpty().allSatisfy(s -> assertThat(s.stringValue()).matches(sum));
        assertThat(schema("batch-task.schema.json").get("$defs").get("EstimatorSettings").get("properties").get("kind").get("enum"))
                .extracting(JsonNode::stringValue).contains(taskJson.get("estimator").get("kind").stringValue());
    }
}
