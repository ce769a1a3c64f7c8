package dev.detopt.model.external;

import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Warm programs of one (registered simulator, configuration): a program is started on first use and
 * kept for later batches. A program that failed is never returned to the pool.
 */
final class ProcessPool implements AutoCloseable {
    private final SimulatorRegistration registration;
    private final ObjectNode config;
    private final Deque<SimulatorProcess> idle = new ArrayDeque<>();
    private final List<SimulatorProcess> all = new ArrayList<>();
    private boolean closed;

    ProcessPool(SimulatorRegistration registration, ObjectNode config) {
        this.registration = registration;
        this.config = config.deepCopy();
    }

    SimulatorProcess acquire() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("simulator '" + registration.name() + "' has been shut down");
            }
            while (!idle.isEmpty()) {
                SimulatorProcess process = idle.pollFirst();
                if (process.usable()) {
                    return process;
                }
                all.remove(process);
                process.close();
            }
        }
        SimulatorProcess started = SimulatorProcess.start(registration, config);
        synchronized (this) {
            if (closed) {
                started.close();
                throw new IllegalStateException("simulator '" + registration.name() + "' has been shut down");
            }
            all.add(started);
        }
        return started;
    }

    void release(SimulatorProcess process) {
        synchronized (this) {
            if (!closed && process.usable()) {
                idle.addFirst(process);
                return;
            }
            all.remove(process);
        }
        process.close();
    }

    /** Programs currently running (for tests and diagnostics). */
    synchronized List<Long> pids() {
        return all.stream().filter(SimulatorProcess::usable).map(SimulatorProcess::pid).toList();
    }

    @Override
    public void close() {
        List<SimulatorProcess> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(all);
            all.clear();
            idle.clear();
        }
        toClose.forEach(SimulatorProcess::close);
    }
}
