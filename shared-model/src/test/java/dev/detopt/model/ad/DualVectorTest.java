package dev.detopt.model.ad;

import org.junit.jupiter.api.Test;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DualVectorTest {

    /** Central difference of a scalar function, for cross-checks independent of the analytic derivatives. */
    private static double centralDifference(DoubleUnaryOperator f, double x) {
        double h = 1e-6 * Math.max(1.0, Math.abs(x));
        return (f.applyAsDouble(x + h) - f.applyAsDouble(x - h)) / (2 * h);
    }

    private static void checkUnary(UnaryOperator<DualVector> op, DoubleUnaryOperator f, double expectedDerivative, double x) {
        DualVector in = DualVector.variable(2, 1, x);
        DualVector out = op.apply(in);
        assertThat(out.value()).isEqualTo(f.applyAsDouble(x));
        assertThat(out.tangent(0)).isZero();
        assertThat(out.tangent(1)).isCloseTo(expectedDerivative, within(1e-12 * Math.max(1, Math.abs(expectedDerivative))));
        assertThat(out.tangent(1)).isCloseTo(centralDifference(f, x), within(1e-6 * Math.max(1, Math.abs(expectedDerivative))));
    }

    @Test
    void elementaryFunctionsMatchAnalyticDerivativesAndCentralDifferences() {
        double x = 0.7;
        checkUnary(a -> new DualVector(2).sqrt(a), Math::sqrt, 0.5 / Math.sqrt(x), x);
        checkUnary(a -> new DualVector(2).exp(a), Math::exp, Math.exp(x), x);
        checkUnary(a -> new DualVector(2).log(a), Math::log, 1 / x, x);
        checkUnary(a -> new DualVector(2).sin(a), Math::sin, Math.cos(x), x);
        checkUnary(a -> new DualVector(2).cos(a), Math::cos, -Math.sin(x), x);
        checkUnary(a -> new DualVector(2).pow(a, 2.5), v -> Math.pow(v, 2.5), 2.5 * Math.pow(x, 1.5), x);
        checkUnary(a -> new DualVector(2).negate(a), v -> -v, -1, x);
        checkUnary(a -> new DualVector(2).multiply(a, 3.0), v -> 3 * v, 3, x);
        checkUnary(a -> new DualVector(2).add(a, 3.0), v -> v + 3, 1, x);
    }

    private static void checkBinary(DoubleBinaryOperator f, java.util.function.BinaryOperator<DualVector> op,
                                    double x, double y, double dfdx, double dfdy) {
        DualVector a = DualVector.variable(2, 0, x);
        DualVector b = DualVector.variable(2, 1, y);
        DualVector out = op.apply(a, b);
        assertThat(out.value()).isEqualTo(f.applyAsDouble(x, y));
        assertThat(out.tangent(0)).isCloseTo(dfdx, within(1e-12));
        assertThat(out.tangent(1)).isCloseTo(dfdy, within(1e-12));
        assertThat(out.tangent(0)).isCloseTo(centralDifference(v -> f.applyAsDouble(v, y), x), within(1e-6));
        assertThat(out.tangent(1)).isCloseTo(centralDifference(v -> f.applyAsDouble(x, v), y), within(1e-6));
    }

    @Test
    void binaryOperationsMatchAnalyticPartials() {
        double x = 1.3;
        double y = -0.4;
        checkBinary((p, q) -> p + q, (a, b) -> new DualVector(2).add(a, b), x, y, 1, 1);
        checkBinary((p, q) -> p - q, (a, b) -> new DualVector(2).subtract(a, b), x, y, 1, -1);
        checkBinary((p, q) -> p * q, (a, b) -> new DualVector(2).multiply(a, b), x, y, y, x);
        checkBinary((p, q) -> p / q, (a, b) -> new DualVector(2).divide(a, b), x, y, 1 / y, -x / (y * y));
        checkBinary(Math::atan2, (a, b) -> new DualVector(2).atan2(a, b), x, y,
                y / (x * x + y * y), -x / (x * x + y * y));
        checkBinary(Math::pow, (a, b) -> new DualVector(2).pow(a, b), x, 2.5,
                2.5 * Math.pow(x, 1.5), Math.pow(x, 2.5) * Math.log(x));
    }

    @Test
    void minAndMaxFollowTheSmallerOrLargerArgumentAndTheFirstOnATie() {
        DualVector a = DualVector.variable(2, 0, 1.0);
        DualVector b = DualVector.variable(2, 1, 2.0);
        assertThat(new DualVector(2).min(a, b).tangents()).containsExactly(1, 0);
        assertThat(new DualVector(2).min(b, a).tangents()).containsExactly(1, 0);
        assertThat(new DualVector(2).max(a, b).tangents()).containsExactly(0, 1);
        DualVector tie = DualVector.variable(2, 1, 1.0);
        assertThat(new DualVector(2).min(a, tie).tangents()).containsExactly(1, 0);
        assertThat(new DualVector(2).min(tie, a).tangents()).containsExactly(0, 1);
        assertThat(new DualVector(2).max(tie, a).tangents()).containsExactly(0, 1);
    }

    @Test
    void chainedComputationWithAliasingMatchesCentralDifferences() {
        // f(x, y) = log(x·y + sin(x)) · sqrt(y), computed in place in one register
        double x = 0.9;
        double y = 2.2;
        DualVector r = DualVector.variable(2, 0, x);
        DualVector v = DualVector.variable(2, 1, y);
        DualVector s = new DualVector(2).sin(r);
        r.multiply(r, v).add(r, s).log(r).multiply(r, new DualVector(2).sqrt(v));
        DoubleBinaryOperator f = (p, q) -> Math.log(p * q + Math.sin(p)) * Math.sqrt(q);
        assertThat(r.value()).isCloseTo(f.applyAsDouble(x, y), within(1e-14));
        assertThat(r.tangent(0)).isCloseTo(centralDifference(p -> f.applyAsDouble(p, y), x), within(1e-7));
        assertThat(r.tangent(1)).isCloseTo(centralDifference(q -> f.applyAsDouble(x, q), y), within(1e-7));
    }
}
