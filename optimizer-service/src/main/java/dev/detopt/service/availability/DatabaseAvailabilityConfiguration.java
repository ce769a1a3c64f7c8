package dev.detopt.service.availability;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Fail fast while PostgreSQL is down, wait for it at start: the pool gives up on a connection
 * after {@code detopt.db.connection-timeout} (so requests answer 503 and health DOWN quickly
 * instead of hanging for Hikari's default 30 s), and Flyway's migration at start is retried with
 * backoff until the database answers, instead of the service exiting.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseAvailabilityConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseAvailabilityConfiguration.class);
    /** Hikari refuses less. */
    private static final Duration SHORTEST_CONNECTION_TIMEOUT = Duration.ofMillis(250);

    /** Static: a post-processor is created before ordinary beans, so it binds its setting itself. */
    @Bean
    static BeanPostProcessor poolConnectionTimeout(Environment environment) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof HikariDataSource pool) {
                    Duration timeout = settings(environment).connectionTimeout();
                    if (timeout.compareTo(SHORTEST_CONNECTION_TIMEOUT) < 0) {
                        timeout = SHORTEST_CONNECTION_TIMEOUT;
                    }
                    pool.setConnectionTimeout(timeout.toMillis());
                    // The liveness check of a pooled connection must fit inside the wait for one.
                    pool.setValidationTimeout(Math.max(SHORTEST_CONNECTION_TIMEOUT.toMillis(), timeout.toMillis() / 2));
                }
                return bean;
            }
        };
    }

    @Bean
    FlywayMigrationStrategy migrateWhenTheDatabaseAnswers(DatabaseAvailabilityProperties settings, Environment environment) {
        return flyway -> new StartupWait(settings, environment.getProperty("spring.datasource.url", "the database"))
                .run(flyway::migrate);
    }

    private static DatabaseAvailabilityProperties settings(Environment environment) {
        return Binder.get(environment).bindOrCreate("detopt.db", DatabaseAvailabilityProperties.class);
    }

    /** Runs a step that needs the database, again and again with growing pauses while it is unreachable. */
    static final class StartupWait {
        private final DatabaseAvailabilityProperties settings;
        private final String url;

        StartupWait(DatabaseAvailabilityProperties settings, String url) {
            this.settings = settings;
            this.url = url;
        }

        void run(Runnable step) {
            long started = System.nanoTime();
            Duration pause = positive(settings.startupRetryInitial());
            for (int attempt = 1; ; attempt++) {
                try {
                    step.run();
                    if (attempt > 1) {
                        LOG.info("PostgreSQL at {} answers after {} tries; migrations have run", url, attempt);
                    }
                    return;
                } catch (FlywayException e) {
                    if (!DatabaseFailures.unreachable(e)) {
                        throw e;
                    }
                    Duration waited = Duration.ofNanos(System.nanoTime() - started);
                    if (!settings.startupWait().isZero() && waited.plus(pause).compareTo(settings.startupWait()) > 0) {
                        LOG.error("PostgreSQL at {} is still unreachable after {} s (detopt.db.startup-wait); giving up",
                                url, waited.toSeconds());
                        throw e;
                    }
                    LOG.warn("Waiting for PostgreSQL: {} is unreachable ({}); try {} failed, next in {} ms "
                            + "(the service becomes ready once migrations have run)", url, rootMessage(e), attempt,
                            pause.toMillis());
                    sleep(pause);
                    pause = pause.multipliedBy(2);
                    if (pause.compareTo(settings.startupRetryMax()) > 0) {
                        pause = positive(settings.startupRetryMax());
                    }
                }
            }
        }

        private static Duration positive(Duration duration) {
            return duration.isNegative() || duration.isZero() ? Duration.ofMillis(100) : duration;
        }

        private static void sleep(Duration pause) {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for PostgreSQL", e);
            }
        }

        private static String rootMessage(Throwable error) {
            Throwable root = error;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root.getClass().getSimpleName() + ": " + root.getMessage();
        }
    }
}
