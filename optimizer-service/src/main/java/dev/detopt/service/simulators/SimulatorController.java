package dev.detopt.service.simulators;

import dev.detopt.model.external.ExternalSimulators;
import dev.detopt.model.external.SimulatorDeclaration;
import dev.detopt.model.external.SimulatorRegistration;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.Simulator;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The simulators a study may name (viewers and up; for the launch form). Registered programs show
 * their declaration, never their command, environment or image.
 */
@RestController
@RequestMapping("/api/v1/simulators")
public class SimulatorController {
    private final SimulatorCatalog catalog;
    private final ExternalSimulators externals;

    public SimulatorController(SimulatorCatalog catalog, ExternalSimulators externals) {
        this.catalog = catalog;
        this.externals = externals;
    }

    /** One parameter: {@code default}, {@code lower}, {@code upper} only for registered programs. */
    public record ParameterView(String name, String unit, Double defaultValue, Double lower, Double upper) {
    }

    public record SimulatorView(String name, boolean external, String description, List<ParameterView> parameters,
                                List<String> observables, List<String> estimators) {
    }

    @GetMapping
    public List<SimulatorView> list() {
        List<SimulatorView> views = new ArrayList<>();
        for (String name : catalog.names()) {
            Simulator simulator = catalog.simulator(name, null);
            List<String> estimators = simulator.supportedEstimators().stream().sorted().map(EstimatorKind::wireName).toList();
            SimulatorRegistration registration = externals.find(name).orElse(null);
            List<ParameterView> parameters = new ArrayList<>();
            if (registration == null) {
                simulator.parameterNames().forEach(p -> parameters.add(new ParameterView(p, null, null, null, null)));
            } else {
                for (SimulatorDeclaration.Parameter p : registration.declaration().parameters()) {
                    parameters.add(new ParameterView(p.name(), p.unit(), p.defaultValue(), p.lower(), p.upper()));
                }
            }
            views.add(new SimulatorView(name, registration != null, registration == null ? null : registration.description(),
                    parameters, simulator.observableNames(), estimators));
        }
        return views;
    }
}
