package dev.detopt.model.study.optimizer;

import dev.detopt.model.study.OptimizerSpec;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OptimizerTest {
    /** f(θ) = Σ a_j (θ_j − c_j)², with parameters on very different scales. */
    private static final double[] A = {1.0, 1e-6};
    private static final double[] C = {2.0, 5_000.0};
    private static final double[] SCALE = {1.0, 1_000.0};

    private static double[] gradient(double[] theta) {
        return new double[] {2 * A[0] * (theta[0] - C[0]), 2 * A[1] * (theta[1] - C[1])};
    }

    private static double[] minimise(Optimizer optimizer, double learningRate, int steps) {
        double[] theta = {-3.0, 20_000.0};
        OptimizerState state = optimizer.initialState(2);
        for (int s = 0; s < steps; s++) {
            state = optimizer.step(state, theta, gradient(theta), SCALE, new double[] {learningRate, learningRate});
        }
        assertThat(state.steps()).isEqualTo(steps);
        return theta;
    }

    @Test
    void sgdAndMomentumConvergeOnAQuadratic() {
        double[] plain = minimise(Optimizer.of(new OptimizerSpec.Sgd(0.1, 0.0)), 0.1, 200);
        assertThat(plain[0]).isCloseTo(2.0, Offset.offset(1e-6));
        assertThat(plain[1]).isCloseTo(5_000.0, Offset.offset(1e-3));
        double[] momentum = minimise(Optimizer.of(new OptimizerSpec.Sgd(0.1, 0.9)), 0.05, 400);
        assertThat(momentum[0]).isCloseTo(2.0, Offset.offset(1e-6));
        assertThat(momentum[1]).isCloseTo(5_000.0, Offset.offset(1e-3));
    }

    @Test
    void adamConvergesOnAQuadratic() {
        double[] theta = minimise(Optimizer.of(new OptimizerSpec.Adam(0.05, 0.9, 0.999, 1e-8)), 0.05, 2_000);
        assertThat(theta[0]).isCloseTo(2.0, Offset.offset(1e-3));
        assertThat(theta[1]).isCloseTo(5_000.0, Offset.offset(1.0));
    }

    @Test
    void sgdStepIsLearningRateTimesScaleSquaredTimesGradient() {
        double[] theta = {1.0};
        Optimizer.of(new OptimizerSpec.Sgd(0.5, 0.0)).step(new Optimizer.Sgd(0).initialState(1), theta,
                new double[] {4.0}, new double[] {3.0}, new double[] {0.01});
        assertThat(theta[0]).isCloseTo(1.0 - 0.01 * 9 * 4.0, Offset.offset(1e-15));
    }

    @Test
    void firstAdamStepMovesLearningRateTimesScale() {
        // m̂ = g_u and v̂ = g_u² after one step, so the step is lr·scale·g_u/(|g_u| + ε)
        double[] theta = {1.0, 1.0};
        Optimizer adam = Optimizer.of(new OptimizerSpec.Adam(0.1, 0.9, 0.999, 1e-8));
        OptimizerState state = adam.step(adam.initialState(2), theta, new double[] {250.0, -1e-3},
                new double[] {2.0, 1.0}, new double[] {0.1, 0.1});
        assertThat(theta[0]).isCloseTo(1.0 - 0.1 * 2.0, Offset.offset(1e-9));
        assertThat(theta[1]).isCloseTo(1.0 + 0.1, Offset.offset(1e-6));
        assertThat(state.firstMoment().get(0)).isCloseTo(0.1 * 500.0, Offset.offset(1e-12));
        assertThat(state.firstMoment().get(1)).isCloseTo(0.1 * -1e-3, Offset.offset(1e-18));
        assertThat(state.secondMoment().get(0)).isCloseTo(0.001 * 500.0 * 500.0, Offset.offset(1e-9));
    }
}
