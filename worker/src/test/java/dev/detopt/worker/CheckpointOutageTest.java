package dev.detopt.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.model.study.contract.BatchCheckpoint;
import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.storage.ObjectStore;
import dev.detopt.storage.S3ObjectStore;
import dev.detopt.storage.embedded.EmbeddedS3Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker through an object-store outage, against a real S3 server (s3proxy on a directory) that
 * the test stops and starts again on the same port: a failed checkpoint upload is retried with
 * backoff until the store is back, and a lease whose checkpoint cannot be read yet waits for the
 * store and resumes from it instead of starting the batch over.
 */
class CheckpointOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String BUCKET = "outage-test";

    @TempDir
    Path objectsDirectory;

    private final int port = freePort();
    private EmbeddedS3Server s3;
    private ObjectStore objects;
    private ContractServer server;
    private final AtomicLong simulated = new AtomicLong();
    private Worker worker;
    private CompletableFuture<Integer> exit;
    private final List<String> checkpointLog = new CopyOnWriteArrayList<>();
    /** Every captured line again, for waiting on the next one without polling. */
    private final BlockingQueue<String> arrivingLines = new LinkedBlockingQueue<>();
    private final Logger scheduleLogger = Logger.getLogger(CheckpointSchedule.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            checkpointLog.add(record.getMessage());
            arrivingLines.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() throws Exception {
        startS3();
        objects = new S3ObjectStore(s3.settings(BUCKET));
        objects.ensureBucket();
        server = new ContractServer(WorkerTestEnvironment.TOKEN);
        scheduleLogger.addHandler(capture);
    }

    @AfterEach
    void stop() throws Exception {
        scheduleLogger.removeHandler(capture);
        if (worker != null) {
            worker.requestStop();
            exit.get(30, TimeUnit.SECONDS);
        }
        server.close();
        objects.close();
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void aFailedUploadIsRetriedWithBackoffUntilTheStoreAnswersAgain() throws Exception {
        BatchTask endless = TestTasks.gaussian("upload-outage", 0, 0, 1L << 50);
        long id = server.enqueue(endless);
        startWorker(Map.of("DETOPT_CHECKPOINT_INTERVAL", "0.2"));
        server.await(e -> e.startsWith("checkpoint " + id + " "), WAIT);

        s3.close(); // the outage
        s3 = null;
        awaitLog("failed (try 3", WAIT);
        int reportsDuringOutage = checkpointReports(id);
        assertThat(checkpointLog).noneMatch(line -> line.contains("succeeded at try"));

        startS3();
        String succeeded = awaitLog("succeeded at try", WAIT);
        assertThat(Integer.parseInt(succeeded.replaceAll(".*succeeded at try (\\d+).*", "$1"))).isGreaterThanOrEqualTo(4);
        server.await(e -> e.startsWith("checkpoint " + id + " ") && checkpointReports(id) > reportsDuringOutage, WAIT);
        // The retried upload is stored and readable, at the event it reports.
        long reported = server.row(id).checkpointNextEvent;
        assertThat(new CheckpointStore(objects).read(server.row(id).checkpointKey, endless).orElseThrow().nextEvent())
                .isGreaterThanOrEqualTo(reported);
    }

    @Test
    void aLeaseWaitsForTheStoreAndResumesFromItsCheckpointInsteadOfStartingOver() throws Exception {
        BatchTask task = TestTasks.counting("read-outage", 0, 10_000, 16_000);
        String key = CheckpointStore.key(task, 1);
        BatchCheckpoint stored = partial(task, 3, 400);
        new CheckpointStore(objects).write(key, stored);
        long id = server.enqueue(task, 1, key);

        s3.close(); // down before the lease arrives
        s3 = null;
        startWorker(Map.of());
        server.await(e -> e.equals("lease " + id + " attempt 2 by w-1"), WAIT);
        awaitLog("checkpoint store unreachable, try 2", WAIT);
        assertThat(simulated.get()).as("nothing simulated while the checkpoint is out of reach").isZero();

        startS3();
        server.await(e -> e.equals("complete " + id), WAIT);
        assertThat(simulated.get()).as("only the events after the checkpoint").isEqualTo(16_000 - stored.nextEvent());
        assertThat(server.row(id).result.statistics()).isEqualTo(new BatchExecutor(1, "reference")
                .execute(TestTasks.gaussian("read-outage", 0, 10_000, 16_000)).statistics());
    }

    private void startS3() {
        s3 = EmbeddedS3Server.filesystem(objectsDirectory, "127.0.0.1", port, "test-access", "test-secret-key");
    }

    private void startWorker(Map<String, String> overrides) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("DETOPT_SERVICE_URL", server.url());
        env.put("DETOPT_WORKER_TOKEN", WorkerTestEnvironment.TOKEN);
        env.put("DETOPT_WORKER_THREADS", "2");
        env.putAll(overrides);
        WorkerConfig config = WorkerConfig.from(env::get);
        CompletableFuture<Void> stop = new CompletableFuture<>();
        worker = new Worker(config, new ServiceClient(config.serviceUrl(), config.token(), stop),
                new CheckpointStore(objects), TestTasks.catalog(simulated), stop);
        exit = new CompletableFuture<>();
        Thread thread = new Thread(() -> exit.complete(worker.run()), "worker-under-outage");
        thread.setDaemon(true);
        thread.start();
    }

    private int checkpointReports(long id) {
        return (int) server.events().stream().filter(e -> e.startsWith("checkpoint " + id + " ")).count();
    }

    private String awaitLog(String fragment, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String line : checkpointLog) {
            if (line.contains(fragment)) {
                return line;
            }
        }
        String line;
        while ((line = arrivingLines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null) {
            if (line.contains(fragment)) {
                return line;
            }
        }
        throw new AssertionError("no log line with '" + fragment + "' within " + timeout + "; got " + checkpointLog);
    }

    private static BatchCheckpoint partial(BatchTask task, int chunks, int chunkEvents) {
        AtomicInteger done = new AtomicInteger();
        BatchExecutor.Run run = new BatchExecutor(TestTasks.catalog(new AtomicLong()), 2, "earlier").run(task, null,
                chunkEvents, p -> done.incrementAndGet(), () -> done.get() >= chunks);
        return BatchCheckpoint.of(task, run.progress());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
