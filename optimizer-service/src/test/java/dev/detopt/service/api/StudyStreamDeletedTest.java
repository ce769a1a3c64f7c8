package dev.detopt.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** docs/api.md, the SSE stream: a study deleted while a client watches ends its stream with {@code deleted}. */
@ServiceTest
class StudyStreamDeletedTest {

    @LocalServerPort
    int port;

    @Test
    void aDeletedStudysStreamSaysSoAndEnds() throws Exception {
        ApiClient api = new ApiClient(port);
        ApiClient.Response created = api.post("/api/v1/studies", TestSpecs.gaussian(1, 8, 8, 43), TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();

        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> connected = new CompletableFuture<>();
        CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> {
            try {
                HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/studies/" + id + "/stream"))
                                .header("Authorization", TestTokens.bearer(TestTokens.VIEWER))
                                .header("Accept", "text/event-stream").build(),
                        HttpResponse.BodyHandlers.ofLines());
                assertThat(response.statusCode()).isEqualTo(200);
                response.body().forEach(line -> {
                    lines.add(line);
                    if (line.startsWith("event:") && line.substring(6).trim().equals("study")) {
                        connected.complete(null);
                    }
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        connected.get(60, TimeUnit.SECONDS);

        assertThat(api.delete("/api/v1/studies/" + id, TestTokens.OPERATOR).status()).isEqualTo(204);

        ended.get(60, TimeUnit.SECONDS);
        List<String> events = lines.stream().filter(line -> line.startsWith("event:"))
                .map(line -> line.substring(6).trim()).toList();
        assertThat(events).as("events of the stream").first().isEqualTo("study");
        assertThat(events).as("events of the stream").last().isEqualTo("deleted");
        int deleted = lines.lastIndexOf("event:deleted") >= 0 ? lines.lastIndexOf("event:deleted") : lines.lastIndexOf("event: deleted");
        assertThat(lines.subList(deleted, lines.size())).anySatisfy(line ->
                assertThat(line).startsWith("data:").contains("\"id\"").contains(id));
    }
}
