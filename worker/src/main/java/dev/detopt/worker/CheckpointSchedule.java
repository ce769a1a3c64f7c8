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
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * When a running batch is checkpointed, and the uploads: every checkpoint interval (or every so
 * many events, whichever first) a snapshot at the chunk boundary is uploaded in the background
 * (simulation goes on) and then reported to the service, so the service never points at an object
 * that is not there. One upload thread, so uploads never overtake each other or a deletion.
 *
 * <p>Object-store outages: a failed upload is retried with backoff ({@value #RETRY_FIRST_MILLIS} ms
 * doubling up to {@value #RETRY_LONGEST_MILLIS} ms), each retry taking the newest snapshot, until
 * it lands or the batch ends; meanwhile the service keeps pointing at the last checkpoint that was
 * stored, which is what a later attempt resumes from. Reading that checkpoint at the start of a
 * lease waits for an unreachable store the same way, up to {@value #RESUME_WAIT_SECONDS} s (the
 * lease is kept alive by heartbeats), before the batch starts from its first event.
 */
final class CheckpointSchedule {
    private static final System.Logger LOG = System.getLogger(CheckpointSchedule.class.getName());
    private static final CallPolicy REPORT = new CallPolicy(Duration.ofSeconds(10), false);
    private static final Duration UPLOAD_WAIT = Duration.ofSeconds(10);
    static final long RETRY_FIRST_MILLIS = 250;
    static final long RETRY_LONGEST_MILLIS = 4_000;
    static final long RESUME_WAIT_SECONDS = 120;
    /** How long a final checkpoint (stop requested) keeps retrying before the lease is released anyway. */
    private static final Duration FINAL_UPLOAD_RETRY = Duration.ofSeconds(3);

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

    /**
     * The progress stored under the lease's resume key, if it is intact and fits the task. While the
     * store does not answer, it is asked again with backoff (the batch's progress is in there).
     */
    BatchRunner.Progress resumeFrom(ActiveTask current, BooleanSupplier stopping) {
        if (checkpoints == null || current.lease.resumeKey() == null) {
            return null;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RESUME_WAIT_SECONDS);
        long pause = RETRY_FIRST_MILLIS;
        for (int attempt = 1; ; attempt++) {
            try {
                return checkpoints.read(current.lease.resumeKey(), current.task).orElse(null);
            } catch (CheckpointStore.StoreUnavailableException e) {
                if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause) > deadline) {
                    LOG.log(Level.WARNING, "the object store still does not answer after " + RESUME_WAIT_SECONDS
                            + " s (" + e.getMessage() + "); the batch restarts from its first event");
                    return null;
                }
                LOG.log(Level.WARNING, "checkpoint store unreachable, try " + attempt + " (" + e.getMessage()
                        + "); reading " + current.lease.resumeKey() + " again in " + pause + " ms");
                if (!pause(pause, () -> !stopping.getAsBoolean() && !current.abandoned)) {
                    return null;
                }
                pause = Math.min(2 * pause, RETRY_LONGEST_MILLIS);
            }
        }
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
        if (!timeDue && !eventsDue) {
            return;
        }
        if (current.uploading.compareAndSet(false, true)) {
            current.lastCheckpointNanos = now;
            BatchCheckpoint snapshot = BatchCheckpoint.of(task, progress);
            Double cpuAtSnapshot = current.cpuSeconds();
            uploader.execute(() -> {
                try {
                    storeAndReport(current, snapshot, cpuAtSnapshot, REPORT, () -> !current.runEnded && !current.abandoned);
                } finally {
                    current.uploading.set(false);
                }
            });
        } else if (current.uploadRetrying) {
            // The store is failing: the retry takes this newer snapshot instead of the old one.
            current.lastCheckpointNanos = now;
            current.newerSnapshot.set(BatchCheckpoint.of(task, progress));
        }
    }

    /** Stopped mid-batch: waits for an upload in flight, then writes and reports a final checkpoint if it adds progress. */
    void finalCheckpoint(ActiveTask current, BatchRunner.Progress progress, CallPolicy policy) {
        current.runEnded = true;
        awaitUploads();
        if (checkpoints != null && progress.nextEvent() > current.checkpointedEvent) {
            long deadline = System.nanoTime() + FINAL_UPLOAD_RETRY.toNanos();
            storeAndReport(current, BatchCheckpoint.of(current.task, progress), current.cpuSeconds(), policy,
                    () -> System.nanoTime() < deadline && !current.abandoned);
        }
    }

    /**
     * Uploads, then reports the key (a reader never sees a key before its object). A failed upload
     * is tried again with backoff while {@code keepTrying} holds. Never throws.
     */
    private boolean storeAndReport(ActiveTask current, BatchCheckpoint first, Double cpuSeconds, CallPolicy policy,
            BooleanSupplier keepTrying) {
        CheckpointStore.Written written;
        BatchCheckpoint snapshot = first;
        long pause = RETRY_FIRST_MILLIS;
        for (int attempt = 1; ; attempt++) {
            try {
                written = checkpoints.write(current.writeKey, snapshot);
                current.checkpointedEvent = snapshot.nextEvent();
                if (attempt > 1) {
                    LOG.log(Level.INFO, "checkpoint upload to " + current.writeKey + " succeeded at try " + attempt
                            + " (event " + snapshot.nextEvent() + ")");
                }
                break;
            } catch (RuntimeException e) {
                if (!keepTrying.getAsBoolean() || !pauseBeforeRetry(current, attempt, pause, e, keepTrying)) {
                    current.uploadRetrying = false;
                    LOG.log(Level.WARNING, "checkpoint upload to " + current.writeKey + " failed: " + e.getMessage()
                            + "; the service keeps the last stored checkpoint (event " + current.checkpointedEvent + ")");
                    return false;
                }
                pause = Math.min(2 * pause, RETRY_LONGEST_MILLIS);
                BatchCheckpoint newer = current.newerSnapshot.getAndSet(null);
                if (newer != null && newer.nextEvent() > snapshot.nextEvent()) {
                    snapshot = newer;
                    // The newer snapshot was taken a few seconds before this reading at most.
                    cpuSeconds = current.cpuSeconds();
                }
            }
        }
        current.uploadRetrying = false;
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

    private boolean pauseBeforeRetry(ActiveTask current, int attempt, long pause, RuntimeException failure,
                                     BooleanSupplier keepTrying) {
        current.uploadRetrying = true;
        LOG.log(Level.WARNING, "checkpoint upload to " + current.writeKey + " failed (try " + attempt + ": "
                + failure.getMessage() + "); retrying in " + pause + " ms");
        return pause(pause, keepTrying);
    }

    /** Waits {@code millis} in short slices; false as soon as {@code keepWaiting} stops holding. */
    private static boolean pause(long millis, BooleanSupplier keepWaiting) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            if (!keepWaiting.getAsBoolean()) {
                return false;
            }
            LockSupport.parkNanos(Math.min(end - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(50)));
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return keepWaiting.getAsBoolean();
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
