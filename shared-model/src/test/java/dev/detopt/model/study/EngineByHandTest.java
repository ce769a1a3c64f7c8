package dev.detopt.model.study;

import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.random.StreamPurpose;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * An independent check of the engine: the reference runner shares the engine, so the trajectory
 * tests prove only that scheduling does not matter. Here the test itself draws each event's z from
 * the randomness contract (study seed, step, event index), forms the gaussian toy's pathwise loss
 * and gradient (y = μ + σz, loss = (y − c)², ∂loss/∂μ = 2(y − c), ∂loss/∂σ = 2(y − c)z), and runs
 * SGD with momentum and Adam on scaled coordinates as science.md §6 writes them. Only the random
 * numbers come from production code; the estimator, the reduction and the optimizers do not.
 */
class EngineByHandTest {
    private static final double CENTER = 2.0;
    private static final long SEED = 42;
    private static final int EVENTS = 600;
    private static final int STEPS = 4;
    /** Sums are exact in both; only the order of a few roundings may differ. */
    private static final double RELATIVE = 1e-12;

    @Test
    void sgdWithMomentumMatchesTheStepsComputedByHand() {
        double learningRate = 0.05;
        double momentum = 0.9;
        double scaleMu = 2.0;
        StudySpec spec = Specs.parse(spec("""
                {"name": "mu", "initial": -1.0, "lower": -5, "upper": 5, "scale": %s},
                {"name": "sigma", "initial": 0.5, "lower": 0.01, "frozen": true}
                """.formatted(scaleMu), "{\"type\": \"sgd\", \"learningRate\": %s, \"momentum\": %s}"
                .formatted(learningRate, momentum)));
        StudyHistory history = new StudyRunner(spec, 2).run(record -> { });

        double mu = -1.0;
        double sigma = 0.5;
        double velocity = 0;
        for (int step = 0; step < STEPS; step++) {
            StepRecord record = history.steps().get(step);
            Moments m = moments(step, mu, sigma);
            assertClose(mu, record.theta().get("mu"), "θ_mu simulated at step " + step);
            assertEquals(sigma, record.theta().get("sigma"), "frozen σ at step " + step);
            assertClose(m.loss, record.physics(), "E[loss] at step " + step);
            assertClose(m.loss, record.total(), "total loss (no cost) at step " + step);
            assertClose(m.dMu, record.gradient().get("mu"), "∂L/∂μ at step " + step);
            assertEquals(List.of("mu"), List.copyOf(record.gradient().keySet()), "only free parameters are differentiated");
            assertClose(Math.abs(m.dMu * scaleMu), record.gradientNorm(), "scaled gradient norm at step " + step);
            // v ← μ·v + g·scale;  u ← u − lr·v, so θ ← θ − lr·scale·v
            velocity = momentum * velocity + m.dMu * scaleMu;
            mu -= learningRate * scaleMu * velocity;
        }
        StudyState last = history.finalState();
        assertClose(mu, last.theta().get("mu"), "θ_mu after the last update");
        assertClose(velocity, last.optimizer().firstMoment().get(0), "SGD velocity after the last update");
        assertEquals(STEPS, last.optimizer().steps(), "optimizer step count");
        assertEquals(StopReason.MAX_STEPS, history.stopReason(), "stop reason");
    }

    @Test
    void adamMatchesTheStepsComputedByHandOnTwoScaledParameters() {
        double learningRate = 0.1;
        double beta1 = 0.8;
        double beta2 = 0.95;
        double epsilon = 1e-3;
        double[] scale = {2.0, 0.5};
        StudySpec spec = Specs.parse(spec("""
                {"name": "mu", "initial": -1.0, "lower": -5, "upper": 5, "scale": %s},
                {"name": "sigma", "initial": 0.8, "lower": 0.01, "upper": 3, "scale": %s}
                """.formatted(scale[0], scale[1]),
                "{\"type\": \"adam\", \"learningRate\": %s, \"beta1\": %s, \"beta2\": %s, \"epsilon\": %s}"
                        .formatted(learningRate, beta1, beta2, epsilon)));
        StudyHistory history = new StudyRunner(spec, 2).run(record -> { });

        double[] theta = {-1.0, 0.8};
        double[] m = new double[2];
        double[] v = new double[2];
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestStep = -1;
        for (int step = 0; step < STEPS; step++) {
            StepRecord record = history.steps().get(step);
            Moments moments = moments(step, theta[0], theta[1]);
            assertClose(theta[0], record.theta().get("mu"), "θ_mu simulated at step " + step);
            assertClose(theta[1], record.theta().get("sigma"), "θ_sigma simulated at step " + step);
            assertClose(moments.loss, record.physics(), "E[loss] at step " + step);
            assertClose(moments.dMu, record.gradient().get("mu"), "∂L/∂μ at step " + step);
            assertClose(moments.dSigma, record.gradient().get("sigma"), "∂L/∂σ at step " + step);
            if (moments.loss < bestLoss) {
                bestLoss = moments.loss;
                bestStep = step;
            }
            double[] g = {moments.dMu, moments.dSigma};
            int t = step + 1;
            for (int j = 0; j < 2; j++) {
                double scaled = g[j] * scale[j];
                m[j] = beta1 * m[j] + (1 - beta1) * scaled;
                v[j] = beta2 * v[j] + (1 - beta2) * scaled * scaled;
                double mHat = m[j] / (1 - Math.pow(beta1, t));
                double vHat = v[j] / (1 - Math.pow(beta2, t));
                theta[j] -= learningRate * scale[j] * mHat / (Math.sqrt(vHat) + epsilon);
            }
        }
        StudyState last = history.finalState();
        assertClose(theta[0], last.theta().get("mu"), "θ_mu after the last update");
        assertClose(theta[1], last.theta().get("sigma"), "θ_sigma after the last update");
        for (int j = 0; j < 2; j++) {
            assertClose(m[j], last.optimizer().firstMoment().get(j), "Adam m[" + j + "]");
            assertClose(v[j], last.optimizer().secondMoment().get(j), "Adam v[" + j + "]");
        }
        assertEquals(bestStep, last.best().step(), "best step");
        assertClose(bestLoss, last.best().total(), "best total loss");
        assertEquals(StopReason.MAX_STEPS, history.stopReason(), "stop reason");
        assertNull(last.penaltyScale(), "no automatic penalty");
    }

    /** Pathwise means over the step's events, summed exactly in event order like the engine's contract. */
    private static Moments moments(int step, double mu, double sigma) {
        RandomStreams streams = new RandomStreams(SEED);
        BigDecimal loss = BigDecimal.ZERO;
        BigDecimal dMu = BigDecimal.ZERO;
        BigDecimal dSigma = BigDecimal.ZERO;
        for (long event = 0; event < EVENTS; event++) {
            double z = streams.stream(step, event, StreamPurpose.SIMULATION).nextGaussian();
            double y = mu + sigma * z;
            loss = loss.add(new BigDecimal((y - CENTER) * (y - CENTER)));
            dMu = dMu.add(new BigDecimal(2 * (y - CENTER)));
            dSigma = dSigma.add(new BigDecimal(2 * (y - CENTER) * z));
        }
        return new Moments(loss.doubleValue() / EVENTS, dMu.doubleValue() / EVENTS, dSigma.doubleValue() / EVENTS);
    }

    private record Moments(double loss, double dMu, double dSigma) {
    }

    private static void assertClose(double expected, double actual, String what) {
        double window = RELATIVE * Math.max(1.0, Math.abs(expected));
        assertEquals(expected, actual, window, what + " (window ±" + window + ")");
    }

    private static String spec(String parameters, String optimizer) {
        return """
                {
                  "name": "engine by hand",
                  "simulator": {"name": "gaussian", "config": {"center": %s}},
                  "parameters": [%s],
                  "estimator": {"kind": "pathwise"},
                  "objective": {"type": "expected-loss"},
                  "optimizer": %s,
                  "eventsPerStep": %d,
                  "eventsPerBatch": 250,
                  "maxSteps": %d,
                  "seed": %d
                }
                """.formatted(CENTER, parameters, optimizer, EVENTS, STEPS, SEED);
    }
}
