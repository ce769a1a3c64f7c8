package dev.detopt.model.study;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** stopping.maxWallTime and stopping.maxCoreHours: parsed and checked here, enforced by the service. */
class DeadlineSpecTest {

    private static String withStopping(String stopping) {
        return Specs.gaussianLoss("{\"type\": \"adam\", \"learningRate\": 0.05}", 100, 50, 3)
                .replace("\"seed\": 42", "\"stopping\": " + stopping + ", \"seed\": 42");
    }

    @Test
    void deadlinesAreParsedNormalisedAndRoundTrip() {
        StudySpec spec = Specs.parse(withStopping("{\"maxWallTime\": \"PT90M\", \"maxCoreHours\": 2.5}"));
        assertThat(spec.stopping().maxWallTime()).isEqualTo("PT1H30M");
        assertThat(spec.stopping().wallTimeLimit()).hasMinutes(90);
        assertThat(spec.stopping().maxCoreHours()).isEqualTo(2.5);
        String json = StudySpecs.toJson(spec);
        assertThat(json).contains("\"maxWallTime\":\"PT1H30M\"").contains("\"maxCoreHours\":2.5");
        assertThat(Specs.parse(json)).isEqualTo(spec);
    }

    @Test
    void specsWithoutDeadlinesKeepTheirJson() {
        StudySpec spec = Specs.parse(withStopping("{\"maxEvents\": 1000}"));
        assertThat(StudySpecs.toJson(spec)).contains("\"stopping\":{\"maxEvents\":1000}");
    }

    @Test
    void badDeadlinesNameTheirField() {
        ParseResult result = StudySpecs.parse(withStopping(
                "{\"maxWallTime\": \"twelve hours\", \"maxCoreHours\": 0}"));
        assertThat(result.problems()).extracting(FieldProblem::field)
                .containsExactlyInAnyOrder("stopping.maxWallTime", "stopping.maxCoreHours");
        assertThat(result.problems().getFirst().message()).contains("ISO-8601");
        assertThat(StudySpecs.parse(withStopping("{\"maxWallTime\": \"-PT1H\"}")).problems())
                .containsExactly(new FieldProblem("stopping.maxWallTime", "must be positive, was PT-1H"));
        assertThat(StudySpecs.parse(withStopping("{\"maxWallTime\": 3600}")).problems())
                .containsExactly(new FieldProblem("stopping.maxWallTime", "must be a string"));
    }

    @Test
    void theEngineIgnoresDeadlinesSoTheReferenceRunnerIsUnchanged() {
        StudyHistory limited = new StudyRunner(Specs.parse(withStopping(
                "{\"maxWallTime\": \"PT0.001S\", \"maxCoreHours\": 1e-9}")), 1).run(record -> { });
        StudyHistory free = new StudyRunner(Specs.parse(withStopping("{}")), 1).run(record -> { });
        assertThat(limited.stopReason()).isEqualTo(StopReason.MAX_STEPS);
        assertThat(limited.steps()).isEqualTo(free.steps());
    }
}
