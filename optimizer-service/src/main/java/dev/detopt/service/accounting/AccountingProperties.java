package dev.detopt.service.accounting;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Prices for cost estimates ({@code detopt.accounting.*}, e.g. {@code DETOPT_ACCOUNTING_SPOT_PRICE_PER_CORE_HOUR}).
 * An attempt's CPU seconds are priced by the node its worker registered with: spot when the node's
 * name matches {@code spotNodePattern}, on demand otherwise; attempts with no node (local
 * processes, compose, hand-started workers) take {@code defaultCapacity}. Without prices, no cost is shown.
 *
 * @param currency                  unit of the prices, shown with the cost (e.g. USD)
 * @param onDemandPricePerCoreHour  price of one core-hour on an on-demand node
 * @param spotPricePerCoreHour      price of one core-hour on a spot (preemptible) node
 * @param spotNodePattern           regular expression over node names of spot nodes (whole name)
 * @param defaultCapacity           {@code on-demand} or {@code spot}: the capacity of attempts without a node
 */
@ConfigurationProperties("detopt.accounting")
public record AccountingProperties(
        @DefaultValue("USD") String currency,
        Double onDemandPricePerCoreHour,
        Double spotPricePerCoreHour,
        String spotNodePattern,
        @DefaultValue("on-demand") String defaultCapacity) {

    public static final String SPOT = "spot";
    public static final String ON_DEMAND = "on-demand";

    public AccountingProperties {
        if (!SPOT.equals(defaultCapacity) && !ON_DEMAND.equals(defaultCapacity)) {
            throw new IllegalArgumentException("detopt.accounting.default-capacity must be spot or on-demand, was "
                    + defaultCapacity);
        }
        requireNonNegative("on-demand-price-per-core-hour", onDemandPricePerCoreHour);
        requireNonNegative("spot-price-per-core-hour", spotPricePerCoreHour);
        if (spotNodePattern != null && !spotNodePattern.isBlank()) {
            try {
                Pattern.compile(spotNodePattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("detopt.accounting.spot-node-pattern is not a regular expression: "
                        + e.getDescription());
            }
        }
    }

    private static void requireNonNegative(String name, Double price) {
        if (price != null && !(price >= 0 && Double.isFinite(price))) {
            throw new IllegalArgumentException("detopt.accounting." + name + " must be a finite non-negative number");
        }
    }

    /** {@code spot} or {@code on-demand} for a node name (null: unknown node). */
    public String capacityOf(String node) {
        if (node == null || node.isBlank()) {
            return defaultCapacity;
        }
        if (spotNodePattern != null && !spotNodePattern.isBlank() && Pattern.matches(spotNodePattern, node)) {
            return SPOT;
        }
        return ON_DEMAND;
    }

    /** Whether a cost can be estimated: the on-demand price is set (spot falls back to it). */
    public boolean priced() {
        return onDemandPricePerCoreHour != null;
    }

    /** Price of a core-hour on this capacity (spot without its own price: the on-demand price). */
    public double pricePerCoreHour(String capacity) {
        if (SPOT.equals(capacity) && spotPricePerCoreHour != null) {
            return spotPricePerCoreHour;
        }
        return onDemandPricePerCoreHour == null ? 0 : onDemandPricePerCoreHour;
    }
}
