package dev.detopt.model.study;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Study (a), the identification study, with the surrogate estimator instead of pathwise (issue 17,
 * point 5), scaled to fit a test: 1 GeV instead of 10 GeV electrons (e* = 1 GeV, start 2.2 GeV; a* and
 * the start of a as in the example). The scales are 1/√curvature of the profile objective, as in the
 * example: the curvature in e does not depend on the energy (the profile grows like e), the one in
 * a grows like e², hence 10× the example's scale for a. Full size: docs/estimators.md.
 */
class SurrogateIdentificationStudyTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final double TOLERANCE = 0.02;
    private static final int STEPS = 40;

    /** Example (a) at 1 GeV with the surrogate: σ = 5 % of e*, 0.1 mm (4 % of a*), see docs/estimators.md. */
    static ObjectNode scaledStudyA(int eventsPerStep, int eventsPerBatch) throws IOException {
        ObjectNode spec = (ObjectNode) JSON.readTree(
                Files.readString(Path.of("..", "docs", "examples", "a-calorimeter-identification.json")));
        ObjectNode e = (ObjectNode) spec.get("parameters").get(0);
        ObjectNode a = (ObjectNode) spec.get("parameters").get(1);
        assertThat(e.get("name").asString()).isEqualTo("e");
        assertThat(a.get("name").asString()).isEqualTo("a");
        e.put("initial", 2200.0).put("lower", 100.0).put("upper", 5000.0).put("scale", 6.0);
        a.put("scale", 0.015);
        ((ObjectNode) spec.at("/objective/target/simulate/parameters")).put("e", 1000.0);
        spec.set("estimator", JSON.readTree("{\"kind\": \"surrogate\", \"surrogateWidths\": {\"e\": 50, \"a\": 0.1}}"));
        spec.put("eventsPerStep", eventsPerStep).put("eventsPerBatch", eventsPerBatch).put("maxSteps", STEPS);
        return spec;
    }

    @Test
    void theScaledIdentificationStudyConvergesWithinTwoPercentWithTheSurrogate() throws IOException {
        ObjectNode json = scaledStudyA(200, 50);
        JsonNode truth = json.at("/objective/target/simulate/parameters");
        double eTrue = truth.get("e").asDouble();
        double aTrue = truth.get("a").asDouble();
        StudySpec spec = StudySpecs.parse(json.toString()).orThrow();
        StudyHistory history = new StudyRunner(spec, 2).run(r -> { });

        List<StepRecord> steps = history.steps();
        assertThat(steps).hasSize(STEPS);
        for (StepRecord r : steps) {
            System.out.printf("step %2d  total %10.4g  e = %8.2f MeV  a = %.4f mm%n", r.step(), r.total(),
                    r.theta().get("e"), r.theta().get("a"));
        }
        double eFinal = history.finalState().theta().get("e");
        double aFinal = history.finalState().theta().get("a");
        System.out.printf("final e = %.2f MeV (%+.2f %%), a = %.4f mm (%+.2f %%)%n", eFinal, 100 * (eFinal / eTrue - 1),
                aFinal, 100 * (aFinal / aTrue - 1));
        // from 2.2× the energy and 1.3× the thickness: the last ten steps and the final design all within 2 %
        for (StepRecord r : steps.subList(STEPS - 10, STEPS)) {
            assertThat(r.theta().get("e")).as("e at step %d", r.step()).isCloseTo(eTrue, withinPercent());
            assertThat(r.theta().get("a")).as("a at step %d", r.step()).isCloseTo(aTrue, withinPercent());
        }
        assertThat(eFinal).isCloseTo(eTrue, withinPercent());
        assertThat(aFinal).isCloseTo(aTrue, withinPercent());
    }

    @Test
    void theSurrogateStudyDoesNotDependOnThreadsOrBatchSplit() throws IOException {
        // antithetic pairs straddle the batches of 25 and of 67 events: the same records bit for bit
        // (a smaller target, which only the steps' values depend on, keeps this quick)
        StudySpec split = StudySpecs.parse(smallTarget(scaledStudyA(200, 25)).toString()).orThrow();
        StudySpec uneven = StudySpecs.parse(smallTarget(scaledStudyA(200, 67)).toString()).orThrow();
        StudyRunner oneThread = new StudyRunner(split, 1);
        StudyRunner twoThreads = new StudyRunner(uneven, 2);
        StudyHistory a = oneThread.run(oneThread.engine().initialState(), 3, r -> { });
        StudyHistory b = twoThreads.run(twoThreads.engine().initialState(), 3, r -> { });
        assertThat(b.steps()).isEqualTo(a.steps());
        assertThat(b.finalState()).isEqualTo(a.finalState());
    }

    private static ObjectNode smallTarget(ObjectNode spec) {
        ((ObjectNode) spec.at("/objective/target/simulate")).put("events", 1000);
        return spec;
    }

    private static org.assertj.core.data.Percentage withinPercent() {
        return org.assertj.core.data.Percentage.withPercentage(100 * TOLERANCE);
    }
}
