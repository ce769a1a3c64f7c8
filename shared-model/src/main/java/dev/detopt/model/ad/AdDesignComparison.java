package dev.detopt.model.ad;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Measures the forward-mode AD designs on one kernel with three tangents,
 * f = exp(−x·a)·sqrt(x + b)/(1 + x·c) + log(1 + x²) with a, b, c the differentiated parameters:
 * plain doubles (primal), struct-of-arrays tangents updated with {@link Tangents} kernels,
 * the immutable fixed-width {@link Dual3}, and the mutable {@link DualVector}. Used by
 * {@code detopt-sim bench --ad-designs}; figures are in docs/performance.md.
 */
public final class AdDesignComparison {

    /** Nanoseconds (thread CPU time) per kernel evaluation for each design. */
    public record Result(double primalNanos, double structOfArraysNanos, double dual3Nanos, double dualVectorNanos,
                         double checksum) {
    }

    private static final double A = 0.7;
    private static final double B = 1.3;
    private static final double C = 0.4;

    private AdDesignComparison() {
    }

    public static Result run(int evaluations, int rounds) {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        double checksum = 0;
        for (int round = 0; round < rounds + 2; round++) {
            for (int design = 0; design < 4; design++) {
                long start = bean.getCurrentThreadCpuTime();
                double sum = switch (design) {
                    case 0 -> primal(evaluations);
                    case 1 -> structOfArrays(evaluations);
                    case 2 -> dual3(evaluations);
                    default -> dualVector(evaluations);
                };
                long elapsed = bean.getCurrentThreadCpuTime() - start;
                checksum += sum;
                if (round >= 2) { // the first two rounds warm up the JIT
                    best[design] = Math.min(best[design], (double) elapsed / evaluations);
                }
            }
        }
        return new Result(best[0], best[1], best[2], best[3], checksum);
    }

    private static double input(int i) {
        return 0.1 + (i & 1023) * 0.001;
    }

    static double primal(int evaluations) {
        double sum = 0;
        for (int i = 0; i < evaluations; i++) {
            double x = input(i);
            sum += Math.exp(-x * A) * Math.sqrt(x + B) / (1 + x * C) + Math.log(1 + x * x);
        }
        return sum;
    }

    static double structOfArrays(int evaluations) {
        int n = 3;
        double[] da = {1, 0, 0};
        double[] db = {0, 1, 0};
        double[] dc = {0, 0, 1};
        double[] du = new double[n];
        double[] ds = new double[n];
        double[] dw = new double[n];
        double[] df = new double[n];
        double sum = 0;
        for (int i = 0; i < evaluations; i++) {
            double x = input(i);
            double u = x * A;
            Tangents.scale(x, da, 0, du, 0, n);                   // du = x·da (x is a constant input)
            double e = Math.exp(-u);
            double s = Math.sqrt(x + B);
            Tangents.scale(0.5 / s, db, 0, ds, 0, n);             // ds = db / (2s)
            double w = 1 + x * C;
            Tangents.scale(x, dc, 0, dw, 0, n);                   // dw = x·dc
            double num = e * s;
            double q = num / w;
            // dq = (s·de + e·ds)/w − q·dw/w with de = −e·du
            Tangents.combine(-e * s / w, du, 0, e / w, ds, 0, -q / w, dw, 0, df, 0, n);
            double f = q + Math.log(1 + x * x);
            sum += f + df[0] + df[1] + df[2];
        }
        return sum;
    }

    static double dual3(int evaluations) {
        Dual3 a = Dual3.variable(0, A);
        Dual3 b = Dual3.variable(1, B);
        Dual3 c = Dual3.variable(2, C);
        double sum = 0;
        for (int i = 0; i < evaluations; i++) {
            Dual3 x = Dual3.constant(input(i));
            Dual3 f = x.times(a).times(-1).exp().times(x.plus(b).sqrt()).div(x.times(c).plus(1))
                    .plus(x.times(x).plus(1).log());
            sum += f.v() + f.d0() + f.d1() + f.d2();
        }
        return sum;
    }

    static double dualVector(int evaluations) {
        DualVector a = DualVector.variable(3, 0, A);
        DualVector b = DualVector.variable(3, 1, B);
        DualVector c = DualVector.variable(3, 2, C);
        DualVector x = new DualVector(3);
        DualVector t = new DualVector(3);
        DualVector s = new DualVector(3);
        DualVector w = new DualVector(3);
        DualVector l = new DualVector(3);
        double sum = 0;
        for (int i = 0; i < evaluations; i++) {
            x.set(input(i));
            t.multiply(x, a).multiply(t, -1).exp(t);
            s.add(x, b).sqrt(s);
            w.multiply(x, c).add(w, 1);
            t.multiply(t, s).divide(t, w);
            l.multiply(x, x).add(l, 1).log(l);
            t.add(t, l);
            sum += t.value() + t.tangent(0) + t.tangent(1) + t.tangent(2);
        }
        return sum;
    }
}
