package dev.detopt.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.study.contract.BatchCheckpoint;
import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchTask;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The worker loop in this JVM against the contract server and a real S3 protocol server: results
 * bit-identical to the reference, resumption from a leased checkpoint, restart after a corrupt one,
 * stop with final checkpoint and release, abandonment, a refused token.
 */
class WorkerTest {
    static final String TOKEN = WorkerTestEnvironment.TOKEN;
    static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final InMemoryS3 s3 = new InMemoryS3();

    private ContractServer server;
    private final AtomicLong simulated = new AtomicLong();
    private Worker worker;
    private CompletableFuture<Integer> exit;

    @BeforeEach
    void startServer() throws Exception {
        server = new ContractServer(TOKEN);
    }

    @AfterEach
    void stopAll() throws Exception {
        if (worker != null) {
            worker.requestStop();
            exit.get(30, TimeUnit.SECONDS);
        }
        server.close();
    }

    private void startWorker(Map<String, String> overrides, String token) {
        Map<String, String> env = WorkerTestEnvironment.of(server.url(), s3.server());
        env.put("DETOPT_WORKER_TOKEN", token);
        env.putAll(overrides);
        WorkerConfig config = WorkerConfig.from(env::get);
        CompletableFuture<Void> stop = new CompletableFuture<>();
        worker = new Worker(config, new ServiceClient(config.serviceUrl(), config.token(), stop),
                new CheckpointStore(s3.objects()), TestTasks.catalog(simulated), stop);
        exit = new CompletableFuture<>();
        Thread thread = new Thread(() -> exit.complete(worker.run()), "worker-under-test");
        thread.setDaemon(true);
        thread.start();
    }

    private int stopWorker() throws Exception {
        worker.requestStop();
        int code = exit.get(30, TimeUnit.SECONDS);
        worker = null;
        return code;
    }

    private static BatchCheckpoint partial(BatchTask task, int chunks, int chunkEvents) {
        AtomicInteger done = new AtomicInteger();
        BatchExecutor.Run run = new BatchExecutor(TestTasks.catalog(new AtomicLong()), 2, "earlier").run(task, null, chunkEvents, p -> done.incrementAndGet(),
                () -> done.get() >= chunks);
        return BatchCheckpoint.of(task, run.progress());
    }

    @Test
    void completesTasksWithTheReferenceStatisticsAndDeletesTheirCheckpoints() throws Exception {
        long[] ids = new long[3];
        for (int b = 0; b < 3; b++) {
            ids[b] = server.enqueue(TestTasks.gaussian("complete", b, b * 5000L, (b + 1) * 5000L));
        }
        startWorker(Map.of("DETOPT_CHECKPOINT_EVENTS", "1000"), TOKEN);
        for (long id : ids) {
            server.await(e -> e.equals("complete " + id), WAIT);
        }
        assertThat(stopWorker()).isZero();

        BatchExecutor reference = new BatchExecutor(1, "reference");
        for (long id : ids) {
            ContractServer.Row row = server.row(id);
            assertThat(row.result.statistics()).isEqualTo(reference.execute(row.task).statistics());
            assertThat(row.result.events()).isEqualTo(5000);
            // The attempt's CPU time (process and children), measured by the worker and sent with the result;
            // a 5,000-event toy batch can take less than the clock's resolution on a fast core, so 0 is possible.
            assertThat(row.cpuSeconds).as("cpuSeconds of task %d", id).isNotNull().isNotNegative();
            if (row.checkpointCpuSeconds != null) {
                assertThat(row.checkpointCpuSeconds).isBetween(0.0, row.cpuSeconds);
            }
        }
        assertThat(server.events()).anyMatch(e -> e.startsWith("checkpoint "));
        assertThat(s3.objects().list("studies/complete/")).isEmpty();
    }

    @Test
    void resumesFromTheCheckpointItLeasesAndSimulatesOnlyTheRest() throws Exception {
        BatchTask task = TestTasks.counting("resume", 0, 10_000, 14_000);
        String key = CheckpointStore.key(task, 1);
        new CheckpointStore(s3.objects()).write(key, partial(task, 2, 300));
        long id = server.enqueue(task, 1, key);

        startWorker(Map.of(), TOKEN);
        server.await(e -> e.equals("complete " + id), WAIT);

        assertThat(simulated.get()).isEqualTo(4000 - 600);
        assertThat(server.row(id).result.statistics()).isEqualTo(new BatchExecutor(1, "reference")
                .execute(TestTasks.gaussian("resume", 0, 10_000, 14_000)).statistics());
        assertThat(server.events()).contains("lease " + id + " attempt 2 by w-1");
    }

    @Test
    void restartsTheBatchWhenItsCheckpointIsCorrupt() throws Exception {
        BatchTask task = TestTasks.counting("corrupt", 0, 0, 4000);
        String key = CheckpointStore.key(task, 1);
        new CheckpointStore(s3.objects()).write(key, partial(task, 2, 300));
        byte[] stored = s3.objects().get(key).orElseThrow();
        String text = new String(stored, StandardCharsets.UTF_8).replace("\"nextEvent\":600", "\"nextEvent\":900");
        s3.objects().put(key, text.getBytes(StandardCharsets.UTF_8), "application/json");
        long id = server.enqueue(task, 1, key);

        startWorker(Map.of(), TOKEN);
        server.await(e -> e.equals("complete " + id), WAIT);

        assertThat(simulated.get()).isEqualTo(4000);
        assertThat(server.row(id).result.statistics()).isEqualTo(
                new BatchExecutor(1, "reference").execute(TestTasks.gaussian("corrupt", 0, 0, 4000)).statistics());
    }

    @Test
    void aStopRequestCheckpointsReleasesTheLeaseAndExitsZero() throws Exception {
        BatchTask endless = TestTasks.gaussian("stop", 0, 0, 1L << 50);
        long id = server.enqueue(endless);
        startWorker(Map.of("DETOPT_CHECKPOINT_INTERVAL", "0.2"), TOKEN);
        server.await(e -> e.startsWith("checkpoint " + id + " "), WAIT);

        assertThat(stopWorker()).isZero();

        String key = CheckpointStore.key(endless, 1);
        String release = server.await(e -> e.startsWith("release " + id), WAIT);
        assertThat(release).isEqualTo("release " + id + " preempted checkpoint=" + key);
        ContractServer.Row row = server.row(id);
        assertThat(row.state).isEqualTo("QUEUED");
        BatchRunner.Progress stored = new CheckpointStore(s3.objects()).read(key, endless).orElseThrow();
        assertThat(stored.nextEvent()).isEqualTo(row.checkpointNextEvent).isGreaterThan(0);
        // The stored statistics are exactly those of the events before the checkpoint.
        BatchTask before = TestTasks.gaussian("stop", 0, 0, stored.nextEvent());
        assertThat(stored.statistics().state()).isEqualTo(new BatchExecutor(2, "reference").execute(before).statistics());
    }

    @Test
    void aWorkerStoppedWhileItsLongPollWaitsHandsBackEverythingItMayHoldOnItsWayOut() throws Exception {
        startWorker(Map.of(), TOKEN);
        server.await(e -> e.equals("lease-wait w-1"), WAIT);

        assertThat(stopWorker()).isZero();

        assertThat(server.await(e -> e.startsWith("release-all "), WAIT)).isEqualTo("release-all w-1 shutdown 0");
    }

    @Test
    void resultsThatPileUpBehindASlowServiceGoBackInOneBulkRequest() throws Exception {
        server.holdCompletions();
        long first = server.enqueue(TestTasks.gaussian("bulk", 0, 0, 200));
        long second = server.enqueue(TestTasks.gaussian("bulk", 1, 200, 400));
        long third = server.enqueue(TestTasks.gaussian("bulk", 2, 400, 600));
        startWorker(Map.of(), TOKEN);
        server.await(e -> e.startsWith("lease " + third), WAIT);
        // A fourth lease means the third batch was simulated and its result is waiting too.
        long fourth = server.enqueue(TestTasks.gaussian("bulk", 3, 600, 800));
        server.await(e -> e.startsWith("lease " + fourth), WAIT);

        server.releaseCompletions();

        server.await(e -> e.equals("complete " + fourth), WAIT);
        assertThat(server.events()).contains("complete " + first, "complete " + second, "complete " + third)
                .anyMatch(e -> e.startsWith("complete-all ") && Integer.parseInt(e.substring("complete-all ".length())) >= 2);
        for (long id : new long[] {first, second, third, fourth}) {
            assertThat(server.row(id).state).isEqualTo("DONE");
        }
    }

    @Test
    void abandonsATaskTheServiceTakesBackAndMovesOn() throws Exception {
        long endless = server.enqueue(TestTasks.gaussian("abandon", 0, 0, 1L << 50));
        server.abandonOnHeartbeat(endless);
        startWorker(Map.of("DETOPT_CHECKPOINT_INTERVAL", "60"), TOKEN);
        server.await(e -> e.startsWith("lease " + endless), WAIT);
        long next = server.enqueue(TestTasks.gaussian("abandon", 1, 0, 1000));

        server.await(e -> e.equals("complete " + next), WAIT);
        assertThat(server.events()).noneMatch(e -> e.startsWith("release " + endless) || e.startsWith("complete " + endless)
                || e.startsWith("fail " + endless));
    }

    @Test
    void exitsWithCodeThreeWhenTheTokenIsRefused() throws Exception {
        startWorker(Map.of(), "wrong-token");
        assertThat(exit.get(30, TimeUnit.SECONDS)).isEqualTo(Worker.EXIT_REFUSED);
        worker = null;
    }
}
