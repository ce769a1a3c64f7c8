package dev.detopt.service.availability;

import static dev.detopt.service.availability.OutageHarness.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.service.ApiClient;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import dev.detopt.service.availability.OutageHarness.Timed;
import dev.detopt.storage.ObjectStore;
import dev.detopt.storage.S3ObjectStore;
import dev.detopt.storage.S3Settings;
import dev.detopt.storage.embedded.EmbeddedS3Server;
import dev.detopt.worker.WorkerMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * An S3 outage mid-study, against a real S3 server (s3proxy on a directory) that the test stops
 * and starts on the same port: a worker process is killed (SIGKILL) while the store is down, the
 * next worker waits for the store instead of starting the batch over, and resumes from the last
 * checkpoint that was stored; the study ends with the reference runner's trajectory. The
 * object-store health is DOWN while the store is gone and while it rejects writes (a read-only
 * bucket that still lists), and the service sweeps checkpoints of finished steps by itself.
 */
class ObjectStoreOutageTest {
    private static final String ACCESS_KEY = "outage";
    private static final String SECRET_KEY = "outage-secret-key";
    private static final String BUCKET = "detopt";
    /** One batch per step, long enough (single-threaded) to be stopped in its middle. */
    private static final long BATCH_EVENTS = 600_000;

    @TempDir
    Path directory;

    private final int s3Port = OutageHarness.freePort();
    private EmbeddedS3Server s3;
    private Process service;
    private final List<Process> workers = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        OutageHarness.all(
                () -> {
                    for (Process worker : workers) {
                        worker.destroyForcibly();
                        worker.waitFor(30, TimeUnit.SECONDS);
                    }
                },
                () -> OutageHarness.stop(service),
                () -> {
                    if (s3 != null) {
                        s3.close();
                    }
                });
    }

    @Test
    void aWorkerKilledDuringAnS3OutageLosesOnlyTheWorkAfterTheLastStoredCheckpoint() throws Exception {
        String spec = TestSpecs.gaussian(2, BATCH_EVENTS, BATCH_EVENTS, 97);
        startS3();
        int port = OutageHarness.freePort();
        Path log = directory.resolve("service.log");
        service = OutageHarness.startService(port, log, List.of(
                "--detopt.embedded.persistent=false",
                "--detopt.embedded.directory=" + directory.resolve("state"),
                "--detopt.s3.endpoint=http://127.0.0.1:" + s3Port,
                "--detopt.s3.access-key=" + ACCESS_KEY,
                "--detopt.s3.secret-key=" + SECRET_KEY,
                "--detopt.s3.bucket=" + BUCKET,
                "--detopt.workers.mode=none",
                "--detopt.checkpoints.sweep-interval=300ms"));
        OutageHarness.awaitReady(service, port, log);
        assertThat(objectStoreHealth(port)).isEqualTo("UP");

        ApiClient api = new ApiClient(port);
        String study = OutageHarness.create(api, spec);
        Process first = startWorker(port, "first");

        // A checkpoint of the running batch is stored and reported; the worker is frozen there.
        JsonNode task = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10))
                .until(() -> checkpointedTask(api, study), found -> found != null);
        signal(first, "STOP");
        String storedKey = task.path("checkpointKey").asString();
        long eventFrom = task.path("eventFrom").asLong();
        long eventTo = task.path("eventTo").asLong();

        // The outage: health says so, and the frozen worker dies without a word.
        s3.close();
        s3 = null;
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> "DOWN".equals(objectStoreHealth(port)));
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

        // The next worker takes the task over once its lease lapses, and waits for the store.
        Process second = startWorker(port, "second");
        Path secondLog = directory.resolve("worker-second.log");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> OutageHarness.read(secondLog).contains("checkpoint store unreachable, try 2"));
        assertThat(OutageHarness.read(secondLog)).doesNotContain("restarts from its first event");

        startS3();
        Matcher resumed = Pattern.compile("resuming " + Pattern.quote(storedKey) + " at event (\\d+) of \\[")
                .matcher("");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> resumed.reset(OutageHarness.read(secondLog)).find());
        long resumedAt = Long.parseLong(resumed.group(1));
        assertThat(resumedAt).as("the batch goes on from its stored checkpoint").isGreaterThan(eventFrom).isLessThan(eventTo);

        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(50))
                .until(() -> OutageHarness.status(api, study).equals("COMPLETED"));
        OutageHarness.assertReferenceTrajectory(api, study, spec);
        assertThat(second.isAlive()).isTrue();
        assertThat(objectStoreHealth(port)).isEqualTo("UP");

        // Checkpoints of finished steps are swept by the service, also ones nobody deletes any more.
        try (ObjectStore objects = new S3ObjectStore(new S3Settings("http://127.0.0.1:" + s3Port, S3Settings.DEFAULT_REGION,
                BUCKET, ACCESS_KEY, SECRET_KEY))) {
            String orphan = "studies/" + study + "/steps/0/batches/0/attempt-9.json";
            objects.put(orphan, "{}".getBytes(StandardCharsets.UTF_8), "application/json");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> objects.list("studies/" + study + "/").isEmpty());

            // A bucket that still lists but rejects writes is not healthy.
            s3.close();
            s3 = EmbeddedS3Server.readOnlyFilesystem(directory.resolve("objects"), "127.0.0.1", s3Port, ACCESS_KEY, SECRET_KEY);
            assertThat(objects.list("")).as("the read-only bucket still answers a listing").isNotNull();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> "DOWN".equals(objectStoreHealth(port)));
        }
    }

    /** A task of the current step that is leased and has a reported checkpoint, or null. */
    private static JsonNode checkpointedTask(ApiClient api, String study) {
        for (JsonNode task : api.get("/api/v1/studies/" + study + "/tasks", TestTokens.VIEWER).json().path("currentStepTasks")) {
            if (task.path("state").asString().equals("LEASED") && !task.path("checkpointKey").isNull()
                    && !task.path("checkpointKey").asString("").isEmpty()) {
                return task;
            }
        }
        return null;
    }

    private static String objectStoreHealth(int port) {
        Timed health = get(port, "/actuator/health", null);
        return health.json().path("components").path("objectStore").path("status").asString();
    }

    private void startS3() {
        s3 = EmbeddedS3Server.filesystem(directory.resolve("objects"), "127.0.0.1", s3Port, ACCESS_KEY, SECRET_KEY);
    }

    /** A real worker process ({@code WorkerMain} on the test class path), so it can be frozen and killed. */
    private Process startWorker(int port, String name) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                WorkerMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("worker-" + name + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("DETOPT_SERVICE_URL", "http://127.0.0.1:" + port);
        env.put("DETOPT_WORKER_TOKEN", TestTokens.WORKER);
        env.put("DETOPT_WORKER_THREADS", "1");
        env.put("DETOPT_WORKER_ID", "s3-outage-" + name);
        env.put("DETOPT_CHECKPOINT_INTERVAL", "0.2");
        env.put("DETOPT_CHECKPOINT_EVENTS", Long.toString(BATCH_EVENTS / 20));
        env.put("DETOPT_S3_ENDPOINT", "http://127.0.0.1:" + s3Port);
        env.put("DETOPT_S3_BUCKET", BUCKET);
        env.put("DETOPT_S3_ACCESS_KEY", ACCESS_KEY);
        env.put("DETOPT_S3_SECRET_KEY", SECRET_KEY);
        Process process = builder.start();
        workers.add(process);
        return process;
    }

    private static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s", signal).isTrue();
    }
}
