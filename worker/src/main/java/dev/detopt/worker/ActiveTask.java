package dev.detopt.worker;

import dev.detopt.model.study.contract.BatchCheckpoint;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.protocol.LeaseGrant;
import dev.detopt.model.study.contract.protocol.LeaseReference;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** A running lease and what is known about its progress (shared by the lease loop, checkpoints and completions). */
final class ActiveTask {
    final LeaseGrant lease;
    final BatchTask task;
    final LeaseReference ref;
    /** Where this attempt writes its checkpoints (where it resumed from is the lease's {@link LeaseGrant#resumeKey()}). */
    final String writeKey;
    final String kind;
    volatile long eventsDone;
    volatile boolean abandoned;
    volatile boolean replan;
    /** Event the newest stored checkpoint resumes at (eventFrom: none yet). */
    volatile long checkpointedEvent;
    long lastCheckpointNanos;
    long lastChunkNanos;
    int chunkEvents;
    final AtomicBoolean uploading = new AtomicBoolean();
    /** An upload failed and is being retried: newer snapshots wait here for the retry to take them. */
    volatile boolean uploadRetrying;
    final AtomicReference<BatchCheckpoint> newerSnapshot = new AtomicReference<>();
    /** The batch ran to its end or stopped: background upload retries give up. */
    volatile boolean runEnded;
    /** CPU clock reading when the attempt started (-1: no CPU clock). */
    private final long cpuStartNanos = CpuClock.nanos();
    private volatile double cpuSeconds;
    /** The attempt's CPU seconds when its result was ready (sent with the completion). */
    volatile Double finalCpuSeconds;

    ActiveTask(LeaseGrant lease, BatchTask task, int attempt) {
        this.lease = lease;
        this.task = task;
        this.ref = lease.reference();
        // The service says where this attempt's checkpoints go; the same layout when it does not.
        String assigned = task.checkpointKey();
        this.writeKey = assigned == null || assigned.isBlank() ? CheckpointStore.key(task, attempt) : assigned;
        this.kind = ChunkPlanner.kindOf(task);
        this.checkpointedEvent = task.eventFrom();
        this.lastCheckpointNanos = System.nanoTime();
    }

    long taskId() {
        return ref.taskId();
    }

    /** CPU seconds this attempt has used so far (never decreasing), or null when not measurable. */
    Double cpuSeconds() {
        long now = CpuClock.nanos();
        if (cpuStartNanos < 0 || now < 0) {
            return null;
        }
        cpuSeconds = Math.max(cpuSeconds, (now - cpuStartNanos) / 1e9);
        return cpuSeconds;
    }

    /** The lease reference with the CPU seconds used so far. */
    dev.detopt.model.study.contract.protocol.LeaseReference refWithCpu() {
        Double cpu = cpuSeconds();
        return cpu == null ? ref : ref.withCpuSeconds(cpu);
    }
}
