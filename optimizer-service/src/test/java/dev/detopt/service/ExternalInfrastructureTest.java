package dev.detopt.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.service.config.DetoptProperties;
import dev.detopt.service.infra.EmbeddedInfrastructure;
import dev.detopt.storage.ObjectStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A second service instance configured with DETOPT_DB_URL / DETOPT_S3_ENDPOINT (here: the first
 * instance's embedded servers) starts no embedded servers of its own and shares the first one's
 * data: the configuration path of every non-local deployment, and of several replicas on one database.
 */
@ServiceTest
class ExternalInfrastructureTest {

    @Autowired
    Environment environment;

    @Autowired
    DetoptProperties properties;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ObjectStore objectStore;

    @Test
    void secondInstanceUsesTheConfiguredServersInsteadOfEmbeddedOnes() throws Exception {
        UUID study = UUID.randomUUID();
        jdbc.update("INSERT INTO studies (id, name, status, owner, spec) VALUES (?, 'shared', 'CREATED', 'bob', '{}'::jsonb)", study);
        objectStore.put("shared/marker", "from-first".getBytes(UTF_8), "text/plain");

        DetoptProperties.S3 s3 = properties.s3();
        try (ConfigurableApplicationContext second = new SpringApplicationBuilder(OptimizerServiceApplication.class)
                .run(
                        "--server.port=0",
                        "--detopt.db.url=" + environment.getProperty("spring.datasource.url"),
                        "--detopt.db.user=" + environment.getProperty("spring.datasource.username"),
                        "--detopt.s3.endpoint=" + s3.endpoint(),
                        "--detopt.s3.bucket=" + s3.bucket(),
                        "--detopt.s3.access-key=" + s3.accessKey(),
                        "--detopt.s3.secret-key=" + s3.secretKey())) {
            assertThat(second.getBeansOfType(EmbeddedInfrastructure.class)).isEmpty();
            assertThat(second.getBean(JdbcTemplate.class)
                    .queryForObject("SELECT owner FROM studies WHERE id = ?", String.class, study)).isEqualTo("bob");
            assertThat(second.getBean(ObjectStore.class).get("shared/marker")).hasValueSatisfying(
                    bytes -> assertThat(new String(bytes, UTF_8)).isEqualTo("from-first"));

            int port = ((WebServerApplicationContext) second).getWebServer().getPort();
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");
        }
        // Closing the second instance left the first one's servers running.
        assertThat(jdbc.queryForObject("SELECT count(*) FROM studies WHERE id = ?", Integer.class, study)).isEqualTo(1);
        assertThat(objectStore.exists("shared/marker")).isTrue();
    }
}
