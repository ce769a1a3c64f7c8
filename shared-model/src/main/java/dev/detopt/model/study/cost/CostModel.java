package dev.detopt.model.study.cost;

import dev.detopt.model.study.CostSpec;
import dev.detopt.model.study.catalog.DetectorGeometry;

import java.util.List;
import java.util.Map;

/** c(θ) = Σ_m price_m · volume_m(θ) + channelPrice · channels(θ), with its exact gradient. */
public final class CostModel {
    private final DetectorGeometry geometry;
    private final double[] prices;
    private final double channelPrice;

    public CostModel(DetectorGeometry geometry, CostSpec spec) {
        this.geometry = geometry;
        List<String> materials = geometry.materials();
        this.prices = new double[materials.size()];
        spec.materialPrices().forEach((material, price) -> {
            int index = materials.indexOf(material);
            if (index < 0) {
                throw new IllegalArgumentException("the detector has no material '" + material + "'; it has " + materials);
            }
            prices[index] = price;
        });
        this.channelPrice = spec.channelPrice();
    }

    /** Cost at θ (all simulator parameters); writes ∂c/∂θ_j into {@code gradientOut}. */
    public double cost(double[] theta, double[] gradientOut) {
        return cost(theta, gradientOut, prices);
    }

    /**
     * Cost at θ of one choice of the categorical parameters: {@code choicePrices} gives, by material, the
     * price of the chosen material of that region (cost.choicePrices); the other regions keep their price.
     */
    public double cost(double[] theta, double[] gradientOut, Map<String, Double> choicePrices) {
        if (choicePrices.isEmpty()) {
            return cost(theta, gradientOut, prices);
        }
        double[] chosen = prices.clone();
        choicePrices.forEach((material, price) -> chosen[geometry.materials().indexOf(material)] = price);
        return cost(theta, gradientOut, chosen);
    }

    private double cost(double[] theta, double[] gradientOut, double[] prices) {
        java.util.Arrays.fill(gradientOut, 0.0);
        double[] partial = new double[theta.length];
        double cost = 0;
        for (int m = 0; m < prices.length; m++) {
            if (prices[m] == 0) {
                continue;
            }
            cost += prices[m] * geometry.volume(m, theta, partial);
            for (int j = 0; j < theta.length; j++) {
                gradientOut[j] += prices[m] * partial[j];
            }
        }
        if (channelPrice != 0) {
            cost += channelPrice * geometry.channels(theta, partial);
            for (int j = 0; j < theta.length; j++) {
                gradientOut[j] += channelPrice * partial[j];
            }
        }
        return cost;
    }
}
