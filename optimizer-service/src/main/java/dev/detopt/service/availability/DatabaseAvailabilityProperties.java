package dev.detopt.service.availability;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the service behaves while PostgreSQL is unreachable ({@code detopt.db.*} besides the
 * connection settings of {@code DetoptProperties.Db}; e.g. {@code DETOPT_DB_CONNECTION_TIMEOUT}).
 *
 * @param connectionTimeout     longest wait for a pooled connection: a request that cannot get one
 *                              in time answers 503, and the health check reports DOWN (the pool's
 *                              {@code connectionTimeout}; at least 250 ms)
 * @param retryAfter            the {@code Retry-After} of those 503 answers
 * @param startupRetryInitial   at start, the first pause before trying an unreachable database again
 * @param startupRetryMax       the longest pause between tries (each pause doubles up to this)
 * @param startupWait           how long a start waits for the database before giving up; 0 = forever
 */
@ConfigurationProperties("detopt.db")
public record DatabaseAvailabilityProperties(
        @DefaultValue("2s") Duration connectionTimeout,
        @DefaultValue("5s") Duration retryAfter,
        @DefaultValue("1s") Duration startupRetryInitial,
        @DefaultValue("30s") Duration startupRetryMax,
        @DefaultValue("0s") Duration startupWait) {
}
