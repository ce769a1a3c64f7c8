package dev.detopt.service.web.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.service.HttpTestClient;
import dev.detopt.service.ServiceTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * The served OpenAPI document lists every REST mapping of the running application (so the docs
 * cannot drift from the controllers) and declares the bearer scheme and the problem schema.
 */
@ServiceTest
class OpenApiDocumentTest {

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void everyApiMappingOfTheRunningServiceIsDocumented() {
        HttpTestClient.Response response = new HttpTestClient(port).get("/v3/api-docs", null);
        assertThat(response.status()).isEqualTo(200);
        JsonNode paths = response.json().path("paths");

        List<String> expected = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (var entry : mappings.getHandlerMethods().entrySet()) {
            RequestMappingInfo info = entry.getKey();
            HandlerMethod handler = entry.getValue();
            if (!handler.getBeanType().getPackageName().startsWith("dev.detopt.service")) {
                continue;
            }
            for (String pattern : info.getPatternValues()) {
                if (!pattern.startsWith("/api/")) {
                    continue;
                }
                var methods = info.getMethodsCondition().getMethods();
                for (RequestMethod method : methods.isEmpty() ? List.of(RequestMethod.GET) : methods) {
                    String operation = method.name() + " " + pattern;
                    expected.add(operation);
                    if (!paths.path(pattern).has(method.name().toLowerCase(Locale.ROOT))) {
                        missing.add(operation);
                    }
                }
            }
        }
        assertThat(expected).as("the admin token API is among the mappings")
                .contains("POST /api/v1/admin/tokens", "GET /api/v1/admin/tokens", "DELETE /api/v1/admin/tokens/{id}");
        assertThat(missing).as("mappings missing from /v3/api-docs").isEmpty();
    }

    @Test
    void declaresTheBearerSchemeAndTheProblemDocument() {
        JsonNode document = new HttpTestClient(port).get("/v3/api-docs", null).json();
        JsonNode bearer = document.path("components").path("securitySchemes").path("bearer");
        assertThat(bearer.path("type").asString()).isEqualTo("http");
        assertThat(bearer.path("scheme").asString()).isEqualTo("bearer");
        assertThat(document.path("security").get(0).has("bearer")).isTrue();

        JsonNode problem = document.path("components").path("schemas").path("Problem").path("properties");
        assertThat(problem.propertyNames()).contains("type", "title", "status", "detail", "instance", "errors");
        assertThat(problem.path("errors").path("items").path("properties").propertyNames()).contains("field", "message");

        JsonNode createToken = document.path("paths").path("/api/v1/admin/tokens").path("post").path("responses");
        assertThat(createToken.path("422").path("content").has("application/problem+json")).isTrue();
        assertThat(createToken.path("401").path("content").path("application/problem+json").path("schema")
                .path("$ref").asString()).isEqualTo("#/components/schemas/Problem");
    }

    @Test
    void theSwaggerUiIsServed() {
        HttpTestClient.Response ui = new HttpTestClient(port).send(new HttpTestClient(port).request("/swagger-ui/index.html", null).GET().build());
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.body()).containsIgnoringCase("swagger");
    }
}
