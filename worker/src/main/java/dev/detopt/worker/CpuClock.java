package dev.detopt.worker;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * CPU time of this worker: the JVM's process CPU time plus that of its child processes (external
 * simulator programs). The worker runs one batch at a time, so the difference between two readings
 * is what that batch used (with the worker's own small overhead). A child that exits between two
 * readings takes its CPU time with it, so readings are kept monotonic by the caller.
 */
final class CpuClock {
    private CpuClock() {
    }

    /** Nanoseconds of CPU used so far, or -1 when the JVM cannot tell. */
    static long nanos() {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)) {
            return -1;
        }
        long own = os.getProcessCpuTime();
        if (own < 0) {
            return -1;
        }
        long children = ProcessHandle.current().descendants()
                .mapToLong(child -> child.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
        return own + children;
    }
}
