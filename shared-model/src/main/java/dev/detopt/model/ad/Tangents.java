package dev.detopt.model.ad;

/**
 * Chain-rule kernels for struct-of-arrays forward-mode AD: a quantity is a plain {@code double}
 * value plus a tangent vector of n doubles (∂value/∂θ_k) held in a primitive array, possibly at an
 * offset inside a larger array (one slot per particle). Every elementary operation's tangent is a
 * linear combination of its inputs' tangents with the local partial derivatives as coefficients,
 * so these few loops are all the tangent arithmetic a simulator needs; values stay plain doubles.
 * Nothing here allocates. Aliasing of output and inputs is allowed (each index is read before it is
 * written).
 */
public final class Tangents {
    private Tangents() {
    }

    /** out = 0. */
    public static void zero(double[] out, int o, int n) {
        for (int k = 0; k < n; k++) {
            out[o + k] = 0.0;
        }
    }

    /** out = a. */
    public static void copy(double[] a, int ao, double[] out, int o, int n) {
        for (int k = 0; k < n; k++) {
            out[o + k] = a[ao + k];
        }
    }

    /** out = ca·a. */
    public static void scale(double ca, double[] a, int ao, double[] out, int o, int n) {
        for (int k = 0; k < n; k++) {
            out[o + k] = ca * a[ao + k];
        }
    }

    /** out = ca·a + cb·b. */
    public static void combine(double ca, double[] a, int ao, double cb, double[] b, int bo,
                               double[] out, int o, int n) {
        for (int k = 0; k < n; k++) {
            out[o + k] = ca * a[ao + k] + cb * b[bo + k];
        }
    }

    /** out = ca·a + cb·b + cc·c. */
    public static void combine(double ca, double[] a, int ao, double cb, double[] b, int bo,
                               double cc, double[] c, int co, double[] out, int o, int n) {
        for (int k = 0; k < n; k++) {
            out[o + k] = ca * a[ao + k] + cb * b[bo + k] + cc * c[co + k];
        }
    }

    /** out += ca·a. */
    public static void addScaled(double ca, double[] a, int ao, double[] out, int o, int n) {
        for (int k = 0; k < n; k++) {
            out[o + k] += ca * a[ao + k];
        }
    }

    /** out = a − b. */
    public static void subtract(double[] a, int ao, double[] b, int bo, double[] out, int o, int n) {
        for (int k = 0; k < n; k++) {
            out[o + k] = a[ao + k] - b[bo + k];
        }
    }

    /** out += a. */
    public static void add(double[] a, int ao, double[] out, int o, int n) {
        for (int k = 0; k < n; k++) {
            out[o + k] += a[ao + k];
        }
    }
}
