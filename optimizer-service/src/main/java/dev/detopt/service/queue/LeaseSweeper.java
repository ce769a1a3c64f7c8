package dev.detopt.service.queue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Requeues expired leases; safe on every replica at once (rows are taken with SKIP LOCKED).
 * {@code detopt.loop.sweeper-enabled=false} leaves it out (the test profile does, so that tests move
 * time themselves: they expire a lease and call {@link TaskQueue#sweepExpiredLeases()}, racing nothing).
 */
@Component
@ConditionalOnProperty(name = "detopt.loop.sweeper-enabled", havingValue = "true", matchIfMissing = true)
public class LeaseSweeper {
    private static final Logger log = LoggerFactory.getLogger(LeaseSweeper.class);

    private final TaskQueue queue;

    public LeaseSweeper(TaskQueue queue) {
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
