package dev.detopt.service.launcher;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the {@link WorkerLauncher} once the service is ready (its port is known and it serves
 * the worker API), matches it to the {@link WorkerDemand} every reconcile interval, and stops the
 * workers first at shutdown, while the web server still answers their checkpoint and release
 * calls (highest lifecycle phase).
 */
public final class WorkerFleet implements SmartLifecycle, ApplicationListener<ApplicationReadyEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerFleet.class);

    private final WorkerLauncher launcher;
    private final WorkerDemand demand;
    private final Duration interval;
    private ScheduledExecutorService scheduler;
    private volatile boolean running;

    /** @param demand null: the launcher is started but never rescaled */
    public WorkerFleet(WorkerLauncher launcher, WorkerDemand demand, Duration interval) {
        this.launcher = launcher;
        this.demand = demand;
        this.interval = interval;
    }

    @Override
    public synchronized void onApplicationEvent(ApplicationReadyEvent event) {
        if (scheduler != null) {
            return;
        }
        launcher.start();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "detopt-worker-fleet");
            thread.setDaemon(true);
            return thread;
        });
        if (demand == null) {
            LOG.warn("no WorkerDemand bean: the {} launcher is not scaled to queued work", launcher.mode());
            return;
        }
        scheduler.scheduleWithFixedDelay(this::reconcile, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void reconcile() {
        try {
            launcher.reconcile(demand.current());
        } catch (RuntimeException e) {
            LOG.warn("could not match the {} workers to the queue: {}", launcher.mode(), e.toString());
        }
    }

    public WorkerLauncher launcher() {
        return launcher;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        launcher.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stopped before everything else, the web server's graceful shutdown included. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
