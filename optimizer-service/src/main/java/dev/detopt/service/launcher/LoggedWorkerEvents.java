package dev.detopt.service.launcher;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Default {@link WorkerEvents}: a log line and the counters {@code detopt.worker.preemptions} and
 * {@code detopt.worker.crashes} (tagged by reason class) on {@code /actuator/prometheus}.
 */
public final class LoggedWorkerEvents implements WorkerEvents {
    private static final Logger LOG = LoggerFactory.getLogger(LoggedWorkerEvents.class);

    private final MeterRegistry meters;

    public LoggedWorkerEvents(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public void preempted(String worker, String node, String reason) {
        LOG.info("worker {} on {} preempted: {}", worker, node, reason);
        if (meters != null) {
            meters.counter("detopt.worker.preemptions", "reason", reasonClass(reason)).increment();
        }
    }

    @Override
    public void crashed(String worker, String node, String reason, int exitCode) {
        LOG.warn("worker {} on {} crashed (exit {}): {}", worker, node, exitCode, reason);
        if (meters != null) {
            meters.counter("detopt.worker.crashes", "reason", reasonClass(reason)).increment();
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
