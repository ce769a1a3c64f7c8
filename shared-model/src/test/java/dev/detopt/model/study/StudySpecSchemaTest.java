package dev.detopt.model.study;

import dev.detopt.model.study.contract.WireJson;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/schemas/study-spec.schema.json must name exactly the fields {@link StudySpecs#toJson} writes:
 * specs using every option are written, each field is looked up in the schema (following $ref and
 * the type-discriminated oneOf), and every schema field must have been written at least once.
 */
class StudySpecSchemaTest {
    private static final String PROFILE_SGD_ADDITIVE = """
            {"name": "a", "simulator": {"name": "gaussian", "config": {"center": 1}},
             "parameters": [{"name": "mu", "unit": "mm", "initial": 0.1, "lower": -1, "upper": 1, "scale": 3.0, "learningRate": 0.2, "frozen": false},
                            {"name": "sigma", "initial": 1.0, "lower": 0.1, "frozen": true}],
             "estimator": {"kind": "finite-difference", "finiteDifferenceSteps": {"mu": 0.001}, "commonRandomNumbers": false, "reuseUniforms": true},
             "objective": {"type": "profile-match", "observables": ["y*", "loss"], "weights": [1, 0.5, 2],
                           "target": {"simulate": {"parameters": {"mu": 2.0}, "events": 500, "seed": 9}}},
             "cost": {"materialPrices": {"body": 3.5}, "channelPrice": 1, "budget": 10,
                      "penalty": {"shape": "additive", "sharpness": 4, "lambda": 2, "lambdaWarmupSteps": 3, "lambdaFactor": 0.5}},
             "optimizer": {"type": "sgd", "learningRate": 0.01, "momentum": 0.9},
             "eventsPerStep": 64, "eventsPerBatch": 32, "maxSteps": 3,
             "stopping": {"gradientNorm": 1e-6, "plateau": {"steps": 5, "relativeTolerance": 0.01}, "maxEvents": 1000,
                          "maxWallTime": "PT12H", "maxCoreHours": 40},
             "seed": 7, "artifactEvery": 5}
            """;
    private static final String RESOLUTION_ADAM_LOGISTIC = """
            {"name": "b", "simulator": {"name": "gaussian"},
             "parameters": [{"name": "mu", "initial": 3}, {"name": "sigma", "initial": 1.0, "lower": 0.1}],
             "estimator": {"kind": "pathwise"},
             "objective": {"type": "energy-resolution", "observable": "y", "squaredObservable": "y.squared"},
             "cost": {"materialPrices": {"body": 1}, "budget": 10, "penalty": {"shape": "logistic"}},
             "optimizer": {"type": "adam", "learningRate": 0.01, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6},
             "eventsPerStep": 64, "maxSteps": 3, "seed": 7}
            """;
    private static final String LOSS_AND_VALUES = """
            {"name": "c", "simulator": {"name": "gaussian"},
             "parameters": [{"name": "mu", "initial": 3}, {"name": "sigma", "initial": 1.0, "lower": 0.1}],
             "estimator": {"kind": "score"}, "objective": {"type": "expected-loss", "observable": "loss"},
             "optimizer": {"type": "adam", "learningRate": 0.01}, "eventsPerStep": 64, "maxSteps": 3, "seed": 7}
            """;
    private static final String PROFILE_WITH_VALUES = LOSS_AND_VALUES.replace(
            "{\"type\": \"expected-loss\", \"observable\": \"loss\"}",
            "{\"type\": \"profile-match\", \"observables\": [\"y\"], \"target\": {\"values\": [1.0]}}");

    private static final String SURROGATE = LOSS_AND_VALUES.replace("{\"kind\": \"score\"}",
            "{\"kind\": \"surrogate\", \"surrogateWidths\": {\"mu\": 0.2}, \"surrogateQuadratic\": true}");

    private static final String CATEGORICAL = """
            {"name": "d", "simulator": {"name": "calorimeter", "config": {"layers": 10}},
             "parameters": [{"name": "e", "initial": 1000, "frozen": true}, {"name": "a", "initial": 2.3},
                            {"name": "g", "initial": 5.7, "frozen": true},
                            {"name": "absorber", "choices": ["Pb", "Cu"], "logits": [0, 1]}],
             "estimator": {"kind": "pathwise"}, "objective": {"type": "energy-resolution"},
             "cost": {"materialPrices": {"gap": 0.01}, "choicePrices": {"absorber": {"Pb": 3, "Cu": 0.8}}},
             "optimizer": {"type": "adam", "learningRate": 0.1}, "eventsPerStep": 64, "maxSteps": 3, "seed": 7}
            """;

    private JsonNode schema;
    private final Set<String> written = new TreeSet<>();

    @Test
    void schemaNamesExactlyTheFieldsTheSpecsHave() throws IOException {
        schema = WireJson.mapper().readTree(Files.readString(Path.of("..", "docs", "schemas", "study-spec.schema.json")));
        for (String json : new String[] {PROFILE_SGD_ADDITIVE, RESOLUTION_ADAM_LOGISTIC, LOSS_AND_VALUES, PROFILE_WITH_VALUES,
                SURROGATE, CATEGORICAL}) {
            JsonNode spec = WireJson.mapper().readTree(StudySpecs.toJson(Specs.parse(json)));
            walk(spec, schema, "StudySpec");
        }
        Set<String> declared = new TreeSet<>();
        schema.get("properties").propertyNames().forEach(p -> declared.add("StudySpec." + p));
        for (Map.Entry<String, JsonNode> def : schema.get("$defs").properties()) {
            declareNested(def.getValue(), def.getKey(), declared);
        }
        assertThat(written).isEqualTo(declared);
    }

    private void declareNested(JsonNode node, String name, Set<String> declared) {
        if (node.has("properties")) {
            for (Map.Entry<String, JsonNode> property : node.get("properties").properties()) {
                declared.add(name + "." + property.getKey());
                if (property.getValue().has("properties")) {
                    declareNested(property.getValue(), name + "." + property.getKey(), declared);
                }
            }
        }
    }

    private void walk(JsonNode value, JsonNode schemaNode, String name) {
        if (schemaNode.has("$ref")) {
            String def = schemaNode.get("$ref").stringValue().substring("#/$defs/".length());
            walk(value, schema.get("$defs").get(def), def);
            return;
        }
        if (schemaNode.has("oneOf") && !schemaNode.has("properties")) {
            for (JsonNode alternative : schemaNode.get("oneOf")) {
                String def = alternative.get("$ref").stringValue().substring("#/$defs/".length());
                JsonNode type = schema.get("$defs").get(def).get("properties").get("type");
                if (type.get("const").stringValue().equals(value.get("type").stringValue())) {
                    walk(value, schema.get("$defs").get(def), def);
                    return;
                }
            }
            throw new AssertionError(name + ": no schema alternative for type " + value.get("type"));
        }
        if (value.isArray() && schemaNode.has("items")) {
            value.forEach(element -> walk(element, schemaNode.get("items"), name));
            return;
        }
        if (value.isObject() && schemaNode.has("properties")) {
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                assertThat(schemaNode.get("properties").has(field.getKey()))
                        .as("schema %s has field %s", name, field.getKey()).isTrue();
                written.add(name + "." + field.getKey());
                JsonNode fieldSchema = schemaNode.get("properties").get(field.getKey());
                walk(field.getValue(), fieldSchema, fieldSchema.has("properties") ? name + "." + field.getKey() : name);
            }
        }
    }
}
