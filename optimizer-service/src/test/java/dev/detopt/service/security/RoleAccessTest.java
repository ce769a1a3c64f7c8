package dev.detopt.service.security;

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
 * Each role against representative endpoints of every URL space (admin endpoints, the study and
 * worker spaces through the test-only probe controller, the open operational endpoints).
 */
@ServiceTest
class RoleAccessTest {


    @LocalServerPort
    int port;

    HttpTestClient api;

    @BeforeEach
    void client() {
        api = new HttpTestClient(port);
    }

    @ParameterizedTest(name = "{0}: read study {1}, write study {2}, worker {3}, admin {4}")
    @CsvSource({
            "viewer,   200, 403, 403, 403",
            "operator, 200, 200, 403, 403",
            "worker,   403, 403, 200, 403",
            "admin,    200, 200, 403, 200",
    })
    void eachRoleReachesExactlyItsEndpoints(String role, int readStudy, int writeStudy, int worker, int admin) {
        String token = token(role);
        assertThat(api.get(STUDY_READ, token).status()).as("GET study").isEqualTo(readStudy);
        assertThat(api.postJson(STUDY_WRITE, token, VALID_BODY).status()).as("POST study").isEqualTo(writeStudy);
        assertThat(api.postJson(WORKER, token, "{}").status()).as("POST worker").isEqualTo(worker);
        assertThat(api.get(WORKER, token).status()).as("GET worker").isEqualTo(worker);
        assertThat(api.get(ADMIN, token).status()).as("GET admin").isEqualTo(admin);
    }

    @Test
    void forbiddenIsAProblemDocumentNamingTheRole() {
        HttpTestClient.Response response = api.postJson(STUDY_WRITE, TestTokens.VIEWER, VALID_BODY);
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.path("type").asString()).isEqualTo("https://detopt.dev/problems/forbidden");
        assertThat(problem.path("status").asInt()).isEqualTo(403);
        assertThat(problem.path("detail").asString()).contains("role viewer").contains("POST");
        assertThat(problem.path("instance").asString()).isEqualTo(STUDY_WRITE);
    }

    @Test
    void withoutATokenTheApiAnswers401WithABearerChallenge() {
        for (String path : new String[] {STUDY_READ, WORKER, ADMIN, "/api/v1/anything"}) {
            HttpTestClient.Response response = api.get(path, null);
            assertThat(response.status()).as(path).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"detopt\"");
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().path("type").asString()).isEqualTo("https://detopt.dev/problems/unauthorized");
            assertThat(response.json().path("errors").get(0).path("field").asString()).isEqualTo("Authorization");
        }
    }

    @Test
    void anUnknownTokenIs401EvenOnOpenEndpoints() {
        for (String path : new String[] {STUDY_READ, "/actuator/health"}) {
            HttpTestClient.Response response = api.get(path, "not-a-real-token");
            assertThat(response.status()).as(path).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
            assertThat(response.json().path("detail").asString()).isEqualTo("the bearer token is unknown or revoked");
        }
    }

    @Test
    void aNonBearerAuthorizationHeaderIs401() {
        HttpTestClient.Response response = api.send(api.request(STUDY_READ, null)
                .header("Authorization", "Basic YWRtaW46YWRtaW4=").GET().build());
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json().path("detail").asString()).contains("Bearer <token>");
    }

    @Test
    void operationalEndpointsAndTheDashboardAreOpen() {
        assertThat(api.get("/actuator/health", null).status()).isEqualTo(200);
        assertThat(api.get("/actuator/health/liveness", null).status()).isEqualTo(200);
        assertThat(api.get("/actuator/prometheus", null).status()).isEqualTo(200);
        assertThat(api.get("/", null).status()).isEqualTo(200);
        assertThat(api.get("/index.html", null).status()).isEqualTo(200);
    }

    @Test
    void theQueueSizeIsForWorkersAndAdminsOnly() {
        assertThat(api.get("/api/v1/workers/queue", TestTokens.WORKER).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/workers/queue", TestTokens.ADMIN).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/workers/queue", TestTokens.OPERATOR).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/workers/queue", TestTokens.VIEWER).status()).isEqualTo(403);
        // Only the read: an admin still cannot act as a worker.
        assertThat(api.postJson("/api/v1/workers/register", TestTokens.ADMIN, "{}").status()).isEqualTo(403);
    }

    @Test
    void writesOutsideTheStudySpaceNeedAdmin() {
        assertThat(api.postJson("/api/v1/something-new", TestTokens.OPERATOR, "{}").status()).isEqualTo(403);
        // An admin passes the rule and meets the missing route.
        assertThat(api.postJson("/api/v1/something-new", TestTokens.ADMIN, "{}").status()).isEqualTo(404);
    }

    @Test
    void anEventStreamMayCarryTheTokenInTheQuery() {
        String path = STUDY_READ + "?access_token=" + TestTokens.VIEWER;
        HttpTestClient.Response stream = api.send(api.request(path, null).header("Accept", "text/event-stream, application/json")
                .GET().build());
        assertThat(stream.status()).isNotIn(401, 403);
        // Only for event streams: a plain GET ignores the parameter.
        assertThat(api.get(path, null).status()).isEqualTo(401);
    }

    @Test
    void theCallerIsTheTokensPrincipal() {
        assertThat(api.get(STUDY_READ, TestTokens.OPERATOR).json().path("caller").asString()).isEqualTo("static-operator");
    }

    static String token(String role) {
        return switch (role) {
            case "viewer" -> TestTokens.VIEWER;
            case "operator" -> TestTokens.OPERATOR;
            case "worker" -> TestTokens.WORKER;
            case "admin" -> TestTokens.ADMIN;
            default -> throw new IllegalArgumentException(role);
        };
    }
}
