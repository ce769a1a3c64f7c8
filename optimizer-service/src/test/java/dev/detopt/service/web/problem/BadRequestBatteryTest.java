package dev.detopt.service.web.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.service.HttpTestClient;
import dev.detopt.service.ProbeController;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Bad requests against the admin API, the test-only probe endpoints and the framework: each gets
 * the right 4xx as an RFC 9457 problem document naming the offending field, and changes nothing
 * (no token row, no accepted body).
 */
@ServiceTest
class BadRequestBatteryTest {

    private static final String PROBE = "/api/v1/studies/_probe";
    private static final String TOKENS = "/api/v1/admin/tokens";
    private static final String JSON = "application/json";

    /** A valid probe body with one field replaced: {@code body("count", "\"abc\"")}. */
    static String body(String field, String rawValue) {
        List<String> fields = new ArrayList<>(List.of("\"name\":\"n\"", "\"count\":1", "\"value\":0.5",
                "\"values\":[1,2]", "\"range\":{\"lower\":0,\"upper\":1}", "\"ranges\":[{\"lower\":0,\"upper\":1}]",
                "\"flag\":true"));
        fields.replaceAll(entry -> entry.startsWith("\"" + field + "\":") ? "\"" + field + "\":" + rawValue : entry);
        return "{" + String.join(",", fields) + "}";
    }

    record BadRequest(String name, String method, String path, String token, String contentType, String body,
            int status, String type, String field) {

        @Override
        public String toString() {
            return name;
        }
    }

    static BadRequest probe(String name, String body, int status, String field) {
        return new BadRequest(name, "POST", PROBE, TestTokens.OPERATOR, JSON, body, status,
                status == 422 ? "invalid" : "bad-request", field);
    }

    static BadRequest tokens(String name, String body, int status, String field) {
        return new BadRequest(name, "POST", TOKENS, TestTokens.ADMIN, JSON, body, status,
                status == 422 ? "invalid" : "bad-request", field);
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                probe("malformed JSON, cut off", "{\"name\": ", 400, "body"),
                probe("malformed JSON, trailing comma", "{\"name\":\"n\",}", 400, "body"),
                probe("not JSON at all", "hello", 400, "body"),
                probe("empty body", "", 400, "body"),
                probe("top-level array", "[]", 400, "body"),
                probe("trailing content after the document", body("name", "\"n\"") + " {}", 400, "body"),
                probe("integer given as text", body("count", "\"abc\""), 400, "count"),
                probe("integer given as numeric string", body("count", "\"5\""), 400, "count"),
                probe("integer given a fraction", body("count", "1.5"), 400, "count"),
                probe("integer out of range", body("count", "100000000000000000000"), 400, "count"),
                probe("null for a primitive", body("count", "null"), 400, "count"),
                probe("NaN as string", body("value", "\"NaN\""), 400, "value"),
                probe("Infinity as string", body("value", "\"Infinity\""), 400, "value"),
                probe("-Infinity as string", body("value", "\"-Infinity\""), 400, "value"),
                probe("bare NaN token", body("value", "NaN"), 400, "value"),
                probe("number overflowing to infinity", body("value", "1e400"), 400, "value"),
                probe("number given as string", body("value", "\"0.5\""), 400, "value"),
                probe("NaN string inside an array", body("values", "[1,\"NaN\"]"), 400, "values[1]"),
                probe("overflow inside an array", body("values", "[1,2,1e999]"), 400, "values[2]"),
                probe("object where an array belongs", body("values", "{}"), 400, "values"),
                probe("wrong type in a nested object", body("range", "{\"lower\":\"x\",\"upper\":1}"), 400, "range.lower"),
                probe("wrong type in an array of objects", body("ranges", "[{\"lower\":0,\"upper\":1},{\"lower\":0,\"upper\":true}]"),
                        400, "ranges[1].upper"),
                probe("boolean given as string", body("flag", "\"true\""), 400, "flag"),
                probe("string given a number", body("name", "5"), 400, "name"),
                probe("unknown field", body("name", "\"n\",\"extra\":1"), 400, "extra"),
                probe("unknown nested field", body("range", "{\"lower\":0,\"upper\":1,\"middle\":0.5}"), 400, "range.middle"),
                probe("duplicate field", body("name", "\"n\",\"name\":\"m\""), 400, "name"),
                probe("blank required text (validation)", body("name", "\"  \""), 422, "name"),
                tokens("unknown role", "{\"name\":\"x\",\"role\":\"superuser\"}", 400, "role"),
                tokens("missing role", "{\"name\":\"x\"}", 422, "role"),
                tokens("missing name and role", "{}", 422, "name"),
                tokens("name too long", "{\"name\":\"" + "x".repeat(101) + "\",\"role\":\"viewer\"}", 422, "name"),
                tokens("control character in name", "{\"name\":\"a\\u0007b\",\"role\":\"viewer\"}", 422, "name"),
                tokens("role of the wrong type", "{\"name\":\"x\",\"role\":[\"admin\"]}", 400, "role"),
                new BadRequest("unsupported media type", "POST", TOKENS, TestTokens.ADMIN, "text/plain",
                        "name=x", 415, "unsupported-media-type", "Content-Type"),
                new BadRequest("XML body (the API speaks JSON only)", "POST", TOKENS, TestTokens.ADMIN, "application/xml",
                        "<token><name>x</name><role>viewer</role></token>", 415, "unsupported-media-type", "Content-Type"),
                new BadRequest("YAML body (the API speaks JSON only)", "POST", TOKENS, TestTokens.ADMIN, "application/yaml",
                        "name: x\nrole: viewer\n", 415, "unsupported-media-type", "Content-Type"),
                new BadRequest("no content type", "POST", TOKENS, TestTokens.ADMIN, null,
                        "{\"name\":\"x\",\"role\":\"viewer\"}", 415, "unsupported-media-type", "Content-Type"),
                new BadRequest("method not allowed", "PUT", TOKENS, TestTokens.ADMIN, JSON,
                        "{\"name\":\"x\",\"role\":\"viewer\"}", 405, "method-not-allowed", null),
                new BadRequest("unknown API route (read)", "GET", "/api/v1/no-such-thing", TestTokens.VIEWER, null,
                        null, 404, "not-found", null),
                new BadRequest("unknown API route (write)", "POST", "/api/v1/admin/no-such-thing", TestTokens.ADMIN, JSON,
                        "{}", 404, "not-found", null),
                new BadRequest("unknown route outside the API", "GET", "/no/such/page", TestTokens.VIEWER, null,
                        null, 404, "not-found", null),
                new BadRequest("path id not a UUID", "GET", TOKENS + "/not-a-uuid", TestTokens.ADMIN, null,
                        null, 400, "bad-request", "id"),
                new BadRequest("revoke with a path id not a UUID", "DELETE", TOKENS + "/42", TestTokens.ADMIN, null,
                        null, 400, "bad-request", "id"),
                new BadRequest("query parameter of the wrong type", "GET", PROBE + "/" + UUID.randomUUID() + "?limit=many",
                        TestTokens.VIEWER, null, null, 400, "bad-request", "limit"),
                new BadRequest("query parameter out of range", "GET", PROBE + "/" + UUID.randomUUID() + "?limit=0",
                        TestTokens.VIEWER, null, null, 400, "bad-request", "limit"),
                new BadRequest("missing required query parameter", "GET", PROBE + "/required",
                        TestTokens.VIEWER, null, null, 400, "bad-request", "step"),
                new BadRequest("boolean query parameter of the wrong type", "GET", TOKENS + "?includeRevoked=perhaps",
                        TestTokens.ADMIN, null, null, 400, "bad-request", "includeRevoked"),
                new BadRequest("encoded slash in the path (firewall)", "GET", "/api/v1/studies/a%2F..%2Fb", TestTokens.VIEWER,
                        null, null, 400, "bad-request", null),
                new BadRequest("encoded backslash in the path (firewall)", "GET", "/api/v1/admin/tokens%5C..", TestTokens.ADMIN,
                        null, null, 400, "bad-request", null),
                new BadRequest("semicolon path parameter (firewall)", "GET", "/api/v1/admin/tokens;x=1", TestTokens.ADMIN,
                        null, null, 400, "bad-request", null),
                new BadRequest("unknown token id", "GET", TOKENS + "/" + UUID.randomUUID(), TestTokens.ADMIN, null,
                        null, 404, "not-found", "id"))
                .map(Arguments::of);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    HttpTestClient api;

    @BeforeEach
    void client() {
        api = new HttpTestClient(port);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void isRefusedWithAProblemNamingTheFieldAndChangesNothing(BadRequest bad) {
        int tokensBefore = tokenRows();
        int acceptedBefore = ProbeController.ACCEPTED.get();

        HttpTestClient.Response response = api.method(bad.method(), bad.path(), bad.token(), bad.contentType(), bad.body());

        assertThat(response.status()).as(response.body()).isEqualTo(bad.status());
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.path("type").asString()).isEqualTo("https://detopt.dev/problems/" + bad.type());
        assertThat(problem.path("status").asInt()).isEqualTo(bad.status());
        assertThat(problem.path("title").asString()).isNotBlank();
        assertThat(problem.path("detail").asString()).isNotBlank();
        assertThat(problem.path("instance").asString()).isEqualTo(bad.path().replaceFirst("\\?.*", ""));
        assertThat(problem.path("errors").isArray()).isTrue();
        if (bad.field() != null) {
            assertThat(problem.path("errors").valueStream().map(error -> error.path("field").asString()))
                    .as(response.body()).contains(bad.field());
            assertThat(problem.path("errors").valueStream().map(error -> error.path("message").asString()))
                    .allSatisfy(message -> assertThat(message).isNotBlank());
        }
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("tools.jackson").doesNotContain("dev.detopt");

        assertThat(tokenRows()).isEqualTo(tokensBefore);
        assertThat(ProbeController.ACCEPTED.get()).isEqualTo(acceptedBefore);
    }

    @Test
    void aValidProbeBodyIsAccepted() {
        int before = ProbeController.ACCEPTED.get();
        HttpTestClient.Response response = api.postJson(PROBE, TestTokens.OPERATOR, body("name", "\"ok\""));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(ProbeController.ACCEPTED.get()).isEqualTo(before + 1);
    }

    @Test
    void aProblemIsJsonEvenWhenTheClientAcceptsOnlyCsv() {
        HttpTestClient.Response response = api.send(api.request(TOKENS + "/" + UUID.randomUUID(), TestTokens.ADMIN)
                .header("Accept", "text/csv").GET().build());
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("type").asString()).isEqualTo("https://detopt.dev/problems/not-found");
    }

    @Test
    void methodNotAllowedListsTheAllowedMethods() {
        HttpTestClient.Response response = api.method("PATCH", TOKENS, TestTokens.ADMIN, JSON, "{}");
        assertThat(response.status()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow").orElseThrow()).contains("GET").contains("POST");
    }

    @Test
    void bodyLargerThanTheLimitIs413() {
        String huge = "{\"name\":\"" + "x".repeat(1_100_000) + "\",\"role\":\"viewer\"}";
        int before = tokenRows();
        HttpTestClient.Response response = api.postJson(TOKENS, TestTokens.ADMIN, huge);
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("type").asString()).isEqualTo("https://detopt.dev/problems/payload-too-large");
        assertThat(response.json().path("errors").get(0).path("field").asString()).isEqualTo("body");
        assertThat(tokenRows()).isEqualTo(before);
    }

    @Test
    void chunkedBodyGrowingPastTheLimitIs413() {
        byte[] huge = ("{\"name\":\"" + "x".repeat(1_100_000) + "\",\"role\":\"viewer\"}").getBytes();
        int before = tokenRows();
        HttpTestClient.Response response = api.postChunked(TOKENS, TestTokens.ADMIN, huge);
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.json().path("type").asString()).isEqualTo("https://detopt.dev/problems/payload-too-large");
        assertThat(tokenRows()).isEqualTo(before);
    }

    @Test
    void anUnexpectedErrorIsA500ThatRevealsNothing() {
        HttpTestClient.Response response = api.get(PROBE + "/failure", TestTokens.VIEWER);
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("type").asString()).isEqualTo("https://detopt.dev/problems/internal-error");
        assertThat(response.body()).doesNotContain("internal detail").doesNotContain("jdbc").doesNotContain("IllegalState")
                .doesNotContain("trace");
    }

    private int tokenRows() {
        return jdbc.queryForObject("SELECT count(*) FROM api_tokens", Integer.class);
    }
}
