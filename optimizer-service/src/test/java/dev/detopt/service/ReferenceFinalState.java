package dev.detopt.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.model.study.StudyRunner;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.StudyState;
import dev.detopt.model.study.contract.WireJson;
import tools.jackson.databind.JsonNode;

/**
 * The end of a bit-identical test: besides every step record, the service's final study state
 * (θ after the last update, optimizer moments and step count, best step, stop reason, events)
 * equals the reference runner's, value for value.
 */
public final class ReferenceFinalState {
    private ReferenceFinalState() {
    }

    /** The single-process reference's final state for a spec. */
    public static StudyState of(String specJson) {
        return new StudyRunner(StudySpecs.fromJson(specJson), 1).run(record -> { }).finalState();
    }

    public static void assertServiceMatches(ApiClient api, String studyId, String specJson) {
        assertServiceMatches(api, studyId, of(specJson));
    }

    public static void assertServiceMatches(ApiClient api, String studyId, StudyState expected) {
        JsonNode view = api.get("/api/v1/studies/" + studyId, TestTokens.VIEWER).json();
        StudyState actual = WireJson.mapper().treeToValue(view.path("state"), StudyState.class);
        // Records compare maps, lists and doubles exactly (Double.equals).
        assertThat(actual).as("final state of study %s", studyId).isEqualTo(expected);
        assertThat(actual.stopReason()).as("the study stopped").isNotNull();
        assertThat(view.path("stopReason").asString()).as("stopReason in the view")
                .isEqualTo(actual.stopReason().wireName());
        assertThat(view.path("bestStep").asInt()).as("bestStep in the view").isEqualTo(actual.best().step());
    }
}
