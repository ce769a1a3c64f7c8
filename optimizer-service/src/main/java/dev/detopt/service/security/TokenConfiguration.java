package dev.detopt.service.security;

import dev.detopt.service.config.DetoptProperties;
import dev.detopt.service.infra.EmbeddedInfrastructure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Local mode: a worker token for local worker processes ({@link LocalCredentials}) whenever this
 * service starts them ({@code detopt.workers.mode=local}, the default) or runs its own embedded
 * PostgreSQL, with an external database as well; and, on the first start of an embedded database,
 * an admin token ({@link TokenBootstrap}). With an external database no admin token is made: the
 * operator configures {@code DETOPT_BOOTSTRAP_ADMIN_TOKEN} and creates the rest through the admin API.
 */
@Configuration(proxyBeanMethods = false)
public class TokenConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(TokenConfiguration.class);

    @Bean
    LocalCredentials localCredentials(ObjectProvider<EmbeddedInfrastructure> embedded, ApiTokenService tokens,
            TokenBootstrap bootstrap, DetoptProperties detopt, org.springframework.core.env.Environment environment) {
        if (!localMode(embedded) && !startsLocalWorkers(environment)) {
            return LocalCredentials.none();
        }
        String workerToken = bootstrap.localWorkerToken(detopt.embedded().persistent());
        tokens.acceptConfigured(workerToken, Role.WORKER, "local-workers");
        return LocalCredentials.withWorkerToken(workerToken);
    }

    @Bean
    TokenBootstrap tokenBootstrap(ApiTokenService tokens, ApiTokenRepository repository, DetoptProperties detopt) {
        return new TokenBootstrap(tokens, repository, detopt.embedded().directory());
    }

    /** Runs after the context (and Flyway) is up, before the service reports itself ready. */
    @Bean
    ApplicationRunner localTokenBootstrap(ObjectProvider<EmbeddedInfrastructure> embedded, TokenBootstrap bootstrap,
            SecurityProperties security, org.springframework.core.env.Environment environment) {
        return arguments -> {
            if (security.hasBootstrapAdminToken()) {
                LOG.info("Admin token from detopt.security.bootstrap-admin-token (DETOPT_BOOTSTRAP_ADMIN_TOKEN) is accepted");
            }
            if (!localMode(embedded)) {
                return;
            }
            bootstrap.ensureAdminToken("localhost:" + environment.getProperty("local.server.port",
                    environment.getProperty("server.port", "8080")));
        };
    }

    /** {@code detopt.workers.mode} read as text: the launcher's settings live in a package that depends on this one. */
    static boolean startsLocalWorkers(org.springframework.core.env.Environment environment) {
        return "local".equalsIgnoreCase(environment.getProperty("detopt.workers.mode", "local").strip());
    }

    private static boolean localMode(ObjectProvider<EmbeddedInfrastructure> embedded) {
        EmbeddedInfrastructure infrastructure = embedded.getIfAvailable();
        return infrastructure != null && infrastructure.postgres().isPresent();
    }
}
