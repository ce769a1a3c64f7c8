package dev.detopt.service.loop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Requeues expired leases; safe on every replica at once (rows are taken with SKIP LOCKED). */
@Component
public class LeaseSweeper {
    private static final Logger log = LoggerFactory.getLogger(LeaseSweeper.class);

    private final WorkerQueue queue;

    public LeaseSweeper(WorkerQueue queue) {
        this.queue = queue;
    }

    @Scheduled(fixedDelayString = "${detopt.loop.sweep-interval:1s}", initialDelayString = "${detopt.loop.sweep-interval:1s}")
    public void sweep() {
        try {
            int requeued;
            do {
                requeued = queue.sweepExpiredLeases();
                if (requeued > 0) {
                    log.info("Requeued {} expired leases", requeued);
                }
            } while (requeued >= 1_000);
        } catch (RuntimeException e) {
            // A failed sweep (e.g. the database restarting) is retried at the next tick.
            log.warn("Lease sweep failed: {}", e.toString());
        }
    }
}
