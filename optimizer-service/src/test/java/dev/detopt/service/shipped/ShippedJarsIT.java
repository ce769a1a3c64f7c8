package dev.detopt.service.shipped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.service.ApiClient;
import dev.detopt.service.ReferenceFinalState;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main path with the artifacts as the package phase built them (failsafe, verify
 * phase): {@code optimizer-service.jar} on its embedded stack starts its packaged
 * {@code detopt-worker.jar} processes, runs a study through REST to the end, and its CSV export is
 * byte-identical to what {@code detopt-sim.jar optimize --history-csv} writes for the same spec.
 * Then the service is killed with SIGKILL and its workers must exit on their own
 * ({@code DETOPT_EXIT_WITH_PID}, docs/worker.md).
 */
class ShippedJarsIT {
    private static final String TOKENS = "admin:" + TestTokens.ADMIN + ",operator:" + TestTokens.OPERATOR + ",viewer:"
            + TestTokens.VIEWER + ",worker:" + TestTokens.WORKER;

    @TempDir
    Path directory;

    private Process service;
    private List<ProcessHandle> workers = List.of();

    @AfterEach
    void stopService() throws InterruptedException {
        if (service != null && service.isAlive()) {
            workers = service.descendants().toList();
            service.destroy();
            if (!service.waitFor(60, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
        // Also when the test failed because they outlived the service.
        workers.forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void thePackagedServiceAndItsWorkersReproduceThePackagedCliHistoryByteForByte() throws Exception {
        Path serviceJar = shipped("detopt.it.service-jar");
        Path workerJar = shipped("detopt.it.worker-jar");
        Path simJar = shipped("detopt.it.sim-jar");
        String spec = TestSpecs.gaussian(5, 4_000, 1_000, 2026);
        Path specFile = Files.writeString(directory.resolve("spec.json"), spec);

        Path cliCsv = directory.resolve("cli-history.csv");
        Process cli = new ProcessBuilder(java(), "-jar", simJar.toString(), "optimize", "--spec", specFile.toString(),
                "--threads", "1", "--quiet", "--history-csv", cliCsv.toString())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("cli.log").toFile())
                .start();

        int port = freePort();
        service = new ProcessBuilder(java(), "-Xmx512m", "-XX:TieredStopAtLevel=1", "-jar", serviceJar.toString(),
                "--server.port=" + port,
                "--detopt.embedded.directory=" + directory.resolve("embedded"),
                "--detopt.embedded.s3-port=0",
                "--detopt.security.static-tokens=" + TOKENS,
                "--detopt.workers.mode=local",
                "--detopt.workers.local.jar=" + workerJar,
                "--detopt.workers.local.count=2",
                "--detopt.workers.local.threads=1",
                "--detopt.workers.local.token=" + TestTokens.WORKER,
                "--detopt.workers.local.log-directory=" + directory.resolve("workers"),
                "--detopt.workers.local.java-options=-XX:TieredStopAtLevel=1",
                "--logging.level.root=WARN")
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("service.log").toFile())
                .start();
        ApiClient api = new ApiClient(port);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            assertThat(service.isAlive()).as("service alive; its log:\n%s", log("service.log")).isTrue();
            return api.get("/actuator/health", null).status() == 200;
        });

        ApiClient.Response created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String study = created.json().path("id").asString();
        ApiClient.Response started = api.post("/api/v1/studies/" + study + "/start", (String) null, TestTokens.OPERATOR);
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(service.isAlive()).as("service alive; its log:\n%s", log("service.log")).isTrue();
            String status = api.get("/api/v1/studies/" + study, TestTokens.VIEWER).json().path("status").asString();
            assertThat(status).as("study status").isIn("RUNNING", "COMPLETED");
            return status.equals("COMPLETED");
        });
        workers = service.descendants()
                .filter(p -> p.info().commandLine().orElse("").contains(workerJar.getFileName().toString()))
                .toList();
        assertThat(workers).as("the packaged workers run as the service's children").hasSize(2);

        assertThat(cli.waitFor(120, TimeUnit.SECONDS)).as("detopt-sim optimize ends").isTrue();
        assertThat(cli.exitValue()).as("detopt-sim optimize exit code; its output:\n%s", log("cli.log")).isZero();
        ApiClient.Response export = api.get("/api/v1/studies/" + study + "/export?format=csv", TestTokens.VIEWER);
        assertThat(export.status()).as(export.body()).isEqualTo(200);
        String expected = Files.readString(cliCsv, StandardCharsets.UTF_8);
        assertThat(expected.lines().count()).as("header and one row per step").isEqualTo(6);
        assertThat(export.body()).isEqualTo(expected);
        ReferenceFinalState.assertServiceMatches(api, study, spec);

        // SIGKILL: no shutdown hook stops the workers; they must notice the service's death themselves.
        service.destroyForcibly();
        assertThat(service.waitFor(30, TimeUnit.SECONDS)).isTrue();
        for (ProcessHandle worker : workers) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .alias("worker " + worker.pid() + " exits after the service was killed")
                    .until(() -> !worker.isAlive());
        }
    }

    private static Path shipped(String property) {
        String value = System.getProperty(property);
        assertThat(value).as("system property %s (set by failsafe in optimizer-service/pom.xml)", property).isNotBlank();
        Path jar = Path.of(value);
        assertThat(jar).as("built by the package phase").isRegularFile();
        return jar;
    }

    private String log(String name) {
        try {
            Path file = directory.resolve(name);
            if (!Files.exists(file)) {
                return "(none)";
            }
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", new ArrayList<>(lines.subList(Math.max(0, lines.size() - 40), lines.size())));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
