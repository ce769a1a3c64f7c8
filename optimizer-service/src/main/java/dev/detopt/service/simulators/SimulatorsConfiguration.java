package dev.detopt.service.simulators;

import dev.detopt.model.external.ExternalSimulators;
import dev.detopt.model.study.InvalidStudySpecException;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import dev.detopt.model.external.SimulatorRegistration;
import dev.detopt.service.launcher.SimulatorImagePools;
import dev.detopt.service.launcher.WorkerDemand;
import dev.detopt.service.queue.TaskRepository;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The simulators studies may name: the built-in ones, the external programs an operator registered
 * in the registry file {@code detopt.simulators} (env {@code DETOPT_SIMULATORS}), and those admins
 * registered through {@code POST /api/v1/simulators} (docs/simulator-protocol.md §5).
 * {@code detopt.simulator-api.allow-commands=false} limits API registrations to container images
 * (docs/security.md). The service validates specs against the registrations and never starts a
 * program itself; workers fetch the registrations from {@code GET /api/v1/workers/simulators}.
 */
@Configuration(proxyBeanMethods = false)
public class SimulatorsConfiguration {

    @Bean(destroyMethod = "close")
    SimulatorRegistry simulatorRegistry(@Value("${detopt.simulators:}") String registry,
                                        @Value("${detopt.simulator-api.allow-commands:true}") boolean allowCommands,
                                        SimulatorRegistrationRepository stored) throws IOException {
        ExternalSimulators configured;
        if (registry == null || registry.isBlank()) {
            configured = ExternalSimulators.none();
        } else {
            try {
                configured = ExternalSimulators.load(Path.of(registry));
            } catch (InvalidStudySpecException e) {
                throw new IllegalStateException("invalid simulator registry detopt.simulators=" + registry + ": "
                        + e.getMessage(), e);
            }
        }
        return new SimulatorRegistry(configured, stored, allowCommands);
    }

    @Bean
    SimulatorCatalog simulatorCatalog(SimulatorRegistry registry) {
        return registry.catalog();
    }

    /** The Kubernetes launcher's worker pools: one per registered simulator image. */
    @Bean
    SimulatorImagePools simulatorImagePools(SimulatorRegistry registry, TaskRepository tasks) {
        return new SimulatorImagePools() {
            @Override
            public List<Pool> pools() {
                List<Pool> pools = new ArrayList<>();
                registry.byImage().forEach((image, registrations) -> {
                    SimulatorRegistration.Resources resources = registrations.stream().map(SimulatorRegistration::resources)
                            .filter(Objects::nonNull).findFirst().orElse(null);
                    pools.add(new Pool(image, registrations.stream().map(SimulatorRegistration::name).toList(),
                            resources == null ? null : resources.cpu(), resources == null ? null : resources.memory()));
                });
                return pools;
            }

            @Override
            public Map<String, WorkerDemand.Demand> demandBySimulator() {
                Map<String, WorkerDemand.Demand> demand = new HashMap<>();
                tasks.queuedAndLeasedBySimulator().forEach((simulator, counts) ->
                        demand.put(simulator, new WorkerDemand.Demand(counts.queued(), counts.leased())));
                return demand;
            }
        };
    }
}
