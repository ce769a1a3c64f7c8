package dev.detopt.service.launcher;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Default {@link WorkerEvents}: a log line, the counters {@code detopt.worker.preemptions} and
 * {@code detopt.worker.crashes} (tagged by reason class) on {@code /actuator/prometheus}, and the
 * worker's leases handed back at once ({@link LostWorkerLeases}) instead of after their expiry.
 */
public final class LoggedWorkerEvents implements WorkerEvents {
    private static final Logger LOG = LoggerFactory.getLogger(LoggedWorkerEvents.class);

    private final MeterRegistry meters;
    private final LostWorkerLeases lostLeases;

    public LoggedWorkerEvents(MeterRegistry meters, LostWorkerLeases lostLeases) {
        this.meters = meters;
        this.lostLeases = lostLeases;
    }

    @Override
    public void preempted(String worker, String node, String reason) {
        LOG.info("worker {} on {} preempted: {}", worker, node, reason);
        if (meters != null) {
            meters.counter("detopt.worker.preemptions", "reason", reasonClass(reason)).increment();
        }
        takeBackLeases(worker, "preempted: " + reason);
    }

    @Override
    public void crashed(String worker, String node, String reason, int exitCode) {
        LOG.warn("worker {} on {} crashed (exit {}): {}", worker, node, exitCode, reason);
        if (meters != null) {
            meters.counter("detopt.worker.crashes", "reason", reasonClass(reason)).increment();
        }
        takeBackLeases(worker, "crashed: " + reason);
    }

    private void takeBackLeases(String worker, String reason) {
        try {
            int requeued = lostLeases.requeueLeasesOf(worker, reason);
            if (requeued > 0) {
                LOG.info("requeued {} lease(s) of worker {} at once", requeued, worker);
            }
        } catch (RuntimeException e) {
            // The database may be unreachable: the leases then expire and the sweeper takes them back.
            LOG.warn("could not requeue the leases of worker {} now ({}); they expire instead", worker, e.toString());
        }
    }

    /** The reason up to its first colon or space: a small set of tag values (e.g. "OOMKilled"). */
    static String reasonClass(String reason) {
        int end = reason.length();
        for (int i = 0; i < reason.length(); i++) {
            char c = reason.charAt(i);
            if (c == ':' || c == ' ' || c == ',') {
                end = i;
                break;
            }
        }
        return reason.substring(0, end);
    }
}
