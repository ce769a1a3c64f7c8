package dev.detopt.service.loop;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Component;

/**
 * Wakes lease requests waiting in this JVM when tasks become leasable here (enqueued, requeued,
 * resumed). Tasks enqueued by another replica are found by the waiters' periodic re-poll.
 */
@Component
public class LeaseSignal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long generation;
    private int waiting;

    public long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    public void signal() {
        lock.lock();
        try {
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the generation differs from {@code seen} or the timeout passes. */
    public void awaitChange(long seen, long timeoutNanos) throws InterruptedException {
        lock.lock();
        waiting++;
        try {
            long remaining = timeoutNanos;
            while (generation == seen && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
        } finally {
            waiting--;
            lock.unlock();
        }
    }

    /** Lease requests waiting right now in this JVM. */
    public int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    /** Convenience for callers working in milliseconds. */
    public void awaitChangeMillis(long seen, long timeoutMillis) throws InterruptedException {
        awaitChange(seen, TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
    }
}
