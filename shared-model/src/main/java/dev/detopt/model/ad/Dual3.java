package dev.detopt.model.ad;

/**
 * An immutable dual number with exactly three tangents, the "small fixed-width dual type"
 * design: every operation returns a new instance and relies on the JIT's escape analysis to
 * scalar-replace the temporaries. Kept for the design comparison in docs/performance.md (see
 * {@link AdDesignComparison}); the simulators use the struct-of-arrays {@link Tangents} kernels,
 * which measured faster and work for any number of parameters.
 */
public record Dual3(double v, double d0, double d1, double d2) {

    public static Dual3 constant(double v) {
        return new Dual3(v, 0, 0, 0);
    }

    public static Dual3 variable(int k, double v) {
        return new Dual3(v, k == 0 ? 1 : 0, k == 1 ? 1 : 0, k == 2 ? 1 : 0);
    }

    private Dual3 chain(double f, double dfdv) {
        return new Dual3(f, dfdv * d0, dfdv * d1, dfdv * d2);
    }

    private static Dual3 chain(double f, Dual3 a, double dfda, Dual3 b, double dfdb) {
        return new Dual3(f, dfda * a.d0 + dfdb * b.d0, dfda * a.d1 + dfdb * b.d1, dfda * a.d2 + dfdb * b.d2);
    }

    public double tangent(int k) {
        return switch (k) {
            case 0 -> d0;
            case 1 -> d1;
            case 2 -> d2;
            default -> throw new IndexOutOfBoundsException(k);
        };
    }

    public Dual3 plus(Dual3 b) {
        return new Dual3(v + b.v, d0 + b.d0, d1 + b.d1, d2 + b.d2);
    }

    public Dual3 plus(double c) {
        return new Dual3(v + c, d0, d1, d2);
    }

    public Dual3 minus(Dual3 b) {
        return new Dual3(v - b.v, d0 - b.d0, d1 - b.d1, d2 - b.d2);
    }

    public Dual3 times(Dual3 b) {
        return chain(v * b.v, this, b.v, b, v);
    }

    public Dual3 times(double c) {
        return chain(v * c, c);
    }

    public Dual3 div(Dual3 b) {
        double q = v / b.v;
        return chain(q, this, 1.0 / b.v, b, -q / b.v);
    }

    public Dual3 sqrt() {
        double r = Math.sqrt(v);
        return chain(r, 0.5 / r);
    }

    public Dual3 exp() {
        double e = Math.exp(v);
        return chain(e, e);
    }

    public Dual3 log() {
        return chain(Math.log(v), 1.0 / v);
    }

    public Dual3 pow(double p) {
        return chain(Math.pow(v, p), p == 0.0 ? 0.0 : p * Math.pow(v, p - 1.0));
    }

    public Dual3 sin() {
        return chain(Math.sin(v), Math.cos(v));
    }

    public Dual3 cos() {
        return chain(Math.cos(v), -Math.sin(v));
    }

    public static Dual3 atan2(Dual3 y, Dual3 x) {
        double r2 = x.v * x.v + y.v * y.v;
        return chain(Math.atan2(y.v, x.v), y, x.v / r2, x, -y.v / r2);
    }

    /** The smaller; on a tie, this. */
    public Dual3 min(Dual3 b) {
        return b.v < v ? b : this;
    }

    /** The larger; on a tie, this. */
    public Dual3 max(Dual3 b) {
        return b.v > v ? b : this;
    }
}
