package dev.detopt.model.ad;

import java.util.Arrays;

/**
 * A mutable forward-mode dual number: a value and n tangents (∂value/∂θ_k for n parameters at
 * once). Operations write their result into {@code this} and return it, so a computation reuses a
 * few preallocated registers and allocates nothing; inputs may alias {@code this}.
 *
 * <p>Non-differentiable points follow fixed rules: {@link #min}/{@link #max} take the tangent of
 * the first argument on a tie; {@code sqrt(0)} and {@code log(0)} give infinite partials as the
 * mathematics does (callers avoid them).
 */
public final class DualVector {
    private double value;
    private final double[] tangent;

    public DualVector(int parameters) {
        if (parameters < 0) {
            throw new IllegalArgumentException("parameters must not be negative, was " + parameters);
        }
        this.tangent = new double[parameters];
    }

    public static DualVector constant(int parameters, double value) {
        return new DualVector(parameters).set(value);
    }

    /** The k-th independent variable with the given value (tangent e_k). */
    public static DualVector variable(int parameters, int k, double value) {
        DualVector v = new DualVector(parameters).set(value);
        v.tangent[k] = 1.0;
        return v;
    }

    public int parameters() {
        return tangent.length;
    }

    public double value() {
        return value;
    }

    public double tangent(int k) {
        return tangent[k];
    }

    /** Copy of the tangents. */
    public double[] tangents() {
        return tangent.clone();
    }

    /** A constant: value v, zero tangents. */
    public DualVector set(double v) {
        value = v;
        Arrays.fill(tangent, 0.0);
        return this;
    }

    public DualVector set(DualVector a) {
        value = a.value;
        System.arraycopy(a.tangent, 0, tangent, 0, tangent.length);
        return this;
    }

    /** this = f(a) given f(a.value) and f'(a.value). */
    private DualVector unary(DualVector a, double f, double dfda) {
        double[] t = a.tangent;
        for (int k = 0; k < tangent.length; k++) {
            tangent[k] = dfda * t[k];
        }
        value = f;
        return this;
    }

    /** this = f(a, b) given f and its partials. */
    private DualVector binary(DualVector a, DualVector b, double f, double dfda, double dfdb) {
        double[] ta = a.tangent;
        double[] tb = b.tangent;
        for (int k = 0; k < tangent.length; k++) {
            tangent[k] = dfda * ta[k] + dfdb * tb[k];
        }
        value = f;
        return this;
    }

    public DualVector add(DualVector a, DualVector b) {
        return binary(a, b, a.value + b.value, 1.0, 1.0);
    }

    public DualVector add(DualVector a, double c) {
        return unary(a, a.value + c, 1.0);
    }

    public DualVector subtract(DualVector a, DualVector b) {
        return binary(a, b, a.value - b.value, 1.0, -1.0);
    }

    public DualVector multiply(DualVector a, DualVector b) {
        return binary(a, b, a.value * b.value, b.value, a.value);
    }

    public DualVector multiply(DualVector a, double c) {
        return unary(a, a.value * c, c);
    }

    public DualVector divide(DualVector a, DualVector b) {
        double q = a.value / b.value;
        return binary(a, b, q, 1.0 / b.value, -q / b.value);
    }

    public DualVector negate(DualVector a) {
        return unary(a, -a.value, -1.0);
    }

    public DualVector sqrt(DualVector a) {
        double r = Math.sqrt(a.value);
        return unary(a, r, 0.5 / r);
    }

    public DualVector exp(DualVector a) {
        double e = Math.exp(a.value);
        return unary(a, e, e);
    }

    public DualVector log(DualVector a) {
        return unary(a, Math.log(a.value), 1.0 / a.value);
    }

    /** a^p for a constant exponent. */
    public DualVector pow(DualVector a, double p) {
        double r = Math.pow(a.value, p);
        return unary(a, r, p == 0.0 ? 0.0 : p * Math.pow(a.value, p - 1.0));
    }

    /** a^b = exp(b·ln a) for a &gt; 0. */
    public DualVector pow(DualVector a, DualVector b) {
        double r = Math.pow(a.value, b.value);
        return binary(a, b, r, b.value * Math.pow(a.value, b.value - 1.0), r * Math.log(a.value));
    }

    public DualVector sin(DualVector a) {
        return unary(a, Math.sin(a.value), Math.cos(a.value));
    }

    public DualVector cos(DualVector a) {
        return unary(a, Math.cos(a.value), -Math.sin(a.value));
    }

    /** atan2(y, x), the angle of the point (x, y). */
    public DualVector atan2(DualVector y, DualVector x) {
        double r2 = x.value * x.value + y.value * y.value;
        return binary(y, x, Math.atan2(y.value, x.value), x.value / r2, -y.value / r2);
    }

    /** The smaller of a and b; on a tie, a (value and tangent). */
    public DualVector min(DualVector a, DualVector b) {
        return b.value < a.value ? set(b) : set(a);
    }

    /** The larger of a and b; on a tie, a (value and tangent). */
    public DualVector max(DualVector a, DualVector b) {
        return b.value > a.value ? set(b) : set(a);
    }

    @Override
    public String toString() {
        return value + " " + Arrays.toString(tangent);
    }
}
