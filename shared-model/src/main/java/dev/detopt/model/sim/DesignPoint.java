package dev.detopt.model.sim;

import java.util.Arrays;

/**
 * A point in a simulator's parameter space and which parameters to differentiate.
 *
 * @param values         every simulator parameter, in the simulator's parameter order
 * @param differentiated indices (ascending, distinct) of the parameters with gradients
 */
public record DesignPoint(double[] values, int[] differentiated) {
    public DesignPoint {
        values = values.clone();
        differentiated = differentiated.clone();
        for (int k = 0; k < differentiated.length; k++) {
            if (differentiated[k] < 0 || differentiated[k] >= values.length) {
                throw new IllegalArgumentException("differentiated index " + differentiated[k] + " is out of range");
            }
            if (k > 0 && differentiated[k] <= differentiated[k - 1]) {
                throw new IllegalArgumentException("differentiated indices must be ascending and distinct");
            }
        }
    }

    public double value(int parameter) {
        return values[parameter];
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    @Override
    public int[] differentiated() {
        return differentiated.clone();
    }

    public int differentiatedCount() {
        return differentiated.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DesignPoint p && Arrays.equals(values, p.values) && Arrays.equals(differentiated, p.differentiated);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values) * 31 + Arrays.hashCode(differentiated);
    }

    @Override
    public String toString() {
        return "DesignPoint" + Arrays.toString(values) + " d/d" + Arrays.toString(differentiated);
    }
}
