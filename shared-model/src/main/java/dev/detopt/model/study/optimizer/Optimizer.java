package dev.detopt.model.study.optimizer;

import dev.detopt.model.study.OptimizerSpec;

import java.util.Collections;

/**
 * SGD with momentum and Adam (science.md §6) on scaled coordinates u_j = θ_j / scale_j, with a
 * learning rate per parameter. Pure: the state goes in and comes out as a value. Bound projection
 * and frozen parameters are the caller's (the engine passes only free parameters and clamps).
 */
public sealed interface Optimizer {

    static Optimizer of(OptimizerSpec spec) {
        return switch (spec) {
            case OptimizerSpec.Sgd sgd -> new Sgd(sgd.momentum());
            case OptimizerSpec.Adam adam -> new Adam(adam.beta1(), adam.beta2(), adam.epsilon());
        };
    }

    OptimizerState initialState(int parameters);

    /**
     * One update. {@code theta} (free parameters) is changed in place.
     *
     * @param gradient     ∂L/∂θ_j
     * @param scale        scale_j
     * @param learningRate lr_j
     */
    OptimizerState step(OptimizerState state, double[] theta, double[] gradient, double[] scale, double[] learningRate);

    /** v ← μ·v + g_u;  u ← u − lr·v, with g_u = scale·∂L/∂θ. */
    record Sgd(double momentum) implements Optimizer {
        @Override
        public OptimizerState initialState(int parameters) {
            return new OptimizerState(0, Collections.nCopies(parameters, 0.0), java.util.List.of());
        }

        @Override
        public OptimizerState step(OptimizerState state, double[] theta, double[] gradient, double[] scale, double[] learningRate) {
            double[] velocity = state.first();
            for (int j = 0; j < theta.length; j++) {
                velocity[j] = momentum * velocity[j] + gradient[j] * scale[j];
                theta[j] -= learningRate[j] * scale[j] * velocity[j];
            }
            return new OptimizerState(state.steps() + 1, OptimizerState.list(velocity), java.util.List.of());
        }
    }

    /** Adam with bias correction; u ← u − lr·m̂/(√v̂ + ε). */
    record Adam(double beta1, double beta2, double epsilon) implements Optimizer {
        @Override
        public OptimizerState initialState(int parameters) {
            return new OptimizerState(0, Collections.nCopies(parameters, 0.0), Collections.nCopies(parameters, 0.0));
        }

        @Override
        public OptimizerState step(OptimizerState state, double[] theta, double[] gradient, double[] scale, double[] learningRate) {
            double[] m = state.first();
            double[] v = state.second();
            long t = state.steps() + 1;
            double correction1 = 1 - StrictMath.pow(beta1, t);
            double correction2 = 1 - StrictMath.pow(beta2, t);
            for (int j = 0; j < theta.length; j++) {
                double g = gradient[j] * scale[j];
                m[j] = beta1 * m[j] + (1 - beta1) * g;
                v[j] = beta2 * v[j] + (1 - beta2) * g * g;
                double mHat = m[j] / correction1;
                double vHat = v[j] / correction2;
                theta[j] -= learningRate[j] * scale[j] * mHat / (Math.sqrt(vHat) + epsilon);
            }
            return new OptimizerState(t, OptimizerState.list(m), OptimizerState.list(v));
        }
    }
}
