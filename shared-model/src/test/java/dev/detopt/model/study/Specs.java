package dev.detopt.model.study;

/** Spec JSON used across the study tests. */
final class Specs {
    private Specs() {
    }

    /** Gaussian toy: minimise E[(y − 2)²] = (μ − 2)² + σ² over μ (σ frozen unless told). */
    static String gaussianLoss(String optimizer, long eventsPerStep, long eventsPerBatch, int maxSteps) {
        return """
                {
                  "name": "gaussian expected loss",
                  "simulator": {"name": "gaussian", "config": {"center": 2.0}},
                  "parameters": [
                    {"name": "mu", "unit": "mm", "initial": -1.0, "lower": -5, "upper": 5},
                    {"name": "sigma", "initial": 0.5, "lower": 0.01, "frozen": true}
                  ],
                  "estimator": {"kind": "pathwise"},
                  "objective": {"type": "expected-loss"},
                  "optimizer": %s,
                  "eventsPerStep": %d,
                  "eventsPerBatch": %d,
                  "maxSteps": %d,
                  "seed": 42
                }
                """.formatted(optimizer, eventsPerStep, eventsPerBatch, maxSteps);
    }

    static StudySpec parse(String json) {
        ParseResult result = StudySpecs.parse(json);
        if (!result.isValid()) {
            throw new AssertionError("spec rejected:\n" + result.describeProblems());
        }
        return result.spec();
    }
}
