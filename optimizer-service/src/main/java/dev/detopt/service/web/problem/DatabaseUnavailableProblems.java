package dev.detopt.service.web.problem;

import dev.detopt.service.availability.DatabaseAvailabilityProperties;
import dev.detopt.service.availability.DatabaseFailures;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * While PostgreSQL is unreachable a request answers 503 {@code database-unavailable} with
 * {@code Retry-After}, not 500: the client did nothing wrong and may simply try again.
 */
@Component
public class DatabaseUnavailableProblems {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseUnavailableProblems.class);

    private final DatabaseAvailabilityProperties settings;

    public DatabaseUnavailableProblems(DatabaseAvailabilityProperties settings) {
        this.settings = settings;
    }

    /** The 503 answer if {@code error} means the database cannot be reached; empty otherwise. */
    public Optional<ResponseEntity<Map<String, Object>>> answer(Throwable error, String instance) {
        if (error == null || !DatabaseFailures.unreachable(error)) {
            return Optional.empty();
        }
        LOG.warn("503 on {}: the database is unreachable ({})", instance, error.getMessage());
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(Problems.MEDIA_TYPE);
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, settings.retryAfter().toSeconds())));
        return Optional.of(ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).headers(headers).body(Problems.asMap(
                Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "database-unavailable", "Database unavailable",
                        "the database cannot be reached right now; try again later", java.util.List.of(), instance))));
    }
}
