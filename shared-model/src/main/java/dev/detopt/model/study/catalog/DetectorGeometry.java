package dev.detopt.model.study.catalog;

import java.util.List;

/**
 * What the cost model needs from a detector: material volumes and readout channels as
 * differentiable functions of the simulator parameters θ (all of them, in simulator order).
 */
public interface DetectorGeometry {
    /** Material names, e.g. ["absorber", "gap"]. */
    List<String> materials();

    /**
     * The region each categorical design parameter fills (categorical name → material name), whose price
     * then depends on the choice (cost.choicePrices); none by default.
     */
    default java.util.Map<String, String> categoricalMaterials() {
        return java.util.Map.of();
    }

    /** Unit of {@link #volume}, for documentation (e.g. "cm³"). */
    String volumeUnit();

    /** Volume of material {@code material} at θ; writes ∂volume/∂θ_j into {@code gradientOut[j]}. */
    double volume(int material, double[] theta, double[] gradientOut);

    /** Readout channels at θ; writes ∂channels/∂θ_j into {@code gradientOut[j]}. */
    double channels(double[] theta, double[] gradientOut);

    /** A detector without materials or channels (its cost is zero). */
    static DetectorGeometry none() {
        return new DetectorGeometry() {
            @Override
            public List<String> materials() {
                return List.of();
            }

            @Override
            public String volumeUnit() {
                return "";
            }

            @Override
            public double volume(int material, double[] theta, double[] gradientOut) {
                throw new IndexOutOfBoundsException("this detector has no materials");
            }

            @Override
            public double channels(double[] theta, double[] gradientOut) {
                java.util.Arrays.fill(gradientOut, 0.0);
                return 0;
            }
        };
    }
}
