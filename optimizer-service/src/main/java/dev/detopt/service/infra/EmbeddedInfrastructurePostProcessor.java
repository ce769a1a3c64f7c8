package dev.detopt.service.infra;

import dev.detopt.service.config.DetoptProperties;
import dev.detopt.storage.embedded.EmbeddedS3Server;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.logging.Log;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts the embedded PostgreSQL and S3 server before the application context exists, so the
 * DataSource, Flyway and the object store see ordinary connection properties. It runs after the
 * configuration files are read (it needs them) and only starts what is not configured:
 * <ul>
 *   <li>no {@code spring.datasource.url} and no {@code detopt.db.url} → embedded PostgreSQL;</li>
 *   <li>no {@code detopt.s3.endpoint} → in-JVM S3 server.</li>
 * </ul>
 * The servers are handed to the context as the {@link EmbeddedInfrastructure} bean, which the
 * DataSource and the object store depend on, so they stop after everything that uses them. If the
 * context fails to start, they stop at once.
 */
public class EmbeddedInfrastructurePostProcessor implements EnvironmentPostProcessor, Ordered {

    public static final String PROPERTY_SOURCE_NAME = "detoptEmbeddedInfrastructure";

    /** Logging is not set up yet when this runs: messages are replayed once it is. */
    private final Log log;

    public EmbeddedInfrastructurePostProcessor(DeferredLogFactory logFactory) {
        this.log = logFactory.getLog(EmbeddedInfrastructurePostProcessor.class);
    }

    /** After ConfigDataEnvironmentPostProcessor (application.properties, profiles). */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 10;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
            return; // already done for this environment (e.g. a bootstrap context)
        }
        HttpPortCheck.requireFree(environment);
        DetoptProperties properties = Binder.get(environment)
                .bindOrCreate("detopt", DetoptProperties.class);
        boolean externalDatabase = properties.db().configured()
                || hasText(environment.getProperty("spring.datasource.url"));
        boolean externalObjectStore = properties.s3().configured();
        if (externalDatabase && externalObjectStore) {
            return;
        }

        DetoptProperties.Embedded embedded = properties.embedded();
        Map<String, Object> published = new HashMap<>();
        Optional<EmbeddedPostgresServer> postgres = Optional.empty();
        Optional<EmbeddedS3Server> objectStore = Optional.empty();
        try {
            if (!externalDatabase) {
                EmbeddedPostgresServer server = embedded.persistent()
                        ? EmbeddedPostgresServer.persistent(embedded.directory().resolve("postgres"), embedded.postgresPort())
                        : EmbeddedPostgresServer.ephemeral(embedded.postgresPort());
                postgres = Optional.of(server);
                server.stoppedOrphan().ifPresent(pid -> log.warn("Stopped PostgreSQL pid " + pid
                        + " left running on " + embedded.directory().resolve("postgres") + " by an earlier, killed run"));
                published.put("spring.datasource.url", server.jdbcUrl());
                published.put("spring.datasource.username", server.user());
                published.put("spring.datasource.password", server.password());
                log.info("Embedded PostgreSQL at " + server.jdbcUrl()
                        + server.dataDirectory().map(d -> " (data in " + d + ")").orElse(" (temporary)"));
            }
            if (!externalObjectStore) {
                DetoptProperties.S3 s3 = properties.s3();
                String accessKey = hasText(s3.accessKey()) ? s3.accessKey() : "detopt";
                // Without a configured secret the local server gets a fresh random one each run.
                String secretKey = hasText(s3.secretKey()) ? s3.secretKey() : randomSecret();
                EmbeddedS3Server server = embedded.persistent()
                        ? EmbeddedS3Server.filesystem(embedded.directory().resolve("objects"), embedded.host(),
                                embedded.s3Port(), accessKey, secretKey)
                        : EmbeddedS3Server.inMemory(embedded.host(), embedded.s3Port(), accessKey, secretKey);
                objectStore = Optional.of(server);
                published.put("detopt.s3.endpoint", server.endpoint());
                published.put("detopt.s3.access-key", accessKey);
                published.put("detopt.s3.secret-key", secretKey);
                log.info("Embedded S3 server at " + server.endpoint() + " (bucket '" + s3.bucket() + "'"
                        + (embedded.persistent() ? ", objects in " + embedded.directory().resolve("objects").toAbsolutePath() : ", in memory")
                        + ")");
            }
        } catch (RuntimeException e) {
            new EmbeddedInfrastructure(postgres, objectStore).close();
            throw e;
        }

        EmbeddedInfrastructure infrastructure = new EmbeddedInfrastructure(postgres, objectStore);
        environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, published));
        application.addInitializers(context -> {
            RootBeanDefinition definition = new RootBeanDefinition(EmbeddedInfrastructure.class, () -> infrastructure);
            definition.setDestroyMethodName("close");
            ((BeanDefinitionRegistry) context.getBeanFactory()).registerBeanDefinition(EmbeddedInfrastructure.BEAN_NAME, definition);
        });
        application.addListeners(new StopOnFailure(infrastructure));
    }

    /** A context that fails to start does not destroy its beans: stop the servers here instead. */
    private record StopOnFailure(EmbeddedInfrastructure infrastructure) implements ApplicationListener<ApplicationFailedEvent> {

        @Override
        public void onApplicationEvent(ApplicationFailedEvent event) {
            infrastructure.close();
        }
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }

    private static String randomSecret() {
        byte[] bytes = new byte[20];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
