package dev.detopt.service.launcher;

import java.util.List;
import java.util.Map;

/**
 * The worker pools the Kubernetes launcher keeps besides its main Deployment: one per container
 * image that external simulators are registered with (docs/simulator-protocol.md §6). The worker
 * runs inside that image; the pool is scaled to its simulators' queued and leased tasks, and to zero
 * when idle.
 */
public interface SimulatorImagePools {

    /** No simulator images: only the main Deployment. */
    SimulatorImagePools NONE = new SimulatorImagePools() {
        @Override
        public List<Pool> pools() {
            return List.of();
        }

        @Override
        public Map<String, WorkerDemand.Demand> demandBySimulator() {
            return Map.of();
        }
    };

    /**
     * @param image      the simulator image (the pod's main container runs the worker in it)
     * @param simulators the registered simulators with that image
     * @param cpu        CPU request and limit of a pod (the first registration's {@code resources}), or null
     * @param memory     memory request and limit of a pod, or null
     */
    record Pool(String image, List<String> simulators, String cpu, String memory) {
        public Pool {
            simulators = List.copyOf(simulators);
        }
    }

    /** The pools wanted now (registrations change at run time). */
    List<Pool> pools();

    /** Queued and leased tasks per simulator their study names. */
    Map<String, WorkerDemand.Demand> demandBySimulator();
}
