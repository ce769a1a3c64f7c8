package dev.detopt.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The worker as its own process (the way launchers and Kubernetes run it): SIGTERM
 * ({@link Process#destroy()}) while a batch runs → final checkpoint, lease released as preempted,
 * exit code 0; a second worker process resumes the batch from that checkpoint and its result is
 * identical to an uninterrupted run.
 */
class WorkerProcessTest {
    @RegisterExtension
    static final InMemoryS3 s3 = new InMemoryS3();

    private static Process startWorker(ContractServer server, String id, Path log) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName());
        Map<String, String> env = builder.environment();
        env.putAll(WorkerTestEnvironment.of(server.url(), s3.server()));
        env.put("DETOPT_WORKER_ID", id);
        env.put("DETOPT_CHECKPOINT_INTERVAL", "0.3");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return builder.start();
    }

    @Test
    void sigtermCheckpointsReleasesAndExitsZeroThenAnotherProcessResumes() throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "worker-process-test"));
        // Long enough that it is running when SIGTERM arrives (tens of seconds on 2 threads).
        BatchTask task = TestTasks.gaussian("sigterm", 0, 0, 400_000_000L);
        try (ContractServer server = new ContractServer(WorkerTestEnvironment.TOKEN)) {
            long id = server.enqueue(task);
            Process first = startWorker(server, "first", logs.resolve("first.log"));
            server.await(e -> e.startsWith("checkpoint " + id + " "), Duration.ofSeconds(60));

            long signalled = System.nanoTime();
            first.destroy();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).as("worker exited after SIGTERM").isTrue();
            long exitMillis = (System.nanoTime() - signalled) / 1_000_000;
            System.out.println("worker exited " + exitMillis + " ms after SIGTERM");
            assertThat(first.exitValue()).isZero();

            String key = CheckpointStore.key(task, 1);
            assertThat(server.await(e -> e.startsWith("release " + id), Duration.ofSeconds(5)))
                    .isEqualTo("release " + id + " preempted checkpoint=" + key);
            long checkpointed = server.row(id).checkpointNextEvent;
            assertThat(checkpointed).isPositive();
            assertThat(Files.readString(logs.resolve("first.log"))).contains("preempted at event");

            // The remaining events, resumed elsewhere from the checkpoint, give the uninterrupted result.
            // (Finishing 400 M events here would be slow, so the second worker gets a shortened copy
            // of the task from the checkpoint on; events before it are the first worker's.)
            server.withdraw(id);
            BatchRunner.Progress stored = new CheckpointStore(s3.objects()).read(key, task).orElseThrow();
            assertThat(stored.nextEvent()).isEqualTo(checkpointed);
            BatchTask shortened = TestTasks.gaussian("sigterm", 0, 0, checkpointed + 5000);
            new CheckpointStore(s3.objects()).write(CheckpointStore.key(shortened, 1),
                    dev.detopt.model.study.contract.BatchCheckpoint.of(shortened, stored));
            long resumedId = server.enqueue(shortened, 1, CheckpointStore.key(shortened, 1));
            Process second = startWorker(server, "second", logs.resolve("second.log"));
            try {
                server.await(e -> e.equals("complete " + resumedId), Duration.ofSeconds(60));
            } finally {
                second.destroy();
                assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(second.exitValue()).isZero();
            BatchResult resumed = server.row(resumedId).result;
            assertThat(resumed.statistics()).isEqualTo(new BatchExecutor(2, "reference").execute(shortened).statistics());
            assertThat(Files.readString(logs.resolve("second.log"))).contains("resuming " + CheckpointStore.key(shortened, 1)
                    + " at event " + checkpointed);
            assertThat(server.events()).contains("lease " + resumedId + " attempt 2 by second");
        }
    }
}
