package dev.detopt.service.api;

import static dev.detopt.service.ProbeController.ADMIN;
import static dev.detopt.service.ProbeController.STUDY_READ;
import static dev.detopt.service.ProbeController.STUDY_WRITE;
import static dev.detopt.service.ProbeController.VALID_BODY;
import static dev.detopt.service.ProbeController.WORKER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.service.HttpTestClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestTokens;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/v1/me}: every role reads who it is, and the capabilities it reports agree with
 * what the same token is actually allowed (checked against the test probe endpoints of each URL
 * space, so the answer cannot drift from the security rules).
 */
@ServiceTest
class MeApiTest {
    private static final String ME = "/api/v1/me";

    @LocalServerPort
    int port;

    HttpTestClient api;

    @BeforeEach
    void client() {
        api = new HttpTestClient(port);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "viewer,   true,  false, false, false",
            "operator, true,  true,  false, false",
            "worker,   false, false, false, true",
            "admin,    true,  true,  true,  false",
    })
    void everyRoleReadsWhoItIsAndWhatItMayDo(String role, boolean canRead, boolean canWrite, boolean canManageTokens,
                                             boolean canWork) {
        String token = token(role);
        HttpTestClient.Response response = api.get(ME, token);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        JsonNode me = response.json();
        assertThat(me.path("role").asString()).isEqualTo(role);
        assertThat(me.path("name").asString()).isEqualTo("static-" + role);
        assertThat(me.path("id").isNull()).as("a token from configuration has no database id").isTrue();
        assertThat(me.path("canRead").asBoolean()).isEqualTo(canRead);
        assertThat(me.path("canWrite").asBoolean()).isEqualTo(canWrite);
        assertThat(me.path("canManageTokens").asBoolean()).isEqualTo(canManageTokens);
        assertThat(me.path("canWork").asBoolean()).isEqualTo(canWork);

        // What /me claims is what the rules enforce for the same token.
        assertThat(api.get(STUDY_READ, token).status() == 200).as("reads studies").isEqualTo(me.path("canRead").asBoolean());
        assertThat(api.postJson(STUDY_WRITE, token, VALID_BODY).status() == 200).as("writes studies")
                .isEqualTo(me.path("canWrite").asBoolean());
        assertThat(api.get(ADMIN, token).status() == 200).as("manages tokens")
                .isEqualTo(me.path("canManageTokens").asBoolean());
        assertThat(api.get(WORKER, token).status() == 200).as("uses the worker protocol")
                .isEqualTo(me.path("canWork").asBoolean());
    }

    @Test
    void aDatabaseTokenReportsItsIdAndName() {
        HttpTestClient.Response created = api.postJson(ADMIN, TestTokens.ADMIN, "{\"name\":\"me test viewer\",\"role\":\"viewer\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode me = api.get(ME, created.json().path("token").asString()).json();
        assertThat(me.path("id").asString()).isEqualTo(created.json().path("id").asString());
        assertThat(me.path("name").asString()).isEqualTo("me test viewer");
        assertThat(me.path("role").asString()).isEqualTo("viewer");
        assertThat(me.path("canWrite").asBoolean()).isFalse();
        assertThat(me.toString()).doesNotContain(created.json().path("token").asString());
    }

    @Test
    void withoutAValidTokenItIs401() {
        HttpTestClient.Response anonymous = api.get(ME, null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).startsWith("application/problem+json");
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"detopt\"");
        assertThat(api.get(ME, "not-a-real-token").status()).isEqualTo(401);
    }

    @Test
    void isInTheOpenApiDocumentWithItsAnswer() {
        JsonNode document = api.get("/v3/api-docs", null).json();
        JsonNode operation = document.path("paths").path(ME).path("get");
        assertThat(operation.path("summary").asString()).isEqualTo("The caller's token and role");
        JsonNode content = operation.path("responses").path("200").path("content");
        String ref = content.path(content.propertyNames().iterator().next()).path("schema").path("$ref").asString();
        JsonNode schema = document.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
        assertThat(schema.path("properties").propertyNames())
                .contains("id", "name", "role", "canRead", "canWrite", "canManageTokens", "canWork");
    }

    @Test
    void onlyGetIsOffered() {
        // A write on /me falls to the admin-only rule for other writes: refused for an operator.
        assertThat(api.postJson(ME, TestTokens.OPERATOR, "{}").status()).isEqualTo(403);
        assertThat(api.postJson(ME, TestTokens.ADMIN, "{}").status()).isEqualTo(405);
    }

    private static String token(String role) {
        return switch (role) {
            case "viewer" -> TestTokens.VIEWER;
            case "operator" -> TestTokens.OPERATOR;
            case "worker" -> TestTokens.WORKER;
            case "admin" -> TestTokens.ADMIN;
            default -> throw new IllegalArgumentException(role);
        };
    }
}
