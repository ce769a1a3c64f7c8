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
 * The simulators studies may name: the built-in ones plus the external programs an operator
 * registered in the registry file {@code detopt.simulators} (env {@code DETOPT_SIMULATORS};
 * docs/simulator-protocol.md §5). The service validates specs against the registrations and never
 * starts a program itself; local workers get the same file.
 */
@Configuration(proxyBeanMethods = false)
public class SimulatorsConfiguration {

    @Bean(destroyMethod = "close")
    ExternalSimulators externalSimulators(@Value("${detopt.simulators:}") String registry) throws IOException {
        if (registry == null || registry.isBlank()) {
            return ExternalSimulators.none();
        }
        try {
            return ExternalSimulators.load(Path.of(registry));
        } catch (InvalidStudySpecException e) {
            throw new IllegalStateException("invalid simulator registry detopt.simulators=" + registry + ": " + e.getMessage(), e);
        }
    }

    @Bean
    SimulatorCatalog simulatorCatalog(ExternalSimulators externals) {
        return externals.catalog();
    }
}
