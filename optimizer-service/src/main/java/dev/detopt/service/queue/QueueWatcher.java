package dev.detopt.service.queue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * While lease requests wait in this JVM, looks every poll interval for leasable tasks (enqueued
 * by another replica, or missed) and wakes that many waiters: one cheap query per interval
 * however many workers wait.
 */
@Component
public class QueueWatcher {
    private static final Logger log = LoggerFactory.getLogger(QueueWatcher.class);

    private final LeaseSignal signal;
    private final TaskRepository tasks;

    public QueueWatcher(LeaseSignal signal, TaskRepository tasks) {
        this.signal = signal;
        this.tasks = tasks;
    }

    @Scheduled(fixedDelayString = "${detopt.loop.poll-interval:250ms}")
    public void watch() {
        int waiting = signal.waiting();
        if (waiting == 0) {
            return;
        }
        try {
            int leasable = tasks.leasable(waiting);
            if (leasable > 0) {
                signal.signal(leasable);
            }
        } catch (RuntimeException e) {
            log.debug("Queue watch failed: {}", e.toString());
        }
    }
}
