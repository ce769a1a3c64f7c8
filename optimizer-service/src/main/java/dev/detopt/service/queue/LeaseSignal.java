package dev.detopt.service.queue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Wakes lease requests waiting in this JVM when tasks become leasable (enqueued, requeued,
 * resumed): as many waiters as there are new tasks, not all of them, so a thousand idle workers
 * do not stampede the database on every step. Tasks enqueued by another replica are found by
 * {@link QueueWatcher}, one query per interval for the whole JVM.
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

    /** Wakes every waiter. */
    public void signal() {
        lock.lock();
        try {
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes up to {@code tasks} waiters (one per newly leasable task). */
    public void signal(int tasks) {
        lock.lock();
        try {
            generation++;
            for (int i = 0; i < Math.min(tasks, waiting); i++) {
                changed.signal();
            }
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

    /** Wakes up to {@code tasks} waiters once the current transaction has committed (at once outside one). */
    public void signalAfterCommit(int tasks) {
        if (tasks <= 0) {
            return;
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    signal(tasks);
                }
            });
        } else {
            signal(tasks);
        }
    }

    /** Convenience for callers working in milliseconds. */
    public void awaitChangeMillis(long seen, long timeoutMillis) throws InterruptedException {
        awaitChange(seen, TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
    }
}
