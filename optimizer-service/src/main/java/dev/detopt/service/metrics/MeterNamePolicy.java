package dev.detopt.service.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Prometheus/OpenMetrics reserve the {@code _created} suffix (a counter's creation time): a meter
 * of ours or of a library whose name ends in "created" is renamed to end in "creations" so that
 * no exposed family is misread. Spring Boot applies every MeterFilter bean to the registry.
 */
@Configuration(proxyBeanMethods = false)
public class MeterNamePolicy {

    static final String RESERVED_SUFFIX = "created";

    @Bean
    MeterFilter noCreatedSuffix() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String name = id.getName();
                return name.endsWith(RESERVED_SUFFIX)
                        ? id.withName(name.substring(0, name.length() - RESERVED_SUFFIX.length()) + "creations")
                        : id;
            }
        };
    }
}
