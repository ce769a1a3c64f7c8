package dev.detopt.service.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.storage.ObjectStore;
import dev.detopt.storage.S3ObjectStore;
import dev.detopt.storage.S3Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** Which embedded servers start depends only on which external ones are configured. */
class EmbeddedInfrastructurePostProcessorTest {

    private final EmbeddedInfrastructurePostProcessor postProcessor =
            new EmbeddedInfrastructurePostProcessor(new DeferredLogs());

    @Test
    void startsNothingWhenDatabaseAndObjectStoreAreExternal() {
        StandardEnvironment environment = environment(Map.of(
                "detopt.db.url", "jdbc:postgresql://db.example:5432/detopt",
                "detopt.s3.endpoint", "https://s3.example"));
        SpringApplication application = new SpringApplication();
        int initializersBefore = application.getInitializers().size();

        postProcessor.postProcessEnvironment(environment, application);

        assertThat(environment.getPropertySources().contains(EmbeddedInfrastructurePostProcessor.PROPERTY_SOURCE_NAME)).isFalse();
        assertThat(application.getInitializers()).hasSize(initializersBefore);
    }

    @Test
    void springDatasourceUrlAlsoCountsAsAnExternalDatabase() {
        StandardEnvironment environment = environment(Map.of(
                "spring.datasource.url", "jdbc:postgresql://db.example:5432/detopt",
                "detopt.s3.endpoint", "https://s3.example"));
        postProcessor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getPropertySources().contains(EmbeddedInfrastructurePostProcessor.PROPERTY_SOURCE_NAME)).isFalse();
    }

    @Test
    void startsOnlyTheObjectStoreWhenOnlyTheDatabaseIsExternal() {
        StandardEnvironment environment = environment(Map.of(
                "detopt.db.url", "jdbc:postgresql://db.example:5432/detopt",
                "detopt.embedded.persistent", "false",
                "detopt.embedded.s3-port", "0",
                "detopt.s3.access-key", "given-key",
                "detopt.s3.secret-key", "given-secret"));
        SpringApplication application = new SpringApplication();

        postProcessor.postProcessEnvironment(environment, application);

        assertThat(environment.getProperty("spring.datasource.url")).isNull();
        String endpoint = environment.getProperty("detopt.s3.endpoint");
        assertThat(endpoint).startsWith("http://127.0.0.1:");
        assertThat(environment.getProperty("detopt.s3.access-key")).isEqualTo("given-key");

        try (GenericApplicationContext context = contextWith(application)) {
            EmbeddedInfrastructure infrastructure = context.getBean(EmbeddedInfrastructure.class);
            assertThat(infrastructure.postgres()).isEmpty();
            assertThat(infrastructure.objectStore()).isPresent();
            try (ObjectStore store = new S3ObjectStore(new S3Settings(endpoint, null, "probe", "given-key", "given-secret"))) {
                store.ensureBucket();
                store.put("k", new byte[] {7}, "application/octet-stream");
                assertThat(store.get("k")).hasValueSatisfying(bytes -> assertThat(bytes).containsExactly(7));
            }
        }
        // Closing the context stopped the embedded S3 server.
        try (ObjectStore store = new S3ObjectStore(new S3Settings(endpoint, null, "probe", "given-key", "given-secret"))) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> store.exists("k"))).isNotNull();
        }
    }

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return environment;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static GenericApplicationContext contextWith(SpringApplication application) {
        GenericApplicationContext context = new GenericApplicationContext();
        for (ApplicationContextInitializer initializer : application.getInitializers()) {
            ((ApplicationContextInitializer<ConfigurableApplicationContext>) initializer).initialize(context);
        }
        context.refresh();
        return context;
    }
}
