package dev.detopt.worker;

import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.study.contract.BatchCheckpoint;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.worker.ServiceClient.CallPolicy;
import dev.detopt.worker.ServiceClient.LeaseLostException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * When a running batch is checkpointed, and the uploads: every checkpoint interval (or every so
 * many events, whichever first) a snapshot at the chunk boundary is uploaded in the background
 * (simulation goes on) and then reported to the service, so the service never points at an object
 * that is not there. One upload thread, so uploads never overtake each other or a deletion.
 */
final class CheckpointSchedule {
    private static final System.Logger LOG = System.getLogger(CheckpointSchedule.class.getName());
    private static final CallPolicy REPORT = new CallPolicy(Duration.ofSeconds(10), false);
    private static final Duration UPLOAD_WAIT = Duration.ofSeconds(10);

    private final WorkerConfig config;
    private final ServiceClient client;
    private final CheckpointStore checkpoints;
    private final Supplier<String> workerId;
    private final ExecutorService uploader;

    /** @param checkpoints null: the worker runs without checkpoints, and this schedules nothing */
    CheckpointSchedule(WorkerConfig config, ServiceClient client, CheckpointStore checkpoints, Supplier<String> workerId,
                       ExecutorService uploader) {
        this.config = config;
        this.client = client;
        this.checkpoints = checkpoints;
        this.workerId = workerId;
        this.uploader = uploader;
    }

    boolean enabled() {
        return checkpoints != null;
    }

    /** The progress stored under the lease's resume key, if it is intact and fits the task. */
    BatchRunner.Progress resumeFrom(ActiveTask current) {
        if (checkpoints == null || current.lease.resumeKey() == null) {
            return null;
        }
        return checkpoints.read(current.lease.resumeKey(), current.task).orElse(null);
    }

    /** After a chunk: starts an upload when one is due and none is on its way. */
    void afterChunk(ActiveTask current, BatchRunner.Progress progress, long now) {
        BatchTask task = current.task;
        if (checkpoints == null || progress.nextEvent() >= task.eventTo()) {
            return;
        }
        boolean timeDue = now - current.lastCheckpointNanos >= config.checkpointInterval().toNanos();
        boolean eventsDue = config.checkpointEvents() > 0
                && progress.nextEvent() - current.checkpointedEvent >= config.checkpointEvents();
        if ((timeDue || eventsDue) && current.uploading.compareAndSet(false, true)) {
            current.lastCheckpointNanos = now;
            BatchCheckpoint snapshot = BatchCheckpoint.of(task, progress);
            Double cpuAtSnapshot = current.cpuSeconds();
            uploader.execute(() -> {
                try {
                    storeAndReport(current, snapshot, cpuAtSnapshot, REPORT);
                } finally {
                    current.uploading.set(false);
                }
            });
        }
    }

    /** Stopped mid-batch: waits for an upload in flight, then writes and reports a final checkpoint if it adds progress. */
    void finalCheckpoint(ActiveTask current, BatchRunner.Progress progress, CallPolicy policy) {
        awaitUploads();
        if (checkpoints != null && progress.nextEvent() > current.checkpointedEvent) {
            storeAndReport(current, BatchCheckpoint.of(current.task, progress), current.cpuSeconds(), policy);
        }
    }

    /** Uploads, then reports the key (a reader never sees a key before its object). Never throws. */
    private boolean storeAndReport(ActiveTask current, BatchCheckpoint snapshot, Double cpuSeconds, CallPolicy policy) {
        CheckpointStore.Written written;
        try {
            written = checkpoints.write(current.writeKey, snapshot);
            current.checkpointedEvent = snapshot.nextEvent();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "checkpoint upload to " + current.writeKey + " failed: " + e.getMessage());
            return false;
        }
        try {
            client.checkpoint(workerId.get(), current.ref, written.key(), written.nextEvent(), written.sha256(), cpuSeconds,
                    policy);
            LOG.log(Level.DEBUG, "checkpoint " + written.key() + " at event " + written.nextEvent());
            return true;
        } catch (LeaseLostException e) {
            LOG.log(Level.WARNING, "task " + current.taskId() + ": lease lost (" + e.getMessage() + "); abandoning it");
            current.abandoned = true;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not report checkpoint " + written.key() + ": " + e.getMessage());
        }
        return false;
    }

    /** After the service accepted the batch's result: every attempt's checkpoints go, in the background. */
    void deleteAfterCompletion(BatchTask task) {
        if (checkpoints != null) {
            // Off the simulation path; the next upload of this batch can only come from a new lease.
            uploader.execute(() -> deleteCheckpoints(task));
        }
    }

    private void deleteCheckpoints(BatchTask task) {
        try {
            int deleted = checkpoints.deleteBatch(task);
            LOG.log(Level.DEBUG, "deleted " + deleted + " checkpoint(s) under " + CheckpointStore.batchPrefix(task));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not delete the checkpoints under " + CheckpointStore.batchPrefix(task) + ": "
                    + e.getMessage() + " (the bucket's lifecycle rule removes them later)");
        }
    }

    /** Waits for a checkpoint upload in flight, so uploads never overtake each other or a deletion. */
    void awaitUploads() {
        try {
            uploader.submit(() -> { }).get(UPLOAD_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.log(Level.WARNING, "a checkpoint upload did not finish in time: " + e);
        }
    }

    /** Lets the last uploads and deletions run, then stops the upload thread. */
    void close() throws InterruptedException {
        uploader.shutdown();
        uploader.awaitTermination(UPLOAD_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
