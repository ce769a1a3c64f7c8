package dev.detopt.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.service.infra.EmbeddedInfrastructure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The service starts on the embedded stack, migrates the schema and answers its operational endpoints. */
@ServiceTest
class ServiceBootTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    EmbeddedInfrastructure embedded;

    @Autowired
    ObjectMapper json;

    @Test
    void runsOnTheEmbeddedPostgresAndS3() {
        assertThat(embedded.postgres()).isPresent();
        assertThat(embedded.objectStore()).isPresent();
        assertThat(jdbc.queryForObject("SHOW server_version", String.class)).startsWith("18.");
        assertThat(jdbc.queryForObject("SELECT current_database()", String.class)).isEqualTo("detopt");
    }

    @Test
    void flywayAppliedTheInitialSchema() {
        List<Map<String, Object>> history = jdbc.queryForList(
                "SELECT version, success FROM flyway_schema_history WHERE version = '1'");
        assertThat(history).singleElement().satisfies(row -> assertThat(row.get("success")).isEqualTo(true));

        UUID id = UUID.randomUUID();
        jdbc.update("INSERT INTO studies (id, name, status, owner, spec) VALUES (?, ?, ?, ?, ?::jsonb)",
                id, "calorimeter", "CREATED", "alice", "{\"simulator\":\"toy\",\"steps\":3}");
        Map<String, Object> row = jdbc.queryForMap(
                "SELECT name, owner, spec->>'steps' AS steps, created_at, updated_at FROM studies WHERE id = ?", id);
        assertThat(row).containsEntry("name", "calorimeter").containsEntry("owner", "alice").containsEntry("steps", "3");
        assertThat(row.get("created_at")).isNotNull();
    }

    @Test
    void healthIsUpWithDatabaseAndObjectStore() throws Exception {
        HttpResponse<String> response = get("/actuator/health");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode health = json.readTree(response.body());
        assertThat(health.path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").path("db").path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").path("objectStore").path("status").asString()).isEqualTo("UP");
    }

    @Test
    void prometheusScrapeHasJvmAndHttpMetrics() throws Exception {
        get("/actuator/health"); // at least one request so the HTTP server metric exists
        HttpResponse<String> response = get("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        assertThat(response.body())
                .contains("jvm_memory_used_bytes{")
                .contains("hikaricp_connections_active{")
                .contains("application=\"detopt-optimizer-service\"");
    }

    @Test
    void servesTheDashboard() throws Exception {
        HttpResponse<String> response = get("/");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("<title>detopt dashboard</title>", "assets/dashboard/app.js");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
