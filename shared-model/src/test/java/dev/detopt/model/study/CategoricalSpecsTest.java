package dev.detopt.model.study;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A categorical parameter in the calorimeter spec: every bad field is named (StudySpecsTest style). */
class CategoricalSpecsTest {
    private static String withCategorical(String categorical) throws IOException {
        String json = Files.readString(Path.of("..", "docs", "examples", "b-calorimeter-resolution-cost.json"))
                .replace("\"scale\": 1}\n  ],", "\"scale\": 1},\n    " + categorical + "\n  ],");
        assertThat(json).contains(categorical);
        return json;
    }

    private static List<FieldProblem> problemsWith(String categorical) throws IOException {
        ParseResult result = StudySpecs.parse(withCategorical(categorical));
        assertThat(result.isValid()).isFalse();
        return result.problems();
    }

    @Test
    void aValidCategoricalParsesAndSurvivesARoundTrip() throws IOException {
        StudySpec spec = StudySpecs.fromJson(withCategorical("{\"name\": \"absorber\", \"choices\": [\"PbWO4\", \"Pb\", "
                + "\"W\", \"Cu\", \"Fe\"], \"logits\": [0, 0.5, 0, 0, -1]}"));
        ParameterSpec absorber = spec.parameter("absorber");
        assertThat(absorber.isCategorical()).isTrue();
        assertThat(absorber.choices()).containsExactly("PbWO4", "Pb", "W", "Cu", "Fe");
        assertThat(absorber.logits()).containsExactly(0.0, 0.5, 0.0, 0.0, -1.0);
        assertThat(StudySpecs.toJson(spec)).contains("{\"name\":\"absorber\",\"choices\":[\"PbWO4\",\"Pb\",\"W\",\"Cu\",\"Fe\"],"
                + "\"logits\":[0.0,0.5,0.0,0.0,-1.0],\"frozen\":false}");
        assertThat(StudySpecs.validated(spec)).isEqualTo(spec);
        StudySpec active = StudySpecs.fromJson(withCategorical("{\"name\": \"active\", \"choices\": [\"lAr\", \"plastic\", \"Si\"]}"));
        assertThat(active.parameter("active").logits()).containsExactly(0.0, 0.0, 0.0);
    }

    @Test
    void choicePricesNameTheirBadFields() throws IOException {
        String json = withCategorical("{\"name\": \"absorber\", \"choices\": [\"Pb\", \"Cu\"]}")
                .replace("\"materialPrices\": {\"absorber\": 5.0, \"gap\": 0.005},",
                        "\"materialPrices\": {\"absorber\": 5.0, \"gap\": 0.005}, \"choicePrices\": {\"absorber\": "
                                + "{\"Pb\": 3, \"W\": 12}, \"active\": {\"lAr\": 1}, \"shield\": {\"x\": 1}},");
        assertThat(StudySpecs.parse(json.replace("\"W\": 12", "\"W\": -12")).problems()).containsExactly(
                new FieldProblem("cost.choicePrices.absorber.W", "must not be negative"));
        assertThat(StudySpecs.parse(json).problems()).containsExactly(
                new FieldProblem("cost.materialPrices.absorber", "the absorber is priced per choice of 'absorber' in "
                        + "cost.choicePrices.absorber; remove this price"),
                new FieldProblem("cost.choicePrices.absorber.W", "'W' is not a choice of absorber (Pb, Cu)"),
                new FieldProblem("cost.choicePrices.absorber", "has no price for choice 'Cu'; price every choice"),
                new FieldProblem("cost.choicePrices.active", "the spec has no categorical parameter 'active'"),
                new FieldProblem("cost.choicePrices.shield", "the spec has no categorical parameter 'shield'"));
        String priced = withCategorical("{\"name\": \"absorber\", \"choices\": [\"Pb\", \"Cu\"]}")
                .replace("\"materialPrices\": {\"absorber\": 5.0, \"gap\": 0.005},",
                        "\"materialPrices\": {\"gap\": 0.005}, \"choicePrices\": {\"absorber\": {\"Pb\": 3, \"Cu\": 0.8}},");
        StudySpec spec = StudySpecs.fromJson(priced);
        assertThat(spec.cost().choicePrices()).containsEntry("absorber", java.util.Map.of("Pb", 3.0, "Cu", 0.8));
        assertThat(StudySpecs.validated(spec)).isEqualTo(spec);
    }

    @Test
    void aFreeCategoricalNeedsTwoEventsPerStep() throws IOException {
        String json = withCategorical("{\"name\": \"absorber\", \"choices\": [\"Pb\", \"Cu\"]}")
                .replace("\"eventsPerStep\": 1000, \"eventsPerBatch\": 500", "\"eventsPerStep\": 1");
        assertThat(StudySpecs.parse(json).problems()).extracting(FieldProblem::field).containsExactly("eventsPerStep");
    }

    @Test
    void unknownChoiceEmptyListAndNumericBoundsAreNamed() throws IOException {
        assertThat(problemsWith("{\"name\": \"absorber\", \"choices\": [\"Pb\", \"Gold\", \"Pb\", 7]}")).containsExactly(
                new FieldProblem("parameters[3].choices[1]",
                        "unknown choice 'Gold' for absorber; simulator 'calorimeter' offers PbWO4, Pb, W, Cu, Fe"),
                new FieldProblem("parameters[3].choices[2]", "choice 'Pb' is listed twice"),
                new FieldProblem("parameters[3].choices[3]", "must be a string"));
        assertThat(problemsWith("{\"name\": \"absorber\", \"choices\": []}")).containsExactly(
                new FieldProblem("parameters[3].choices", "must list at least one choice"));
        assertThat(problemsWith("{\"name\": \"absorber\", \"choices\": [\"Pb\", \"W\"], \"lower\": 0, \"initial\": 1}"))
                .extracting(FieldProblem::field)
                .containsExactly("parameters[3].initial", "parameters[3].lower");
        assertThat(problemsWith("{\"name\": \"absorber\", \"choices\": [\"Pb\", \"W\"], \"upper\": 1}").getFirst().message())
                .isEqualTo("a categorical parameter has no 'upper': its optimised variables are the logits of its choices "
                        + "(give \"logits\", one per choice)");
    }

    @Test
    void nameLogitsAndUnknownFieldsAreChecked() throws IOException {
        assertThat(problemsWith("{\"name\": \"crystal\", \"choices\": [\"Pb\"]}")).containsExactly(
                new FieldProblem("parameters[3].name",
                        "simulator 'calorimeter' has no categorical parameter 'crystal'; it has absorber, active"));
        assertThat(problemsWith("{\"name\": \"absorber\", \"choices\": [\"Pb\", \"W\"], \"logits\": [0, \"x\", 1], "
                + "\"colour\": 1}")).extracting(FieldProblem::field).containsExactly(
                "parameters[3].logits", "parameters[3].logits[1]", "parameters[3].colour");
        assertThat(problemsWith("{\"name\": \"absorber\", \"choices\": [\"Pb\", \"W\"], \"frozen\": true}"))
                .extracting(FieldProblem::field).containsExactly("parameters[3].frozen");
    }
}
