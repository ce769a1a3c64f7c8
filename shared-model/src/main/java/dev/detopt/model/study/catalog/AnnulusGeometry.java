package dev.detopt.model.study.catalog;

import java.util.Arrays;
import java.util.List;

/**
 * The branching shower's detector: an annulus from the inner radius θ to θ + width. Its "volume"
 * is the area π((θ + w)² − θ²) = π(2wθ + w²), in squared length units of the simulator, and it
 * has one readout channel.
 */
public final class AnnulusGeometry implements DetectorGeometry {
    private final int radiusIndex;
    private final double width;

    public AnnulusGeometry(int radiusIndex, double width) {
        this.radiusIndex = radiusIndex;
        this.width = width;
    }

    @Override
    public List<String> materials() {
        return List.of("annulus");
    }

    @Override
    public String volumeUnit() {
        return "area units";
    }

    @Override
    public double volume(int material, double[] theta, double[] gradientOut) {
        if (material != 0) {
            throw new IndexOutOfBoundsException("material " + material);
        }
        double r = theta[radiusIndex];
        Arrays.fill(gradientOut, 0.0);
        gradientOut[radiusIndex] = 2 * Math.PI * width;
        return Math.PI * ((r + width) * (r + width) - r * r);
    }

    @Override
    public double channels(double[] theta, double[] gradientOut) {
        Arrays.fill(gradientOut, 0.0);
        return 1;
    }
}
