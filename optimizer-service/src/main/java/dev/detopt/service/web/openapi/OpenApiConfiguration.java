package dev.detopt.service.web.openapi;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document ({@code /v3/api-docs}, UI at {@code /swagger-ui.html}): generated from the
 * controllers by springdoc, plus the bearer-token scheme every {@code /api/v1} operation needs
 * and the problem document (RFC 9457) every operation may answer with.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {

    static final String BEARER = "bearer";
    static final String PROBLEM = "Problem";
    static final String PROBLEM_MEDIA_TYPE = "application/problem+json";

    /** The error statuses any API operation can produce, documented on each. */
    private static final Map<String, String> ERRORS = Map.of(
            "400", "Malformed request: unreadable JSON, wrong type, unknown field, bad parameter",
            "401", "No bearer token, or an unknown or revoked one",
            "403", "The token's role may not do this",
            "404", "No such resource",
            "413", "Request body larger than detopt.http.max-request-size",
            "415", "Body is not application/json",
            "422", "Well-formed but invalid values (named in errors[])",
            "500", "Unexpected server error (details in the server log only)");

    @Bean
    OpenAPI detoptOpenApi() {
        return new OpenAPI()
                .info(new Info().title("detopt optimizer-service").version("v1").description("""
                        Distributed optimization of particle-detector designs. Every /api/v1 call needs \
                        'Authorization: Bearer <token>'. Roles: viewer (read), operator (create and control \
                        studies), worker (only /api/v1/workers/**), admin (tokens, and everything an operator \
                        can). Errors are RFC 9457 problem documents (application/problem+json)."""))
                .components(new Components()
                        .addSecuritySchemes(BEARER, new SecurityScheme()
                                .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("opaque (dtp_…)")
                                .description("An API token from POST /api/v1/admin/tokens or the bootstrap admin token"))
                        .addSchemas(PROBLEM, problemSchema()))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    /** Adds the problem responses to every operation that does not document its own. */
    @Bean
    OpenApiCustomizer problemResponses() {
        return openApi -> {
            // Added here too: springdoc rebuilds the components from the controllers' types.
            if (openApi.getComponents() == null) {
                openApi.setComponents(new Components());
            }
            openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().values().forEach(path -> path.readOperations().forEach(operation -> {
                ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
                ERRORS.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(error -> {
                    ApiResponse existing = responses.get(error.getKey());
                    if (existing == null || existing.getContent() == null || !existing.getContent().containsKey(PROBLEM_MEDIA_TYPE)) {
                        responses.addApiResponse(error.getKey(), new ApiResponse()
                                .description(existing != null && existing.getDescription() != null
                                        ? existing.getDescription() : error.getValue())
                                .content(new Content().addMediaType(PROBLEM_MEDIA_TYPE,
                                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)))));
                    }
                });
                operation.setResponses(responses);
            }));
        };
    }

    @SuppressWarnings("rawtypes")
    private static Schema<?> problemSchema() {
        Schema<?> fieldError = new ObjectSchema()
                .addProperty("field", new StringSchema().description("JSON path (a.b[2].c), parameter or header name"))
                .addProperty("message", new StringSchema().description("what is wrong with it"));
        fieldError.setRequired(List.of("field", "message"));
        Schema<?> problem = new ObjectSchema()
                .description("RFC 9457 problem document")
                .addProperty("type", new StringSchema().format("uri").example("https://detopt.dev/problems/bad-request"))
                .addProperty("title", new StringSchema().example("Bad request"))
                .addProperty("status", new IntegerSchema().example(400))
                .addProperty("detail", new StringSchema().example("count: must be an integer"))
                .addProperty("instance", new StringSchema().format("uri-reference").example("/api/v1/studies"))
                .addProperty("errors", new ArraySchema().items(fieldError));
        problem.setRequired(List.of("type", "title", "status", "detail", "errors"));
        return problem;
    }
}
