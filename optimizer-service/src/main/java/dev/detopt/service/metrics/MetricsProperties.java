package dev.detopt.service.metrics;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code detopt.metrics.*}.
 *
 * @param stateRefresh how often the database gauges are re-read
 * @param maxStudies   at most this many running studies get per-study gauges (bounded cardinality)
 */
@ConfigurationProperties("detopt.metrics")
public record MetricsProperties(
        @DefaultValue("10s") Duration stateRefresh,
        @DefaultValue("20") int maxStudies) {
}
