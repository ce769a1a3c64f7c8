package dev.detopt.service.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code count} worker processes ({@code java -jar detopt-worker.jar}) running on this
 * machine: the zero-setup local mode. A process that exits is started again after a short delay
 * (its lease expires or was released and another worker resumes the batch from its checkpoint);
 * exits other than by our own stop are reported to {@link WorkerEvents}: a SIGKILL (exit 137) or
 * SIGTERM (143, or 0 when the worker stopped cleanly) from outside counts as a preemption, any
 * other code as a crash. Closing sends SIGTERM to all of them, waits for their checkpoints and
 * releases, and kills what is left after the stop timeout. Workers also stop by themselves when
 * this JVM dies ({@code DETOPT_EXIT_WITH_PID}), so a killed service leaves no orphans.
 *
 * <p>With {@code on-demand} the processes follow the queue instead, through the same
 * {@link ScalingPolicy} as the Kubernetes launcher: none while nothing is queued, one per
 * outstanding task up to {@code count} at once, and idle ones (holding no lease) stopped with
 * SIGTERM once the work has stayed below the running processes for {@code idle-timeout}.
 */
public final class LocalWorkerLauncher implements WorkerLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(LocalWorkerLauncher.class);

    private final WorkerLauncherProperties.Local settings;
    private final Supplier<Map<String, String>> environment;
    private final WorkerEvents events;
    private final List<Slot> slots = new ArrayList<>();
    private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "detopt-local-workers");
        thread.setDaemon(true);
        return thread;
    });
    private final ScalingPolicy onDemand;
    private final Clock clock;
    private volatile boolean closing;
    private Path jar;

    /** One supervised process position; {@code process} is replaced on each restart. */
    private static final class Slot {
        final int index;
        volatile Process process;
        volatile String state = "not started";
        /** Stopped because idle (on demand): its exit is neither reported nor restarted. */
        volatile boolean retiring;
        int starts;

        Slot(int index) {
            this.index = index;
        }

        String name() {
            return "local-" + index;
        }
    }

    /**
     * @param environment the worker's environment (service URL, token, S3), computed at start when
     *                    the service's port is known
     */
    public LocalWorkerLauncher(WorkerLauncherProperties.Local settings, Supplier<Map<String, String>> environment,
                               WorkerEvents events) {
        this(settings, environment, events, Clock.systemUTC());
    }

    LocalWorkerLauncher(WorkerLauncherProperties.Local settings, Supplier<Map<String, String>> environment,
                        WorkerEvents events, Clock clock) {
        this.settings = settings;
        this.environment = environment;
        this.events = events;
        this.clock = clock;
        this.onDemand = settings.onDemand() && settings.count() > 0
                ? new ScalingPolicy(0, settings.count(), 1, settings.idleTimeout()) : null;
    }

    @Override
    public String mode() {
        return "local";
    }

    @Override
    public synchronized void start() {
        if (settings.count() <= 0) {
            LOG.info("local workers disabled (detopt.workers.local.count=0)");
            return;
        }
        jar = findJar(settings.jar());
        if (jar == null) {
            LOG.warn("no worker jar found ({}); build it with ./mvnw -pl worker -am package -DskipTests or set "
                    + "detopt.workers.local.jar; no local workers started", settings.jar() == null
                    ? "looked for worker/target/detopt-worker.jar and detopt-worker.jar" : settings.jar());
            return;
        }
        try {
            Files.createDirectories(settings.logDirectory());
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the worker log directory " + settings.logDirectory(), e);
        }
        if (onDemand != null) {
            LOG.info("local workers on demand: up to {} from {}, idle ones stopped after {}; logs in {}", settings.count(),
                    jar, settings.idleTimeout(), settings.logDirectory());
            return;
        }
        for (int i = 0; i < settings.count(); i++) {
            Slot slot = new Slot(i);
            slots.add(slot);
            launch(slot);
        }
        LOG.info("started {} local worker(s) from {}; logs in {}", settings.count(), jar, settings.logDirectory());
    }

    static Path findJar(Path configured) {
        if (configured != null) {
            return Files.isRegularFile(configured) ? configured.toAbsolutePath() : null;
        }
        // Relative to the working directory only (the repository root for ./run-local): service
        // tests run in optimizer-service/ and must not pick up a built worker by accident.
        for (Path candidate : List.of(Path.of("worker", "target", "detopt-worker.jar"), Path.of("detopt-worker.jar"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        return null;
    }

    private int threadsPerWorker() {
        if (settings.threads() > 0) {
            return settings.threads();
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, settings.count()));
    }

    private synchronized void launch(Slot slot) {
        if (closing || slot.retiring) {
            return;
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(settings.javaOptions());
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("DETOPT_"));
        env.putAll(environment.get());
        env.put("DETOPT_WORKER_ID", slot.name());
        env.put("DETOPT_WORKER_THREADS", Integer.toString(threadsPerWorker()));
        env.put("DETOPT_CHECKPOINT_INTERVAL", Double.toString(settings.checkpointInterval().toMillis() / 1000.0));
        env.put("DETOPT_EXIT_WITH_PID", Long.toString(ProcessHandle.current().pid()));
        Path log = settings.logDirectory().resolve("worker-" + slot.index + ".log");
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            Process process = builder.start();
            slot.process = process;
            slot.starts++;
            LOG.info("worker {} started, pid {}{}", slot.name(), process.pid(), slot.starts > 1 ? " (restart " + (slot.starts - 1) + ")" : "");
            process.onExit().thenAccept(exited -> exited(slot, exited));
        } catch (IOException e) {
            slot.process = null;
            slot.state = "failed to start: " + e.getMessage();
            LOG.error("cannot start worker {}: {}", slot.name(), e.getMessage());
            scheduleRestart(slot);
        }
    }

    private void exited(Slot slot, Process process) {
        int code = process.exitValue();
        if (closing) {
            return;
        }
        if (slot.retiring) {
            synchronized (this) {
                slots.remove(slot);
            }
            LOG.info("idle worker {} stopped (exit {})", slot.name(), code);
            return;
        }
        switch (code) {
            case 0, 143 -> events.preempted(slot.name(), "localhost", "terminated (SIGTERM), exit " + code);
            case 137 -> events.preempted(slot.name(), "localhost", "killed (SIGKILL)");
            default -> events.crashed(slot.name(), "localhost", "exit code " + code + ", see "
                    + settings.logDirectory().resolve("worker-" + slot.index + ".log"), code);
        }
        scheduleRestart(slot);
    }

    private void scheduleRestart(Slot slot) {
        if (!closing) {
            restarts.schedule(() -> launch(slot), settings.restartDelay().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Fixed count: nothing to do (idle workers only long-poll). On demand: start or stop processes. */
    @Override
    public synchronized void reconcile(WorkerDemand.Demand work) {
        if (onDemand == null || jar == null || closing) {
            return;
        }
        List<Slot> active = slots.stream().filter(slot -> !slot.retiring).toList();
        int current = active.size();
        int busy = (int) active.stream().filter(slot -> work.busyWorkers().contains(slot.name())).count();
        int desired = onDemand.desired(current, work, clock.instant(), () -> busy);
        if (desired > current) {
            LOG.info("starting {} local worker(s) for {} queued and {} leased tasks", desired - current, work.queued(), work.leased());
            for (int i = current; i < desired; i++) {
                Slot slot = new Slot(freeIndex());
                slots.add(slot);
                launch(slot);
            }
        } else if (desired < current) {
            List<Slot> idle = active.stream().filter(slot -> !work.busyWorkers().contains(slot.name()))
                    .sorted(Comparator.comparingInt((Slot slot) -> slot.index).reversed()).toList();
            // The policy never goes below the busy ones: only idle processes are stopped.
            for (Slot slot : idle.subList(0, current - desired)) {
                slot.retiring = true;
                Process process = slot.process;
                if (process != null && process.isAlive()) {
                    LOG.info("stopping idle worker {} (pid {})", slot.name(), process.pid());
                    process.destroy();
                } else {
                    slots.remove(slot);
                }
            }
        }
    }

    /** The lowest slot index not in use, so names stay local-0 … local-(count-1). */
    private int freeIndex() {
        for (int index = 0; ; index++) {
            int candidate = index;
            if (slots.stream().noneMatch(slot -> slot.index == candidate)) {
                return candidate;
            }
        }
    }

    @Override
    public synchronized List<WorkerInstance> instances() {
        return slots.stream().map(slot -> {
            Process process = slot.process;
            if (process == null) {
                return new WorkerInstance(slot.name(), -1, slot.state);
            }
            return new WorkerInstance(slot.name(), process.pid(),
                    process.isAlive() ? "running" : "exited(" + process.exitValue() + ")");
        }).toList();
    }

    @Override
    public void close() {
        List<Process> running;
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            restarts.shutdownNow();
            running = slots.stream().map(slot -> slot.process).filter(p -> p != null && p.isAlive()).toList();
        }
        if (running.isEmpty()) {
            return;
        }
        LOG.info("stopping {} local worker(s)", running.size());
        running.forEach(Process::destroy);
        CompletableFuture<?> all = CompletableFuture.allOf(running.stream().map(Process::onExit)
                .toArray(CompletableFuture[]::new));
        try {
            all.get(settings.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception timedOut) {
            running.stream().filter(Process::isAlive).forEach(p -> {
                LOG.warn("worker pid {} did not stop within {}; killing it", p.pid(), settings.stopTimeout());
                p.destroyForcibly();
            });
        }
    }

    /** For tests: the process of slot {@code index} (null when there is no such slot). */
    synchronized Process process(int index) {
        return slots.stream().filter(slot -> slot.index == index).map(slot -> slot.process).findFirst().orElse(null);
    }

    Duration restartDelay() {
        return settings.restartDelay();
    }
}
