package dev.detopt.worker;

import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.protocol.LeaseGrant;
import dev.detopt.model.study.contract.protocol.LeaseReference;
import dev.detopt.model.study.contract.protocol.RegisterResponse;
import dev.detopt.model.study.contract.protocol.ReleaseRequest;
import dev.detopt.worker.ServiceClient.CallPolicy;
import dev.detopt.worker.ServiceClient.ServiceException;
import dev.detopt.worker.ServiceClient.StoppedException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The worker's lease loop: register, long-poll for a task, simulate it with {@link BatchExecutor}
 * on all threads, heartbeat on a schedule. Checkpoints are the {@link CheckpointSchedule}'s job,
 * results the {@link CompletionSender}'s.
 * {@link #requestStop()} (SIGTERM) makes the running batch stop at its next chunk boundary (chunks
 * last about {@value ChunkPlanner#TARGET_NANOS} ns), writes a final checkpoint, releases the lease
 * as preempted and ends {@link #run()} with exit code 0.
 */
public final class Worker {
    private static final System.Logger LOG = System.getLogger(Worker.class.getName());
    static final int LEASE_WAIT_SECONDS = 20;
    private static final CallPolicy REPORT = new CallPolicy(Duration.ofSeconds(10), false);
    private static final CallPolicy SHUTDOWN = new CallPolicy(Duration.ofSeconds(4), false);
    private static final int MAX_REPLANS_PER_RUN = 3;

    /** Exit codes of {@link #run()}. */
    public static final int EXIT_OK = 0;
    public static final int EXIT_REFUSED = 3;

    private final WorkerConfig config;
    private final ServiceClient client;
    private final CheckpointSchedule checkpoints;
    private final CompletionSender completions;
    private SimulatorCatalog catalog;
    /** The service's registrations, refreshed before tasks naming them; null: the catalogue is fixed. */
    private final WorkerSimulators simulators;
    private final ChunkPlanner planner;
    private BatchExecutor executor;
    private final CompletableFuture<Void> stopSignal;
    private final AtomicReference<ActiveTask> active = new AtomicReference<>();
    private final ScheduledExecutorService heartbeats;
    private volatile boolean stopping;
    private volatile String workerId;

    /**
     * @param checkpoints null to run without checkpoints
     * @param stopSignal  completed by {@link #requestStop()}; the client aborts waits on it
     */
    public Worker(WorkerConfig config, ServiceClient client, CheckpointStore checkpoints, SimulatorCatalog catalog,
                  CompletableFuture<Void> stopSignal) {
        this(config, client, checkpoints, catalog, null, stopSignal);
    }

    /** A worker that also runs the simulators registered at the service ({@link WorkerSimulators}). */
    Worker(WorkerConfig config, ServiceClient client, CheckpointStore checkpoints, WorkerSimulators simulators,
           CompletableFuture<Void> stopSignal) {
        this(config, client, checkpoints, simulators.catalog(), simulators, stopSignal);
    }

    private Worker(WorkerConfig config, ServiceClient client, CheckpointStore checkpoints, SimulatorCatalog catalog,
                   WorkerSimulators simulators, CompletableFuture<Void> stopSignal) {
        this.config = config;
        this.client = client;
        this.catalog = catalog;
        this.simulators = simulators;
        this.planner = new ChunkPlanner(config.threads());
        this.stopSignal = stopSignal;
        this.checkpoints = new CheckpointSchedule(config, client, checkpoints, () -> workerId,
                Executors.newSingleThreadExecutor(daemon("detopt-checkpoint")));
        this.completions = new CompletionSender(client, this.checkpoints, () -> workerId, () -> stopping,
                Executors.newSingleThreadExecutor(daemon("detopt-complete")));
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(daemon("detopt-heartbeat"));
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
            try {
                // Results on their way are delivered (or given up) before the worker exits, then
                // the last deletions of finished checkpoints run before the store is closed.
                completions.close();
                releaseEverything();
                checkpoints.close();
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
            useServiceRegistrations(task.simulator());
            BatchRunner.Progress resume = checkpoints.resumeFrom(current, () -> stopping);
            if (stopping || current.abandoned) {
                // Stopped while waiting for the object store: nothing done, the lease goes back as it came.
                if (!current.abandoned) {
                    releaseQuietly(current.ref);
                }
                return;
            }
            BatchExecutor.Run run = simulate(current, resume);
            current.runEnded = run.completed() || current.abandoned;
            if (run.completed()) {
                // Uploads of this batch end before its completion is sent (none may land after the deletion).
                checkpoints.awaitUploads();
                current.finalCpuSeconds = current.cpuSeconds();
                completions.submit(current, run);
            } else if (current.abandoned) {
                LOG.log(Level.INFO, "task " + lease.taskId() + " abandoned at event " + run.progress().nextEvent()
                        + " as the service asked");
            } else {
                preempted(current, run.progress());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "task " + lease.taskId() + " failed", e);
            try {
                client.fail(workerId, current.ref, e, current.cpuSeconds(), REPORT);
            } catch (RuntimeException reportFailure) {
                LOG.log(Level.WARNING, "could not report the failure of task " + lease.taskId() + ": "
                        + reportFailure.getMessage());
            }
        } finally {
            active.set(null);
        }
    }

    /** Fetches the service's registrations when the task names a simulator of theirs; throws when it cannot run here. */
    private void useServiceRegistrations(String simulator) {
        if (simulators == null) {
            return;
        }
        if (simulators.refreshFor(simulator)) {
            catalog = simulators.catalog();
            executor = new BatchExecutor(catalog, config.threads(), workerId);
        }
        simulators.unavailable(simulator).ifPresent(reason -> {
            throw new IllegalStateException(reason);
        });
    }

    /** Runs the batch, re-planning the chunk size when chunks are far from their target length. */
    private BatchExecutor.Run simulate(ActiveTask current, BatchRunner.Progress resumeFrom) {
        BatchTask task = current.task;
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
        BatchTask task = current.task;
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
        checkpoints.afterChunk(current, progress, now);
    }

    /** Stopped by SIGTERM: final checkpoint, then release the lease as preempted. */
    private void preempted(ActiveTask current, BatchRunner.Progress progress) {
        checkpoints.finalCheckpoint(current, progress, SHUTDOWN);
        long taskId = current.taskId();
        LOG.log(Level.INFO, "task " + taskId + " preempted at event " + progress.nextEvent() + " of ["
                + current.task.eventFrom() + ", " + current.task.eventTo() + "), checkpoint at "
                + current.checkpointedEvent);
        if (!current.abandoned) {
            releaseQuietly(current.refWithCpu());
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
        List<LeaseReference> leases = current == null ? List.of()
                : List.of(current.refWithCpu().withEventsDone(current.eventsDone));
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
