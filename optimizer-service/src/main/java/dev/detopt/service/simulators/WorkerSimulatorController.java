package dev.detopt.service.simulators;

import dev.detopt.model.external.ExternalSimulators;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

/**
 * The registrations workers run programs from (worker role): a registry document
 * {@code {"simulators": [...]}} with every file and API registration in full. A worker fetches it
 * when a task names a simulator its own registry file does not define (docs/simulator-protocol.md §6).
 */
@RestController
public class WorkerSimulatorController {
    private final SimulatorRegistry registry;

    public WorkerSimulatorController(SimulatorRegistry registry) {
        this.registry = registry;
    }

    @GetMapping("/api/v1/workers/simulators")
    public ObjectNode registrations() {
        List<dev.detopt.model.external.SimulatorRegistration> all =
                registry.entries().stream().map(SimulatorRegistry.Entry::registration).toList();
        return ExternalSimulators.registryJson(all);
    }
}
