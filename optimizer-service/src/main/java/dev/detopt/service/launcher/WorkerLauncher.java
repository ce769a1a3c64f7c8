package dev.detopt.service.launcher;

import java.util.List;

/**
 * Runs the service's workers somewhere: processes on this machine or pods in Kubernetes. The
 * {@link WorkerFleet} calls {@link #reconcile} every few seconds with the queue's size.
 */
public interface WorkerLauncher extends AutoCloseable {

    /** "local", "kubernetes" or "none". */
    String mode();

    /** Starts what must run from the beginning (local processes, the Deployment). */
    void start();

    /** Matches the fleet to the outstanding work. */
    void reconcile(WorkerDemand.Demand work);

    /** What runs now, for logs, the API and tests. */
    List<WorkerInstance> instances();

    /** Stops every worker gracefully (SIGTERM: checkpoint, release, exit). */
    @Override
    void close();

    /**
     * @param name  process label or pod name
     * @param pid   operating-system pid of a local process, -1 for pods
     * @param state e.g. running, exited(1), Pending, Running
     */
    record WorkerInstance(String name, long pid, String state) {
    }
}
