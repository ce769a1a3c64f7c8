package dev.detopt.service.simulators;

import dev.detopt.model.external.ExternalSimulators;
import dev.detopt.model.study.InvalidStudySpecException;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import java.io.IOException;
import java.nio.file.Path;
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
}
