package dev.detopt.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.service.HttpTestClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestTokens;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** The admin token API over HTTP, checked against the api_tokens table. */
@ServiceTest
class AdminTokenApiTest {

    private static final String TOKENS = "/api/v1/admin/tokens";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    HttpTestClient api;

    @BeforeEach
    void client() {
        api = new HttpTestClient(port);
    }

    @Test
    void createdTokenIsShownOnceAndStoredOnlyAsItsSha256() throws Exception {
        HttpTestClient.Response created = api.postJson(TOKENS, TestTokens.ADMIN, "{\"name\":\"ci runner\",\"role\":\"operator\"}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode body = created.json();
        String token = body.path("token").asString();
        UUID id = UUID.fromString(body.path("id").asString());
        assertThat(token).startsWith("dtp_").hasSize(4 + 43);
        assertThat(body.path("role").asString()).isEqualTo("operator");
        assertThat(created.headers().firstValue("Location")).hasValue(TOKENS + "/" + id);

        byte[] expectedHash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        Map<String, Object> row = jdbc.queryForMap("SELECT token_hash, created_by, row_to_json(t)::text AS everything"
                + " FROM api_tokens t WHERE id = ?", id);
        assertThat((byte[]) row.get("token_hash")).isEqualTo(expectedHash);
        assertThat(row.get("created_by")).isEqualTo("static-admin");
        assertThat((String) row.get("everything")).doesNotContain(token).doesNotContain(token.substring(4));

        // The new token works with its role, and is never shown again.
        assertThat(api.get("/api/v1/studies/_probe/" + UUID.randomUUID(), token).status()).isEqualTo(200);
        assertThat(api.get(TOKENS, token).status()).isEqualTo(403);
        HttpTestClient.Response listed = api.get(TOKENS, TestTokens.ADMIN);
        assertThat(listed.body()).doesNotContain(token).doesNotContain(HexFormat.of().formatHex(expectedHash));
        JsonNode entry = find(listed.json(), id);
        assertThat(entry.has("token")).isFalse();
        assertThat(entry.path("name").asString()).isEqualTo("ci runner");
        assertThat(entry.path("active").asBoolean()).isTrue();
        assertThat(entry.path("lastUsedAt").isNull()).isFalse();
    }

    @Test
    void revokedTokenIsRefusedAtOnceAndRevokingTwiceChangesNothing() {
        JsonNode created = api.postJson(TOKENS, TestTokens.ADMIN, "{\"name\":\"short-lived\",\"role\":\"viewer\"}").json();
        String token = created.path("token").asString();
        String id = created.path("id").asString();
        String studyRead = "/api/v1/studies/_probe/" + UUID.randomUUID();
        assertThat(api.get(studyRead, token).status()).isEqualTo(200);

        HttpTestClient.Response revoked = api.delete(TOKENS + "/" + id, TestTokens.ADMIN);
        assertThat(revoked.status()).isEqualTo(200);
        String revokedAt = revoked.json().path("revokedAt").asString();
        assertThat(revokedAt).isNotEmpty();
        assertThat(revoked.json().path("active").asBoolean()).isFalse();

        assertThat(api.get(studyRead, token).status()).isEqualTo(401);
        HttpTestClient.Response again = api.delete(TOKENS + "/" + id, TestTokens.ADMIN);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("revokedAt").asString()).isEqualTo(revokedAt);

        assertThat(ids(api.get(TOKENS, TestTokens.ADMIN).json())).doesNotContain(id);
        assertThat(ids(api.get(TOKENS + "?includeRevoked=true", TestTokens.ADMIN).json())).contains(id);
    }

    @Test
    void anyRoleCanBeIssuedAndWorkerTokensReachOnlyWorkerEndpoints() {
        String token = api.postJson(TOKENS, TestTokens.ADMIN, "{\"name\":\"pod-7\",\"role\":\"worker\"}")
                .json().path("token").asString();
        assertThat(api.postJson("/api/v1/workers/_probe", token, "{}").status()).isEqualTo(200);
        assertThat(api.get("/api/v1/studies/_probe/" + UUID.randomUUID(), token).status()).isEqualTo(403);
    }

    @Test
    void unknownTokenIdIsA404NamingTheId() {
        UUID id = UUID.randomUUID();
        HttpTestClient.Response response = api.delete(TOKENS + "/" + id, TestTokens.ADMIN);
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().path("errors").get(0).path("field").asString()).isEqualTo("id");
        assertThat(response.json().path("detail").asString()).contains(id.toString());
    }

    private static JsonNode find(JsonNode list, UUID id) {
        for (JsonNode entry : list) {
            if (entry.path("id").asString().equals(id.toString())) {
                return entry;
            }
        }
        throw new AssertionError("token " + id + " not listed");
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new java.util.ArrayList<>();
        list.forEach(entry -> ids.add(entry.path("id").asString()));
        return ids;
    }
}
