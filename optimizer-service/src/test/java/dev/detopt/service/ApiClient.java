package dev.detopt.service;

import dev.detopt.model.study.contract.WireJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** A small HTTP client for API tests: bearer token, JSON bodies, the wire mapper for reading. */
public final class ApiClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    public ApiClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public record Response(int status, String body, String contentType) {
        public JsonNode json() {
            return WireJson.mapper().readTree(body);
        }

        /** The fields named by an RFC 9457 problem's {@code errors}, in order. */
        public List<String> problemFields() {
            List<String> fields = new ArrayList<>();
            json().path("errors").forEach(error -> fields.add(error.path("field").asString()));
            return fields;
        }
    }

    /**
     * Cancels every running or paused study, so a test's workers see only its own tasks (test
     * classes share one service and one queue).
     */
    public void cancelActiveStudies() {
        for (String status : java.util.List.of("RUNNING", "PAUSED")) {
            for (JsonNode study : get("/api/v1/studies?size=500&status=" + status, TestTokens.VIEWER).json().path("items")) {
                post("/api/v1/studies/" + study.path("id").asString() + "/cancel", (String) null, TestTokens.OPERATOR);
            }
        }
    }

    /** The messages of a study's event log, as its first page lists them. */
    public List<String> eventMessages(UUID study) {
        List<String> messages = new ArrayList<>();
        get("/api/v1/studies/" + study + "/events", TestTokens.VIEWER).json().path("items")
                .forEach(event -> messages.add(event.path("message").asString()));
        return messages;
    }

    public Response get(String path, String token) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), token);
    }

    public Response post(String path, String body, String token) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)),
                token);
    }

    public Response post(String path, Object body, String token) {
        return post(path, body instanceof String s ? s : WireJson.write(body), token);
    }

    public Response delete(String path, String token) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), token);
    }

    public Response send(HttpRequest.Builder request, String token) {
        if (token != null) {
            request.header("Authorization", TestTokens.bearer(token));
        }
        request.timeout(Duration.ofSeconds(60));
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(),
                    response.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
