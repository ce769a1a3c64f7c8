package dev.detopt.model.external;

import dev.detopt.model.study.StepRecord;
import dev.detopt.model.study.StudyHistory;
import dev.detopt.model.study.StudyRunner;
import dev.detopt.model.study.StudySpec;
import dev.detopt.model.study.StudySpecs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Python example program (observables only) optimised with the surrogate estimator (issue 17,
 * point 5): study (d), the absorber thickness for the best energy resolution, with the quadratic
 * surrogate so that E[V] and E[V²] are taken at θ.
 */
class ExternalSurrogateStudyTest {

    static String spec(String estimator, int steps) throws IOException {
        return Files.readString(Path.of("..", "docs", "examples", "simulators", "d-em-shower-resolution.json"))
                .replace("{\"kind\": \"finite-difference\", \"finiteDifferenceSteps\": {\"absorber\": 0.2}, \"commonRandomNumbers\": true}",
                        estimator)
                .replace("\"maxSteps\": 20", "\"maxSteps\": " + steps);
    }

    static StudyHistory run(String json) throws IOException {
        try (ExternalSimulators simulators = ExternalSimulators.load(Programs.REGISTRY)) {
            StudySpec spec = StudySpecs.parse(json, simulators.catalog()).orThrow();
            return new StudyRunner(spec, simulators.catalog(), 2).run(r -> { });
        }
    }

    @Test
    void theEmShowerStudyConvergesWithTheSurrogate() throws IOException {
        StudyHistory surrogate = run(spec("{\"kind\": \"surrogate\", \"surrogateWidths\": {\"absorber\": 0.3}, \"surrogateQuadratic\": true}", STEPS));
        StudyHistory finite = run(spec("{\"kind\": \"finite-difference\", \"finiteDifferenceSteps\": {\"absorber\": 0.2}}", STEPS));
        for (int k = 0; k < surrogate.steps().size(); k++) {
            StepRecord s = surrogate.steps().get(k);
            StepRecord f = finite.steps().get(k);
            System.out.printf("step %2d  surrogate a=%.4f R=%.5f g=%.5f±%.5f   fd a=%.4f R=%.5f g=%.5f±%.5f%n", k,
                    s.theta().get("absorber"), s.physics(), s.gradient().get("absorber"), s.gradientStderr().get("absorber"),
                    f.theta().get("absorber"), f.physics(), f.gradient().get("absorber"), f.gradientStderr().get("absorber"));
        }
        double surrogateEnd = lastTenAbsorber(surrogate);
        double finiteEnd = lastTenAbsorber(finite);
        System.out.printf("absorber over the last ten steps: surrogate %.4f, finite differences %.4f%n", surrogateEnd, finiteEnd);
        // from 2 mm both settle at the same thickness: within 5 % of each other
        assertThat(Math.abs(surrogateEnd - finiteEnd)).isLessThan(0.05 * finiteEnd);
        assertThat(surrogateEnd).isGreaterThan(4.0);
    }

    private static final int STEPS = 40;

    private static double lastTenAbsorber(StudyHistory history) {
        return history.steps().subList(STEPS - 10, STEPS).stream().mapToDouble(r -> r.theta().get("absorber")).average().orElseThrow();
    }
}
