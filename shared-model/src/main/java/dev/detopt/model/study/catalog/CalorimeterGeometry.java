package dev.detopt.model.study.catalog;

import java.util.Arrays;
import java.util.List;

/**
 * Sampling calorimeter of {@code layers} absorber+gap layers with a square transverse face of side
 * T: absorber volume = layers·a·T², gap volume = layers·g·T² (mm³ → cm³), and one readout channel
 * per active gap (channels = layers, independent of θ).
 */
public final class CalorimeterGeometry implements DetectorGeometry {
    private static final double CUBIC_MM_PER_CM3 = 1000.0;
    private final int layers;
    private final double transverseSizeMm;
    private final int absorberIndex;
    private final int gapIndex;

    /**
     * @param absorberIndex index of the absorber thickness a (mm) in θ
     * @param gapIndex      index of the gap thickness g (mm) in θ
     */
    public CalorimeterGeometry(int layers, double transverseSizeMm, int absorberIndex, int gapIndex) {
        this.layers = layers;
        this.transverseSizeMm = transverseSizeMm;
        this.absorberIndex = absorberIndex;
        this.gapIndex = gapIndex;
    }

    @Override
    public List<String> materials() {
        return List.of("absorber", "gap");
    }

    /** The absorber material fills the absorber layers, the active medium the gaps. */
    @Override
    public java.util.Map<String, String> categoricalMaterials() {
        return java.util.Map.of("absorber", "absorber", "active", "gap");
    }

    @Override
    public String volumeUnit() {
        return "cm³";
    }

    @Override
    public double volume(int material, double[] theta, double[] gradientOut) {
        int thickness = switch (material) {
            case 0 -> absorberIndex;
            case 1 -> gapIndex;
            default -> throw new IndexOutOfBoundsException("material " + material);
        };
        double perMm = layers * transverseSizeMm * transverseSizeMm / CUBIC_MM_PER_CM3;
        Arrays.fill(gradientOut, 0.0);
        gradientOut[thickness] = perMm;
        return perMm * theta[thickness];
    }

    @Override
    public double channels(double[] theta, double[] gradientOut) {
        Arrays.fill(gradientOut, 0.0);
        return layers;
    }
}
