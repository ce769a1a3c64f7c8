package dev.detopt.model.study;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A categorical parameter in the calorimeter spec: every bad field is named (StudySpecsTest style). */
class CategoricalSpecsTest {
    private static final String NOT_YET_RUN = "categorical parameters are validated but not yet run by the study engine "
            + "(issue 17; see docs/study-model.md)";

    private static List<FieldProblem> problemsWith(String categorical) throws IOException {
        String json = Files.readString(Path.of("..", "docs", "examples", "b-calorimeter-resolution-cost.json"))
                .replace("\"scale\": 1}\n  ],", "\"scale\": 1},\n    " + categorical + "\n  ],");
        assertThat(json).contains(categorical);
        ParseResult result = StudySpecs.parse(json);
        assertThat(result.isValid()).isFalse();
        return result.problems();
    }

    @Test
    void aValidCategoricalIsOnlyToldThatTheEngineDoesNotRunItYet() throws IOException {
        assertThat(problemsWith("{\"name\": \"absorber\", \"choices\": [\"PbWO4\", \"Pb\", \"W\", \"Cu\", \"Fe\"], "
                + "\"logits\": [0, 0.5, 0, 0, -1]}"))
                .containsExactly(new FieldProblem("parameters[3]", NOT_YET_RUN));
        assertThat(problemsWith("{\"name\": \"active\", \"choices\": [\"lAr\", \"plastic\", \"Si\"]}"))
                .containsExactly(new FieldProblem("parameters[3]", NOT_YET_RUN));
    }

    @Test
    void unknownChoiceEmptyListAndNumericBoundsAreNamed() throws IOException {
        assertThat(problemsWith("{\"name\": \"absorber\", \"choices\": [\"Pb\", \"Gold\", \"Pb\", 7]}")).containsExactly(
                new FieldProblem("parameters[3].choices[1]",
                        "unknown choice 'Gold' for absorber; simulator 'calorimeter' offers PbWO4, Pb, W, Cu, Fe"),
                new FieldProblem("parameters[3].choices[2]", "choice 'Pb' is listed twice"),
                new FieldProblem("parameters[3].choices[3]", "must be a string"),
                new FieldProblem("parameters[3]", NOT_YET_RUN));
        assertThat(problemsWith("{\"name\": \"absorber\", \"choices\": []}")).containsExactly(
                new FieldProblem("parameters[3].choices", "must list at least one choice"),
                new FieldProblem("parameters[3]", NOT_YET_RUN));
        assertThat(problemsWith("{\"name\": \"absorber\", \"choices\": [\"Pb\", \"W\"], \"lower\": 0, \"initial\": 1}"))
                .extracting(FieldProblem::field)
                .containsExactly("parameters[3].initial", "parameters[3].lower", "parameters[3]");
        assertThat(problemsWith("{\"name\": \"absorber\", \"choices\": [\"Pb\", \"W\"], \"upper\": 1}").getFirst().message())
                .isEqualTo("a categorical parameter has no 'upper': its optimised variables are the logits of its choices "
                        + "(give \"logits\", one per choice)");
    }

    @Test
    void nameLogitsAndUnknownFieldsAreChecked() throws IOException {
        assertThat(problemsWith("{\"name\": \"crystal\", \"choices\": [\"Pb\"]}")).containsExactly(
                new FieldProblem("parameters[3].name",
                        "simulator 'calorimeter' has no categorical parameter 'crystal'; it has absorber, active"),
                new FieldProblem("parameters[3]", NOT_YET_RUN));
        assertThat(problemsWith("{\"name\": \"absorber\", \"choices\": [\"Pb\", \"W\"], \"logits\": [0, \"x\", 1], "
                + "\"colour\": 1}")).extracting(FieldProblem::field).containsExactly(
                "parameters[3].logits", "parameters[3].logits[1]", "parameters[3].colour", "parameters[3]");
        assertThat(problemsWith("{\"name\": \"absorber\", \"choices\": [\"Pb\", \"W\"], \"frozen\": true}"))
                .extracting(FieldProblem::field).containsExactly("parameters[3].frozen", "parameters[3]");
    }
}
