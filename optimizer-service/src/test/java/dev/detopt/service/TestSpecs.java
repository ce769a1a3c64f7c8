package dev.detopt.service;

/** Small, fast study specs for service tests. */
public final class TestSpecs {
    private TestSpecs() {
    }

    /** Branching shower, stochastic AD with Adam: a few events per batch, several batches per step. */
    public static String branching(int maxSteps, long eventsPerStep, long eventsPerBatch, long seed) {
        return """
                {
                  "name": "branching test",
                  "simulator": {"name": "branching", "config": {"splitProbability": 1.0}},
                  "parameters": [{"name": "theta", "initial": 3.0, "lower": 0.0}],
                  "estimator": {"kind": "stochastic-ad", "reuseUniforms": true},
                  "objective": {"type": "expected-loss", "observable": "loss"},
                  "optimizer": {"type": "adam", "learningRate": 0.05},
                  "eventsPerStep": %d,
                  "eventsPerBatch": %d,
                  "maxSteps": %d,
                  "seed": %d
                }
                """.formatted(eventsPerStep, eventsPerBatch, maxSteps, seed);
    }

    /** Gaussian toy with a pathwise gradient and SGD. */
    public static String gaussian(int maxSteps, long eventsPerStep, long eventsPerBatch, long seed) {
        return """
                {
                  "name": "gaussian test",
                  "simulator": {"name": "gaussian", "config": {"center": 2.0}},
                  "parameters": [
                    {"name": "mu", "initial": -1.0, "lower": -5, "upper": 5},
                    {"name": "sigma", "initial": 0.5, "lower": 0.01, "frozen": true}
                  ],
                  "estimator": {"kind": "pathwise"},
                  "objective": {"type": "expected-loss"},
                  "optimizer": {"type": "sgd", "learningRate": 0.1},
                  "eventsPerStep": %d,
                  "eventsPerBatch": %d,
                  "maxSteps": %d,
                  "seed": %d
                }
                """.formatted(eventsPerStep, eventsPerBatch, maxSteps, seed);
    }

    /**
     * Gaussian toy with its σ priced (cost = σ) and an additive budget penalty, for group sweeps over
     * cost.budget: the budget trades physics loss for cost.
     */
    public static String budgetSweep(String optimizer, double learningRate, int maxSteps, long eventsPerStep,
                                     long eventsPerBatch) {
        return """
                {
                  "name": "budget sweep",
                  "simulator": {"name": "gaussian", "config": {"center": 2.0}},
                  "parameters": [
                    {"name": "mu", "initial": -1.0, "lower": -5, "upper": 5},
                    {"name": "sigma", "initial": 1.0, "lower": 0.01, "upper": 3}
                  ],
                  "estimator": {"kind": "pathwise"},
                  "objective": {"type": "expected-loss"},
                  "cost": {"materialPrices": {"body": 1.0}, "budget": 0.5, "penalty": {"shape": "additive", "lambda": 1.0}},
                  "optimizer": {"type": "%s", "learningRate": %s},
                  "eventsPerStep": %d,
                  "eventsPerBatch": %d,
                  "maxSteps": %d,
                  "seed": 1
                }
                """.formatted(optimizer, learningRate, eventsPerStep, eventsPerBatch, maxSteps);
    }
}
