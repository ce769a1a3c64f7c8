package dev.detopt.service.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.model.study.StepRecord;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.OptimizerServiceApplication;
import dev.detopt.service.ReferenceFinalState;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import dev.detopt.worker.ServiceClient;
import dev.detopt.worker.Worker;
import dev.detopt.worker.WorkerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The real restart of issue 6 point 4: the service runs as a child JVM on a persistent embedded
 * stack, a real worker runs a study against it, the service is killed with SIGKILL in the middle
 * of the study (no shutdown hook, PostgreSQL orphaned) and started again on the same data
 * directory. The study finishes with the reference runner's step history, bit for bit, and
 * nothing is counted twice (one step row per step, one completed task per batch, events counted
 * once).
 */
class KillNineRestartTest {
    private static final String TOKENS = "admin:" + TestTokens.ADMIN + ",operator:" + TestTokens.OPERATOR + ",viewer:"
            + TestTokens.VIEWER + ",worker:" + TestTokens.WORKER;
    private static final int BATCHES = 4;

    @TempDir
    Path directory;

    private Process service;
    private Worker worker;
    private CompletableFuture<Integer> workerExit;

    @AfterEach
    void stopEverything() throws Exception {
        if (worker != null) {
            worker.requestStop();
            workerExit.get(30, TimeUnit.SECONDS);
        }
        if (service != null && service.isAlive()) {
            service.destroy(); // SIGTERM: graceful, stops its PostgreSQL
            if (!service.waitFor(60, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
    }

    @Test
    void aStudyInterruptedByKillNineFinishesWithTheReferenceHistory() throws Exception {
        String spec = TestSpecs.gaussian(40, BATCHES * 4_000L, 4_000, 61);
        List<String> reference = RestartResumeTest.reference(spec);
        assertThat(reference).as("long enough to be interrupted").hasSizeGreaterThanOrEqualTo(20);
        int port = freePort();
        ApiClient api = new ApiClient(port);

        service = startService(port);
        awaitUp(api);
        String study = RestartResumeTest.create(api, spec);
        assertThat(api.post("/api/v1/studies/" + study + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        startWorker(port);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> step(api, study) >= 3);

        long postmaster = Long.parseLong(Files.readAllLines(directory.resolve("postgres/postmaster.pid")).getFirst().trim());
        service.destroyForcibly(); // SIGKILL
        assertThat(service.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(service.exitValue()).isEqualTo(137);
        // Its PostgreSQL does not run on as an orphan: the watchdog stops it.
        ProcessHandle.of(postmaster).ifPresent(process -> await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50)).until(() -> !process.isAlive()));

        service = startService(port);
        awaitUp(api);
        long stepAfterRestart = step(api, study);
        assertThat(stepAfterRestart).as("the study was interrupted, not finished").isLessThan(reference.size());
        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(workerExit).as("the worker outlives the service's death").isNotDone();
            return RestartResumeTest.status(api, study).equals("COMPLETED");
        });

        List<String> records = new ArrayList<>();
        long events = 0;
        for (JsonNode item : api.get("/api/v1/studies/" + study + "/steps?size=500", TestTokens.VIEWER).json().path("items")) {
            StepRecord record = WireJson.mapper().treeToValue(item.path("record"), StepRecord.class);
            records.add(WireJson.write(record));
            events += record.events();
        }
        assertThat(records).containsExactlyElementsOf(reference);
        ReferenceFinalState.assertServiceMatches(api, study, spec);

        // The outage is on the study's log, and no step's duration holds it.
        JsonNode outage = null;
        for (JsonNode event : api.get("/api/v1/studies/" + study + "/events?limit=500", TestTokens.VIEWER).json().path("items")) {
            if (event.path("type").asString().equals("service-outage")) {
                outage = event;
            }
        }
        assertThat(outage).as("a service-outage event").isNotNull();
        Matcher seconds = Pattern.compile("\\(([0-9.]+) s\\)").matcher(outage.path("message").asString());
        assertThat(seconds.find()).as(outage.path("message").asString()).isTrue();
        long outageMillis = (long) (Double.parseDouble(seconds.group(1)) * 1000);
        for (JsonNode item : api.get("/api/v1/studies/" + study + "/steps?size=500", TestTokens.VIEWER).json().path("items")) {
            assertThat(item.path("durationMillis").asLong()).as("step %s", item.path("step")).isLessThan(outageMillis);
        }
        JsonNode finished = api.get("/api/v1/studies/" + study, TestTokens.VIEWER).json();
        assertThat(finished.path("eventsSimulated").asLong()).isEqualTo(events).isEqualTo(reference.size() * BATCHES * 4_000L);
        JsonNode tasks = api.get("/api/v1/studies/" + study + "/tasks?size=500", TestTokens.VIEWER).json();
        assertThat(tasks.path("counts").path("COMPLETED").asLong()).isEqualTo((long) reference.size() * BATCHES);
        for (JsonNode step : tasks.path("steps")) {
            assertThat(step.path("completed").asLong()).as("step %s", step.path("step")).isEqualTo(BATCHES);
        }
    }

    private Process startService(int port) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                OptimizerServiceApplication.class.getName(),
                "--server.port=" + port,
                "--detopt.embedded.directory=" + directory,
                "--detopt.embedded.persistent=true",
                "--detopt.embedded.s3-port=0",
                "--detopt.workers.mode=none",
                "--detopt.loop.lease-seconds=3",
                "--detopt.loop.sweep-interval=200ms",
                "--detopt.security.static-tokens=" + TOKENS,
                "--logging.level.root=WARN"));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("service.log").toFile()))
                .start();
    }

    private void awaitUp(ApiClient api) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            assertThat(service.isAlive()).as("service process alive (see service.log)").isTrue();
            return api.get("/actuator/health", null).status() == 200;
        });
    }

    private void startWorker(int port) {
        Map<String, String> env = new HashMap<>();
        env.put("DETOPT_SERVICE_URL", "http://127.0.0.1:" + port);
        env.put("DETOPT_WORKER_TOKEN", TestTokens.WORKER);
        env.put("DETOPT_WORKER_THREADS", "2");
        env.put("DETOPT_WORKER_ID", "kill-nine-worker");
        WorkerConfig config = WorkerConfig.from(env::get);
        CompletableFuture<Void> stop = new CompletableFuture<>();
        // No checkpoints: a batch whose lease dies with the service is simply run again.
        worker = new Worker(config, new ServiceClient(config.serviceUrl(), config.token(), stop), null,
                SimulatorCatalog.standard(), stop);
        workerExit = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("kill-nine-worker").start(() -> {
            try {
                workerExit.complete(worker.run());
            } catch (Throwable e) {
                workerExit.completeExceptionally(e);
            }
        });
    }

    private static long step(ApiClient api, String study) {
        return api.get("/api/v1/studies/" + study, TestTokens.VIEWER).json().path("step").asLong();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
