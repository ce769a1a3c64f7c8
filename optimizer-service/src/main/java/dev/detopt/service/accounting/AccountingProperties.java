package dev.detopt.service.accounting;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Prices for cost estimates ({@code detopt.accounting.*}, e.g. {@code DETOPT_ACCOUNTING_SPOT_PRICE_PER_CORE_HOUR}).
 * An attempt's CPU seconds are priced by the node its worker registered with: spot when the node's
 * labels match one of {@code spotNodeLabels} (read on Kubernetes), or, where the node's labels
 * cannot be read, when its name matches {@code spotNodePattern}; on demand otherwise; attempts with no node (local
 * processes, compose, hand-started workers) take {@code defaultCapacity}. Without prices, no cost is shown.
 *
 * @param currency                  unit of the prices, shown with the cost (e.g. USD)
 * @param onDemandPricePerCoreHour  price of one core-hour on an on-demand node
 * @param spotPricePerCoreHour      price of one core-hour on a spot (preemptible) node
 * @param spotNodePattern           regular expression over node names of spot nodes (whole name)
 * @param spotNodeLabels            comma-separated node label selectors of spot nodes, each {@code key=value}
 *                                  or {@code key} (present), e.g. {@code karpenter.sh/capacity-type=spot}
 * @param defaultCapacity           {@code on-demand} or {@code spot}: the capacity of attempts without a node
 */
@ConfigurationProperties("detopt.accounting")
public record AccountingProperties(
        @DefaultValue("USD") String currency,
        Double onDemandPricePerCoreHour,
        Double spotPricePerCoreHour,
        String spotNodePattern,
        @DefaultValue("on-demand") String defaultCapacity,
        String spotNodeLabels) {

    public static final String SPOT = "spot";
    public static final String ON_DEMAND = "on-demand";

    public AccountingProperties {
        if (!SPOT.equals(defaultCapacity) && !ON_DEMAND.equals(defaultCapacity)) {
            throw new IllegalArgumentException("detopt.accounting.default-capacity must be spot or on-demand, was "
                    + defaultCapacity);
        }
        requireNonNegative("on-demand-price-per-core-hour", onDemandPricePerCoreHour);
        parseSelectors(spotNodeLabels); // a malformed selector stops the service at start
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

    /** The spot selectors as key → value (null value: the key's presence is enough). */
    public java.util.Map<String, String> spotSelectors() {
        return parseSelectors(spotNodeLabels);
    }

    private static java.util.Map<String, String> parseSelectors(String spotNodeLabels) {
        java.util.Map<String, String> selectors = new java.util.LinkedHashMap<>();
        if (spotNodeLabels == null || spotNodeLabels.isBlank()) {
            return selectors;
        }
        for (String selector : spotNodeLabels.split(",")) {
            String trimmed = selector.trim();
            int equals = trimmed.indexOf('=');
            String key = equals < 0 ? trimmed : trimmed.substring(0, equals).trim();
            if (key.isEmpty() || trimmed.indexOf('=', equals + 1) > 0 || key.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("detopt.accounting.spot-node-labels: each selector is key=value or key,"
                        + " was '" + trimmed + "'");
            }
            selectors.put(key, equals < 0 ? null : trimmed.substring(equals + 1).trim());
        }
        return selectors;
    }

    /**
     * {@code spot} or {@code on-demand} for a node: by its labels when spot selectors are set and
     * the node's labels can be read, else by its name ({@link #capacityOf(String)}).
     */
    public String capacityOf(String node, NodeLabels labels) {
        java.util.Map<String, String> selectors = spotSelectors();
        if (node == null || node.isBlank() || selectors.isEmpty()) {
            return capacityOf(node);
        }
        java.util.Optional<java.util.Map<String, String>> found = labels.of(node);
        if (found.isEmpty()) {
            return capacityOf(node);
        }
        for (java.util.Map.Entry<String, String> selector : selectors.entrySet()) {
            String value = found.get().get(selector.getKey());
            if (value != null && (selector.getValue() == null || selector.getValue().equals(value))) {
                return SPOT;
            }
        }
        return ON_DEMAND;
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
