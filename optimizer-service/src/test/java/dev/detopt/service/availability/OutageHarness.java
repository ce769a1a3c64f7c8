package dev.detopt.service.availability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.model.study.StepRecord;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.OptimizerServiceApplication;
import dev.detopt.service.ReferenceFinalState;
import dev.detopt.service.TestTokens;
import dev.detopt.service.lifecycle.RestartResumeTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/** What the outage tests share: the service as a child JVM, timed HTTP calls, the reference check. */
final class OutageHarness {
    static final String TOKENS = "admin:" + TestTokens.ADMIN + ",operator:" + TestTokens.OPERATOR + ",viewer:"
            + TestTokens.VIEWER + ",worker:" + TestTokens.WORKER;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private OutageHarness() {
    }

    /** {@code OptimizerServiceApplication} in its own JVM on the test class path, output to {@code log}. */
    static Process startService(int port, Path log, List<String> settings) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                OptimizerServiceApplication.class.getName(),
                "--server.port=" + port,
                "--detopt.loop.lease-seconds=3",
                "--detopt.loop.heartbeat-seconds=1",
                "--detopt.loop.sweep-interval=200ms",
                "--detopt.security.static-tokens=" + TOKENS,
                "--logging.level.root=WARN"));
        command.addAll(settings);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Runs every step even when one fails, then throws the first failure. */
    static void all(ThrowingStep... steps) throws Exception {
        Exception first = null;
        for (ThrowingStep step : steps) {
            try {
                step.run();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    interface ThrowingStep {
        void run() throws Exception;
    }

    static void stop(Process process) throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** One answer and how long it took. */
    record Timed(int status, String body, java.net.http.HttpHeaders headers, Duration took) {
        JsonNode json() {
            return WireJson.mapper().readTree(body);
        }
    }

    static Timed get(int port, String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        long started = System.nanoTime();
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Timed(response.statusCode(), response.body(), response.headers(),
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void awaitReady(Process service, int port, Path log) {
        // Refused connections are ignored while it starts; a service that died fails the wait at once.
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsMatching(e -> !(e instanceof AssertionError)).until(() -> {
            assertThat(service.isAlive()).as("service alive; its log:\n%s", read(log)).isTrue();
            return get(port, "/actuator/health/readiness", null).status() == 200;
        });
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String create(ApiClient api, String spec) {
        ApiClient.Response created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String study = created.json().path("id").asString();
        ApiClient.Response started = api.post("/api/v1/studies/" + study + "/start", (String) null, TestTokens.OPERATOR);
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        return study;
    }

    static String status(ApiClient api, String study) {
        return api.get("/api/v1/studies/" + study, TestTokens.VIEWER).json().path("status").asString();
    }

    static long step(ApiClient api, String study) {
        return api.get("/api/v1/studies/" + study, TestTokens.VIEWER).json().path("step").asLong();
    }

    /** Every step record and the final state equal the single-process reference runner's. */
    static void assertReferenceTrajectory(ApiClient api, String study, String spec) {
        List<String> records = new ArrayList<>();
        for (JsonNode item : api.get("/api/v1/studies/" + study + "/steps?size=500", TestTokens.VIEWER).json().path("items")) {
            records.add(WireJson.write(WireJson.mapper().treeToValue(item.path("record"), StepRecord.class)));
        }
        assertThat(records).containsExactlyElementsOf(RestartResumeTest.reference(spec));
        ReferenceFinalState.assertServiceMatches(api, study, spec);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
