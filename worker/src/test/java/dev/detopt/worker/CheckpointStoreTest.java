package dev.detopt.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.study.contract.BatchCheckpoint;
import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.storage.ObjectStore;
import dev.detopt.storage.S3ObjectStore;
import dev.detopt.storage.embedded.EmbeddedS3Server;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checkpoints through a real S3 protocol server (s3proxy in this JVM). */
class CheckpointStoreTest {
    private static EmbeddedS3Server server;
    private static ObjectStore objects;
    private static CheckpointStore checkpoints;

    @BeforeAll
    static void start() {
        server = EmbeddedS3Server.inMemory("127.0.0.1", 0, "test-access", "test-secret-key");
        objects = new S3ObjectStore(server.settings("checkpoints"));
        objects.ensureBucket();
        checkpoints = new CheckpointStore(objects);
    }

    @AfterAll
    static void stop() {
        objects.close();
        server.close();
    }

    /** The checkpoint after {@code chunks} chunks of 300 events. */
    private static BatchCheckpoint partial(BatchTask task, int chunks) {
        AtomicInteger done = new AtomicInteger();
        BatchExecutor.Run run = new BatchExecutor(2, "test").run(task, null, 300, p -> done.incrementAndGet(),
                () -> done.get() >= chunks);
        assertThat(run.completed()).isFalse();
        return BatchCheckpoint.of(task, run.progress());
    }

    @Test
    void keysFollowTheDocumentedLayout() {
        assertThat(CheckpointStore.key(TestTasks.gaussian("s-1", 4, 0, 10), 2))
                .isEqualTo("studies/s-1/steps/3/batches/4/attempt-2.json");
    }

    @Test
    void resumingFromAStoredCheckpointGivesTheUninterruptedResult() {
        BatchTask task = TestTasks.gaussian("roundtrip", 0, 1000, 3000);
        BatchCheckpoint checkpoint = partial(task, 2);
        String key = CheckpointStore.key(task, 1);

        CheckpointStore.Written written = checkpoints.write(key, checkpoint);
        assertThat(written.nextEvent()).isEqualTo(1600);
        assertThat(written.sha256()).hasSize(64);

        BatchRunner.Progress resumed = checkpoints.read(key, task).orElseThrow();
        assertThat(resumed.nextEvent()).isEqualTo(1600);
        BatchResult finished = new BatchExecutor(3, "other").run(task, resumed, 128, p -> { }, () -> false).result();
        BatchResult reference = new BatchExecutor(1, "reference").execute(task);
        assertThat(finished.statistics()).isEqualTo(reference.statistics());
    }

    @Test
    void aCorruptCheckpointIsIgnored() {
        BatchTask task = TestTasks.gaussian("corrupt", 0, 0, 2000);
        String key = CheckpointStore.key(task, 1);
        checkpoints.write(key, partial(task, 1));
        String stored = new String(objects.get(key).orElseThrow(), StandardCharsets.UTF_8);

        // Change one exact-sum digit: still valid JSON and a valid checkpoint, but not what was written.
        int sums = stored.indexOf("\"sumY\"");
        int colon = stored.indexOf(':', stored.indexOf('"', sums + 8) + 1);
        char digit = stored.charAt(colon + 1);
        String tampered = stored.substring(0, colon + 1) + (digit == 'A' ? 'B' : 'A') + stored.substring(colon + 2);
        objects.put(key, tampered.getBytes(StandardCharsets.UTF_8), "application/json");
        assertThat(checkpoints.read(key, task)).isEmpty();

        objects.put(key, stored.substring(0, stored.length() / 2).getBytes(StandardCharsets.UTF_8), "application/json");
        assertThat(checkpoints.read(key, task)).isEmpty();

        objects.put(key, stored.getBytes(StandardCharsets.UTF_8), "application/json");
        assertThat(checkpoints.read(key, task)).isPresent();
    }

    @Test
    void aMissingOrForeignCheckpointIsIgnored() {
        BatchTask task = TestTasks.gaussian("foreign", 1, 0, 2000);
        assertThat(checkpoints.read(CheckpointStore.key(task, 7), task)).isEmpty();
        assertThat(checkpoints.read(null, task)).isEmpty();

        BatchTask otherBatch = TestTasks.gaussian("foreign", 2, 0, 2000);
        String key = CheckpointStore.key(otherBatch, 1);
        checkpoints.write(key, partial(otherBatch, 1));
        assertThat(checkpoints.read(key, task)).isEmpty();
        assertThat(checkpoints.read(key, otherBatch)).isPresent();
    }

    @Test
    void deletingABatchRemovesEveryAttemptAndNothingElse() {
        BatchTask task = TestTasks.gaussian("delete", 5, 0, 2000);
        BatchTask neighbour = TestTasks.gaussian("delete", 50, 0, 2000);
        checkpoints.write(CheckpointStore.key(task, 1), partial(task, 1));
        checkpoints.write(CheckpointStore.key(task, 2), partial(task, 2));
        checkpoints.write(CheckpointStore.key(neighbour, 1), partial(neighbour, 1));

        assertThat(checkpoints.deleteBatch(task)).isEqualTo(2);
        assertThat(objects.list("studies/delete/")).containsExactly("studies/delete/steps/3/batches/50/attempt-1.json");
    }
}
