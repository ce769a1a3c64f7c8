package dev.detopt.service.availability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * The outage settings bind from the environment variables docs/operations.md names, with its
 * defaults; and which errors count as "the database cannot be reached" (503 and waiting at start)
 * rather than as a fault of the request or the configuration.
 */
class DatabaseAvailabilitySettingsTest {

    @Test
    void documentedEnvironmentVariablesBind() {
        DatabaseAvailabilityProperties settings = bind(Map.of(
                "DETOPT_DB_CONNECTION_TIMEOUT", "750ms",
                "DETOPT_DB_RETRY_AFTER", "9s",
                "DETOPT_DB_STARTUP_RETRY_INITIAL", "2s",
                "DETOPT_DB_STARTUP_RETRY_MAX", "1m",
                "DETOPT_DB_STARTUP_WAIT", "10m"));
        assertThat(settings).isEqualTo(new DatabaseAvailabilityProperties(Duration.ofMillis(750), Duration.ofSeconds(9),
                Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofMinutes(10)));
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(bind(Map.of())).isEqualTo(new DatabaseAvailabilityProperties(Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ZERO));
    }

    @Test
    void connectionFailuresAreUnreachableOtherErrorsAreNot() {
        assertThat(DatabaseFailures.unreachable(new FlywayException("x", new SQLException("refused", "08001")))).isTrue();
        assertThat(DatabaseFailures.unreachable(new CannotGetJdbcConnectionException("timeout"))).isTrue();
        assertThat(DatabaseFailures.unreachable(new RuntimeException(new ConnectException("refused")))).isTrue();
        assertThat(DatabaseFailures.unreachable(new SQLException("shutting down", "57P01"))).isTrue();
        assertThat(DatabaseFailures.unreachable(new SQLException("starting up", "57P03"))).isTrue();
        // A wrong password, a missing database, a broken constraint: not an outage.
        assertThat(DatabaseFailures.unreachable(new FlywayException("x", new SQLException("password", "28P01")))).isFalse();
        assertThat(DatabaseFailures.unreachable(new FlywayException("x", new SQLException("no database", "3D000")))).isFalse();
        assertThat(DatabaseFailures.unreachable(new DataIntegrityViolationException("duplicate"))).isFalse();
        assertThat(DatabaseFailures.unreachable(new IllegalStateException("bug"))).isFalse();
    }

    private static DatabaseAvailabilityProperties bind(Map<String, Object> environment) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new SystemEnvironmentPropertySource("test-env", environment));
        ConfigurationPropertySources.attach(env);
        return Binder.get(env).bindOrCreate("detopt.db", DatabaseAvailabilityProperties.class);
    }
}
