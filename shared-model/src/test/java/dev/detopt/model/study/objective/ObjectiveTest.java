package dev.detopt.model.study.objective;

import dev.detopt.model.stats.SampleLayout;
import dev.detopt.model.stats.SampleSummary;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import java.util.function.ToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each objective's chain-rule gradient against central finite differences of the objective on
 * fixed statistics: moving θ_j by h moves E[y_i] by h·∂E[y_i]/∂θ_j, so
 * (f(μ + h·G_{·j}) − f(μ − h·G_{·j})) / 2h must equal the reported gradient component j.
 */
class ObjectiveTest {
    private static final SampleLayout LAYOUT = new SampleLayout(4, 2, SampleLayout.GradientForm.DIRECT);
    private static final double[] MEAN = {3.0, 12.5, -0.7, 2.2};
    private static final double[] GRADIENT = {0.4, -1.1, 2.0, 0.3, 0.05, -0.6, 1.7, 0.9};
    private static final double[] MEAN_STDERR = {0.1, 0.3, 0.05, 0.02};
    private static final double[] GRADIENT_STDERR = {0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08};

    private static SampleSummary summary(double[] mean) {
        return new SampleSummary(LAYOUT, 1000, mean, MEAN_STDERR, new double[4], GRADIENT, GRADIENT_STDERR);
    }

    private static void assertGradientMatchesFiniteDifferences(Objective objective) {
        Objective.Evaluation evaluation = objective.evaluate(summary(MEAN));
        ToDoubleFunction<double[]> value = mean -> objective.evaluate(summary(mean)).value();
        double h = 1e-6;
        for (int j = 0; j < 2; j++) {
            double[] plus = MEAN.clone();
            double[] minus = MEAN.clone();
            for (int i = 0; i < 4; i++) {
                plus[i] += h * GRADIENT[i * 2 + j];
                minus[i] -= h * GRADIENT[i * 2 + j];
            }
            double finiteDifference = (value.applyAsDouble(plus) - value.applyAsDouble(minus)) / (2 * h);
            assertThat(evaluation.gradient()[j]).as("component %d", j)
                    .isCloseTo(finiteDifference, Offset.offset(1e-6 * Math.max(1, Math.abs(finiteDifference))));
        }
    }

    @Test
    void profileMatch() {
        Objective objective = new ProfileMatchObjective(new int[] {0, 2, 3}, new double[] {1.0, 0.5, 2.0}, new double[] {2.5, 0.0, 2.0});
        Objective.Evaluation evaluation = objective.evaluate(summary(MEAN));
        // 1·0.5² + 0.5·0.7² + 2·0.2² = 0.25 + 0.245 + 0.08
        assertThat(evaluation.value()).isCloseTo(0.575, Offset.offset(1e-12));
        assertGradientMatchesFiniteDifferences(objective);
        // delta method: Σ (2 w r)² se_μ² = (1·0.1)² + (−0.7·0.05)² + (0.8·0.02)²
        assertThat(evaluation.valueStderr()).isCloseTo(Math.sqrt(0.01 + 0.001225 + 0.000256), Offset.offset(1e-12));
        // component 0: Σ (slope·se_G)² + (2w·G·se_μ)² over observables 0, 2, 3
        double variance = square(1.0 * 0.01) + square(0.8 * 0.1) + square(0.7 * 0.05) + square(0.05 * 0.05)
                + square(0.8 * 0.07) + square(6.8 * 0.02);
        assertThat(evaluation.gradientStderr()[0]).isCloseTo(Math.sqrt(variance), Offset.offset(1e-12));
    }

    private static double square(double x) {
        return x * x;
    }

    @Test
    void energyResolution() {
        Objective objective = new EnergyResolutionObjective(0, 1);
        Objective.Evaluation evaluation = objective.evaluate(summary(MEAN));
        // √(12.5 − 9) / 3
        assertThat(evaluation.value()).isCloseTo(Math.sqrt(3.5) / 3, Offset.offset(1e-12));
        assertGradientMatchesFiniteDifferences(objective);
        double r = Math.sqrt(3.5) / 3;
        assertThat(evaluation.valueStderr()).isCloseTo(r * Math.sqrt(1 / 1998.0 + r * r / 1000), Offset.offset(1e-12));
    }

    @Test
    void expectedLoss() {
        Objective objective = new ExpectedLossObjective(3);
        Objective.Evaluation evaluation = objective.evaluate(summary(MEAN));
        assertThat(evaluation.value()).isEqualTo(2.2);
        assertThat(evaluation.valueStderr()).isEqualTo(0.02);
        assertThat(evaluation.gradient()).containsExactly(1.7, 0.9);
        assertThat(evaluation.gradientStderr()).containsExactly(0.07, 0.08);
        assertGradientMatchesFiniteDifferences(objective);
    }
}
