package dev.detopt.worker;

import dev.detopt.model.study.contract.protocol.BulkCompleteAnswer;
import dev.detopt.model.study.contract.protocol.BulkCompleteItem;
import dev.detopt.model.study.contract.protocol.CompleteResponse;
import dev.detopt.model.study.contract.protocol.LeaseGrant;
import dev.detopt.model.study.contract.protocol.LeaseReference;
import dev.detopt.model.study.contract.protocol.RegisterResponse;
import dev.detopt.model.study.contract.protocol.ReleaseRequest;
import dev.detopt.model.study.contract.protocol.WorkerApiLimits;
import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.study.contract.BatchCheckpoint;
import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import dev.detopt.worker.ServiceClient.CallPolicy;
import dev.detopt.worker.ServiceClient.LeaseLostException;
import dev.detopt.worker.ServiceClient.ServiceException;
import dev.detopt.worker.ServiceClient.ServiceUnavailableException;
import dev.detopt.worker.ServiceClient.StoppedException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The worker loop: register, long-poll for a task, simulate it with {@link BatchExecutor} on all
 * threads, checkpoint it to object storage every interval, heartbeat on a schedule, complete it.
 * {@link #requestStop()} (SIGTERM) makes the running batch stop at its next chunk boundary (chunks
 * last about {@value ChunkPlanner#TARGET_NANOS} ns), writes a final checkpoint, releases the lease
 * as preempted and ends {@link #run()} with exit code 0.
 */
public final class Worker {
    private static final System.Logger LOG = System.getLogger(Worker.class.getName());
    static final int LEASE_WAIT_SECONDS = 20;
    private static final CallPolicy REPORT = new CallPolicy(Duration.ofSeconds(10), false);
    private static final CallPolicy COMPLETE = new CallPolicy(Duration.ofSeconds(60), false);
    private static final CallPolicy COMPLETE_WHILE_STOPPING = new CallPolicy(Duration.ofSeconds(5), false);
    private static final CallPolicy SHUTDOWN = new CallPolicy(Duration.ofSeconds(4), false);
    private static final Duration UPLOAD_WAIT = Duration.ofSeconds(10);
    private static final int MAX_REPLANS_PER_RUN = 3;
    /** Half the service's limit per bulk completion: calorimeter results are large, requests stay small. */
    private static final int MAX_RESULTS_PER_REQUEST = WorkerApiLimits.MAX_RESULTS_PER_REQUEST / 2;

    /** Exit codes of {@link #run()}. */
    public static final int EXIT_OK = 0;
    public static final int EXIT_REFUSED = 3;

    private final WorkerConfig config;
    private final ServiceClient client;
    private final CheckpointStore checkpoints;
    private final SimulatorCatalog catalog;
    private final ChunkPlanner planner;
    private BatchExecutor executor;
    private final CompletableFuture<Void> stopSignal;
    private final AtomicReference<ActiveTask> active = new AtomicReference<>();
    private final ExecutorService uploader;
    /** Sends completions, so the next lease is already polling while a result is on its way. */
    private final ExecutorService completer;
    /** Results simulated and not yet handed to the completer's next request. */
    private final java.util.concurrent.LinkedBlockingQueue<Finished> finished = new java.util.concurrent.LinkedBlockingQueue<>();
    private final ScheduledExecutorService heartbeats;
    private volatile boolean stopping;
    private volatile String workerId;

    /**
     * @param checkpoints null to run without checkpoints
     * @param stopSignal  completed by {@link #requestStop()}; the client aborts waits on it
     */
    public Worker(WorkerConfig config, ServiceClient client, CheckpointStore checkpoints, SimulatorCatalog catalog,
                  CompletableFuture<Void> stopSignal) {
        this.config = config;
        this.client = client;
        this.checkpoints = checkpoints;
        this.catalog = catalog;
        this.planner = new ChunkPlanner(config.threads());
        this.stopSignal = stopSignal;
        this.uploader = Executors.newSingleThreadExecutor(daemon("detopt-checkpoint"));
        this.completer = Executors.newSingleThreadExecutor(daemon("detopt-complete"));
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(daemon("detopt-heartbeat"));
    }

    /** A running lease and what is known about its progress. */
    private static final class ActiveTask {
        final LeaseGrant lease;
        final BatchTask task;
        final LeaseReference ref;
        /** Where this attempt writes its checkpoints (the resume key is the lease's). */
        final String writeKey;
        final String kind;
        volatile long eventsDone;
        volatile boolean abandoned;
        volatile boolean replan;
        /** Event the newest stored checkpoint resumes at (eventFrom: none yet). */
        volatile long checkpointedEvent;
        long lastCheckpointNanos;
        long lastChunkNanos;
        int chunkEvents;
        final AtomicBoolean uploading = new AtomicBoolean();

        ActiveTask(LeaseGrant lease, BatchTask task, int attempt) {
            this.lease = lease;
            this.task = task;
            this.ref = lease.reference();
            // The service says where this attempt's checkpoints go; the same layout when it does not.
            String assigned = task.checkpointKey();
            this.writeKey = assigned == null || assigned.isBlank() ? CheckpointStore.key(task, attempt) : assigned;
            this.kind = ChunkPlanner.kindOf(task);
            this.checkpointedEvent = task.eventFrom();
            this.lastCheckpointNanos = System.nanoTime();
        }

        BatchTask task() {
            return task;
        }
    }

    /** Asks the worker to stop (SIGTERM); {@link #run()} returns soon after. Idempotent. */
    public void requestStop() {
        if (!stopping) {
            stopping = true;
            LOG.log(Level.INFO, "stop requested: finishing the current chunk, then checkpoint and release");
        }
        stopSignal.complete(null);
    }

    public boolean stopping() {
        return stopping;
    }

    /** Runs until stopped; returns the process exit code. */
    public int run() {
        try {
            if (!register()) {
                return stopping ? EXIT_OK : EXIT_REFUSED;
            }
            heartbeats.scheduleWithFixedDelay(this::heartbeat, heartbeatSeconds, heartbeatSeconds, TimeUnit.SECONDS);
            while (!stopping) {
                List<LeaseGrant> leases;
                try {
                    leases = client.lease(workerId, 1, LEASE_WAIT_SECONDS, CallPolicy.UNTIL_STOPPED);
                } catch (StoppedException e) {
                    break;
                } catch (ServiceException e) {
                    if (refused(e)) {
                        return EXIT_REFUSED;
                    }
                    LOG.log(Level.WARNING, "lease refused: " + e.getMessage());
                    if (e.status() == 404 && !register()) {
                        return stopping ? EXIT_OK : EXIT_REFUSED;
                    }
                    pause(Duration.ofSeconds(1));
                    continue;
                }
                for (LeaseGrant lease : leases) {
                    if (stopping) {
                        releaseQuietly(lease.reference());
                    } else {
                        process(lease);
                    }
                }
            }
            return EXIT_OK;
        } finally {
            heartbeats.shutdownNow();
            completer.shutdown();
            try {
                // Results on their way are delivered (or given up) before the worker exits, then
                // the last deletions of finished checkpoints run before the store is closed.
                completer.awaitTermination(COMPLETE.budget().toMillis(), TimeUnit.MILLISECONDS);
                releaseEverything();
                uploader.shutdown();
                uploader.awaitTermination(UPLOAD_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LOG.log(Level.INFO, "worker " + workerId + " stopped");
        }
    }

    private int heartbeatSeconds = 10;

    private boolean register() {
        try {
            RegisterResponse registration = client.register(config.workerId(), config.host(), config.podName(),
                    config.nodeName(), config.threads(), CallPolicy.UNTIL_STOPPED);
            workerId = registration.workerId();
            executor = new BatchExecutor(catalog, config.threads(), workerId);
            heartbeatSeconds = Math.max(1, registration.heartbeatSeconds());
            LOG.log(Level.INFO, "registered as " + workerId + " at " + config.serviceUrl() + " (" + config.threads()
                    + " threads, lease " + registration.leaseSeconds() + " s, heartbeat " + heartbeatSeconds + " s)");
            return true;
        } catch (StoppedException e) {
            return false;
        } catch (ServiceException e) {
            LOG.log(Level.ERROR, "registration refused: " + e.getMessage());
            return false;
        }
    }

    private static boolean refused(ServiceException e) {
        if (e.status() == 401 || e.status() == 403) {
            LOG.log(Level.ERROR, "the service refuses this worker's token (check DETOPT_WORKER_TOKEN): " + e.getMessage());
            return true;
        }
        return false;
    }

    private void process(LeaseGrant lease) {
        BatchTask task = lease.batchTask();
        ActiveTask current = new ActiveTask(lease, task, Math.max(1, lease.attempt()));
        active.set(current);
        LOG.log(Level.INFO, "task " + lease.taskId() + ": study " + task.studyId() + " step " + task.step() + " batch "
                + task.batchIndex() + " events [" + task.eventFrom() + ", " + task.eventTo() + ") attempt " + lease.attempt()
                + (lease.resumeKey() == null ? "" : " resuming from " + lease.resumeKey()));
        try {
            BatchRunner.Progress progress = null;
            if (checkpoints != null && lease.resumeKey() != null) {
                progress = checkpoints.read(lease.resumeKey(), task).orElse(null);
            }
            BatchExecutor.Run run = simulate(current, progress);
            if (run.completed()) {
                // Uploads of this batch end before its completion is sent (none may land after the deletion).
                awaitUploads();
                finished.add(new Finished(current, run));
                completer.execute(this::completeFinished);
            } else if (current.abandoned) {
                LOG.log(Level.INFO, "task " + lease.taskId() + " abandoned at event " + run.progress().nextEvent()
                        + " as the service asked");
            } else {
                preempted(current, run.progress());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "task " + lease.taskId() + " failed", e);
            try {
                client.fail(workerId, current.ref, e.getClass().getSimpleName() + ": " + e.getMessage(), false, REPORT);
            } catch (RuntimeException reportFailure) {
                LOG.log(Level.WARNING, "could not report the failure of task " + lease.taskId() + ": "
                        + reportFailure.getMessage());
            }
        } finally {
            active.set(null);
        }
    }

    /** Runs the batch, re-planning the chunk size when chunks are far from their target length. */
    private BatchExecutor.Run simulate(ActiveTask current, BatchRunner.Progress resumeFrom) {
        BatchTask task = current.task();
        BatchRunner.Progress progress = resumeFrom;
        for (int runs = 0; ; runs++) {
            current.chunkEvents = planner.chunkEvents(current.kind);
            current.replan = false;
            current.lastChunkNanos = System.nanoTime();
            boolean mayReplan = runs < MAX_REPLANS_PER_RUN;
            long before = progress == null ? task.eventFrom() : progress.nextEvent();
            BatchExecutor.Run run;
            try {
                run = executor.run(task, progress, current.chunkEvents, p -> afterChunk(current, p, mayReplan),
                        () -> stopping || current.abandoned || current.replan);
            } catch (IllegalArgumentException e) {
                if (resumeFrom != null && progress == resumeFrom && current.eventsDone == 0 && before == resumeFrom.nextEvent()) {
                    // The checkpoint passed its digest but does not fit this simulator: never trust it.
                    LOG.log(Level.WARNING, "checkpoint " + current.lease.resumeKey() + " does not fit the task ("
                            + e.getMessage() + "); the batch restarts from its first event");
                    progress = null;
                    resumeFrom = null;
                    continue;
                }
                throw e;
            }
            if (run.completed() || stopping || current.abandoned) {
                return run;
            }
            progress = run.progress();
        }
    }

    private void afterChunk(ActiveTask current, BatchRunner.Progress progress, boolean mayReplan) {
        BatchTask task = current.task();
        long now = System.nanoTime();
        long events = progress.nextEvent() - task.eventFrom();
        long chunk = events - current.eventsDone;
        current.eventsDone = events;
        planner.observe(current.kind, chunk, now - current.lastChunkNanos);
        if (mayReplan && ChunkPlanner.offTarget(now - current.lastChunkNanos, current.chunkEvents)
                && task.eventTo() - progress.nextEvent() > 4L * planner.chunkEvents(current.kind)) {
            current.replan = true;
        }
        current.lastChunkNanos = now;
        if (checkpoints == null || progress.nextEvent() >= task.eventTo()) {
            return;
        }
        boolean timeDue = now - current.lastCheckpointNanos >= config.checkpointInterval().toNanos();
        boolean eventsDue = config.checkpointEvents() > 0
                && progress.nextEvent() - current.checkpointedEvent >= config.checkpointEvents();
        if ((timeDue || eventsDue) && current.uploading.compareAndSet(false, true)) {
            current.lastCheckpointNanos = now;
            BatchCheckpoint snapshot = BatchCheckpoint.of(task, progress);
            uploader.execute(() -> {
                try {
                    storeAndReport(current, snapshot, REPORT);
                } finally {
                    current.uploading.set(false);
                }
            });
        }
    }

    /** Uploads, then reports the key (a reader never sees a key before its object). Never throws. */
    private boolean storeAndReport(ActiveTask current, BatchCheckpoint snapshot, CallPolicy policy) {
        CheckpointStore.Written written;
        try {
            written = checkpoints.write(current.writeKey, snapshot);
            current.checkpointedEvent = snapshot.nextEvent();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "checkpoint upload to " + current.writeKey + " failed: " + e.getMessage());
            return false;
        }
        try {
            client.checkpoint(workerId, current.ref, written.key(), written.nextEvent(), written.sha256(), policy);
            LOG.log(Level.DEBUG, "checkpoint " + written.key() + " at event " + written.nextEvent());
            return true;
        } catch (LeaseLostException e) {
            LOG.log(Level.WARNING, "task " + current.ref.taskId() + ": lease lost (" + e.getMessage() + "); abandoning it");
            current.abandoned = true;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not report checkpoint " + written.key() + ": " + e.getMessage());
        }
        return false;
    }

    /** A simulated batch whose result waits to be sent. */
    private record Finished(ActiveTask task, BatchExecutor.Run run) {
    }

    /**
     * Sends every result waiting at this moment: one the usual way, several (the service was
     * slower than the simulation) in one bulk request.
     */
    private void completeFinished() {
        List<Finished> batch = new ArrayList<>();
        finished.drainTo(batch, MAX_RESULTS_PER_REQUEST);
        if (!finished.isEmpty()) {
            completer.execute(this::completeFinished);
        }
        if (batch.size() == 1) {
            complete(batch.getFirst().task(), batch.getFirst().run());
        } else if (batch.size() > 1) {
            completeAll(batch);
        }
    }

    private void completeAll(List<Finished> batch) {
        List<BulkCompleteItem> results = new ArrayList<>(batch.size());
        for (Finished item : batch) {
            results.add(new BulkCompleteItem(item.task().ref.taskId(), item.task().ref.leaseToken(), item.run().result()));
        }
        List<BulkCompleteAnswer> answers;
        try {
            answers = client.completeAll(workerId, results, stopping ? COMPLETE_WHILE_STOPPING : COMPLETE);
        } catch (ServiceException e) {
            // An older service without the bulk endpoint, or a refused request: one by one.
            LOG.log(Level.INFO, "bulk completion refused (" + e.getMessage() + "); sending the results one by one");
            batch.forEach(item -> complete(item.task(), item.run()));
            return;
        } catch (ServiceUnavailableException e) {
            LOG.log(Level.WARNING, batch.size() + " results: the service did not take them (" + e.getMessage()
                    + "); their leases will expire and the batches run again");
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            Finished item = batch.get(i);
            BulkCompleteAnswer answer = i < answers.size() ? answers.get(i) : null;
            long taskId = item.task().ref.taskId();
            if (answer != null && answer.status() == 200) {
                LOG.log(Level.INFO, "task " + taskId + " complete: " + item.run().result().events() + " events in "
                        + item.run().result().wallTimeMillis() + " ms" + (answer.stepCompleted() ? " (step completed)" : ""));
                if (checkpoints != null) {
                    uploader.execute(() -> deleteCheckpoints(item.task().task()));
                }
            } else if (answer != null && answer.status() == 409) {
                LOG.log(Level.WARNING, "task " + taskId + ": result refused, the lease is no longer ours (" + answer.detail() + ")");
            } else {
                String why = answer == null ? "no answer for it" : answer.status() + ": " + answer.detail();
                LOG.log(Level.ERROR, "task " + taskId + ": the result was refused (" + why + ")");
                try {
                    client.fail(workerId, item.task().ref, "result refused: " + why, false, REPORT);
                } catch (RuntimeException reportFailure) {
                    LOG.log(Level.WARNING, "could not report the failure of task " + taskId + ": " + reportFailure.getMessage());
                }
            }
        }
    }

    private void complete(ActiveTask current, BatchExecutor.Run run) {
        long taskId = current.ref.taskId();
        try {
            CompleteResponse completion = client.complete(workerId, current.ref, run.result(),
                    stopping ? COMPLETE_WHILE_STOPPING : COMPLETE);
            LOG.log(Level.INFO, "task " + taskId + " complete: " + run.result().events() + " events in "
                    + run.result().wallTimeMillis() + " ms" + (completion.stepCompleted() ? " (step completed)" : ""));
            if (checkpoints != null) {
                // Off the simulation path; the next upload of this batch can only come from a new lease.
                uploader.execute(() -> deleteCheckpoints(current.task()));
            }
        } catch (LeaseLostException e) {
            LOG.log(Level.WARNING, "task " + taskId + ": result refused, the lease is no longer ours (" + e.getMessage() + ")");
        } catch (ServiceUnavailableException e) {
            LOG.log(Level.WARNING, "task " + taskId + ": the service did not take the result (" + e.getMessage()
                    + "); the lease will expire and the batch run again");
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "task " + taskId + ": the result was refused", e);
            try {
                client.fail(workerId, current.ref, "result refused: " + e.getMessage(), false, REPORT);
            } catch (RuntimeException reportFailure) {
                LOG.log(Level.WARNING, "could not report the failure of task " + taskId + ": " + reportFailure.getMessage());
            }
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

    /** Stopped by SIGTERM: final checkpoint, then release the lease as preempted. */
    private void preempted(ActiveTask current, BatchRunner.Progress progress) {
        awaitUploads();
        long taskId = current.ref.taskId();
        if (checkpoints != null && progress.nextEvent() > current.checkpointedEvent) {
            storeAndReport(current, BatchCheckpoint.of(current.task(), progress), SHUTDOWN);
        }
        LOG.log(Level.INFO, "task " + taskId + " preempted at event " + progress.nextEvent() + " of ["
                + current.task().eventFrom() + ", " + current.task().eventTo() + "), checkpoint at "
                + current.checkpointedEvent);
        if (!current.abandoned) {
            releaseQuietly(current.ref);
        }
    }

    /**
     * A stopping worker hands back whatever the service still counts as its leases: above all a
     * task a long-poll took for it while it was stopping (the answer never arrived), which would
     * otherwise wait for its lease to expire. Results already sent were answered before this.
     */
    private void releaseEverything() {
        if (!stopping || workerId == null) {
            return;
        }
        try {
            client.release(workerId, List.of(), ReleaseRequest.SHUTDOWN, SHUTDOWN);
        } catch (RuntimeException e) {
            LOG.log(Level.INFO, "could not hand back the remaining leases (" + e.getMessage() + "); they will expire");
        }
    }

    private void releaseQuietly(LeaseReference ref) {
        try {
            client.release(workerId, List.of(ref), ReleaseRequest.PREEMPTED, SHUTDOWN);
            LOG.log(Level.INFO, "released task " + ref.taskId());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not release task " + ref.taskId() + " (" + e.getMessage()
                    + "); its lease will expire");
        }
    }

    private void heartbeat() {
        ActiveTask current = active.get();
        List<LeaseReference> leases = current == null ? List.of() : List.of(current.ref.withEventsDone(current.eventsDone));
        try {
            Set<Long> abandon = client.heartbeat(workerId, leases, SHUTDOWN);
            if (current != null && abandon.contains(current.ref.taskId())) {
                LOG.log(Level.INFO, "the service asks to abandon task " + current.ref.taskId());
                current.abandoned = true;
            }
        } catch (RuntimeException e) {
            LOG.log(Level.INFO, "heartbeat failed: " + e.getMessage());
        }
    }

    /** Waits for a checkpoint upload in flight, so uploads never overtake each other or a deletion. */
    private void awaitUploads() {
        try {
            uploader.submit(() -> { }).get(UPLOAD_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            LOG.log(Level.WARNING, "a checkpoint upload did not finish in time: " + e);
        }
    }

    private void pause(Duration duration) {
        try {
            stopSignal.get(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // paused long enough
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // stopping
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
