package dev.detopt.model.study;

import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.random.StreamPurpose;
import dev.detopt.model.study.contract.WireJson;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Each step record carries every observable's mean and standard error, and for a profile match the
 * compared observables' gradients (the Jacobian). The expected numbers are computed here from the
 * gaussian toy's definition (y = μ + σz) and the randomness contract, not by the engine.
 */
class StepObservablesTest {
    private static final long SEED = 17;
    private static final int EVENTS = 400;
    private static final double RELATIVE = 1e-12;

    @Test
    void recordsMeansStandardErrorsAndTheComparedObservablesJacobian() {
        StudySpec spec = Specs.parse("""
                {
                  "name": "observables by hand",
                  "simulator": {"name": "gaussian", "config": {"center": 2.0}},
                  "parameters": [
                    {"name": "mu", "initial": -1.0, "lower": -5, "upper": 5},
                    {"name": "sigma", "initial": 0.7, "lower": 0.05, "upper": 3}
                  ],
                  "estimator": {"kind": "pathwise"},
                  "objective": {"type": "profile-match", "observables": ["y"], "target": {"values": [1.5]}},
                  "optimizer": {"type": "sgd", "learningRate": 0.05},
                  "eventsPerStep": %d, "eventsPerBatch": 150, "maxSteps": 3, "seed": %d
                }
                """.formatted(EVENTS, SEED));
        StudyHistory history = new StudyRunner(spec, 2).run(record -> { });
        for (StepRecord record : history.steps()) {
            double mu = record.theta().get("mu");
            double sigma = record.theta().get("sigma");
            Sums y = new Sums();
            Sums ySquared = new Sums();
            Sums z = new Sums();
            RandomStreams streams = new RandomStreams(SEED);
            for (long event = 0; event < EVENTS; event++) {
                double draw = streams.stream(record.step(), event, StreamPurpose.SIMULATION).nextGaussian();
                double value = mu + sigma * draw;
                y.add(value);
                ySquared.add(value * value);
                z.add(draw);
            }
            assertEquals(List.of("y", "y.squared", "loss"), List.copyOf(record.observables().keySet()));
            StepRecord.ObservableEstimate yEstimate = record.observables().get("y");
            assertClose(y.mean(), yEstimate.mean(), "mean of y at step " + record.step());
            assertClose(y.stderr(), yEstimate.stderr(), "standard error of y at step " + record.step());
            assertClose(ySquared.mean(), record.observables().get("y.squared").mean(), "mean of y² at step " + record.step());
            // ∂E[y]/∂μ = 1 exactly; ∂E[y]/∂σ = E[z].
            assertEquals(1.0, yEstimate.gradient().get("mu"), "∂E[y]/∂μ");
            assertClose(z.mean(), yEstimate.gradient().get("sigma"), "∂E[y]/∂σ at step " + record.step());
            assertNull(record.observables().get("loss").gradient(), "no Jacobian row for an observable not compared");
            // The recorded numbers reproduce the loss: (E[y] − t)².
            assertClose((y.mean() - 1.5) * (y.mean() - 1.5), record.physics(), "physics loss from the recorded mean");
        }
    }

    @Test
    void observablesSurviveJsonExactlyAndOldRecordsReadWithout() {
        StudySpec spec = Specs.parse("""
                {
                  "name": "round trip",
                  "simulator": {"name": "gaussian"},
                  "parameters": [{"name": "mu", "initial": 0.5}, {"name": "sigma", "initial": 1.0, "frozen": true}],
                  "estimator": {"kind": "pathwise"},
                  "objective": {"type": "expected-loss"}, "optimizer": {"type": "sgd", "learningRate": 0.1},
                  "eventsPerStep": 100, "eventsPerBatch": 100, "maxSteps": 1, "seed": 3
                }
                """);
        StepRecord record = new StudyRunner(spec, 1).run(r -> { }).steps().getFirst();
        assertNotNull(record.observables());
        StepRecord back = WireJson.read(WireJson.write(record), StepRecord.class);
        assertEquals(record, back);

        String old = WireJson.write(record).replaceFirst(",\"observables\":\\{.*}}$", "}");
        assertNull(WireJson.read(old, StepRecord.class).observables(), "a record stored before observables were recorded");
    }

    /** Exact sums (as the engine's contract promises), then the mean and the standard error of the mean. */
    private static final class Sums {
        private BigDecimal sum = BigDecimal.ZERO;
        private BigDecimal sumSquares = BigDecimal.ZERO;
        private int count;

        void add(double value) {
            sum = sum.add(new BigDecimal(value));
            sumSquares = sumSquares.add(new BigDecimal(value).multiply(new BigDecimal(value)));
            count++;
        }

        double mean() {
            return sum.doubleValue() / count;
        }

        double stderr() {
            BigDecimal n = BigDecimal.valueOf(count);
            double variance = sumSquares.subtract(sum.multiply(sum).divide(n, MathContext.DECIMAL128))
                    .divide(n.subtract(BigDecimal.ONE), MathContext.DECIMAL128).doubleValue();
            return Math.sqrt(variance / count);
        }
    }

    private static void assertClose(double expected, double actual, String what) {
        double window = RELATIVE * Math.max(1.0, Math.abs(expected));
        assertEquals(expected, actual, window, what + " (window ±" + window + ")");
    }
}
