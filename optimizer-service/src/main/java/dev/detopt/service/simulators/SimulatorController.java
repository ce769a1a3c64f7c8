package dev.detopt.service.simulators;

import dev.detopt.model.external.SimulatorDeclaration;
import dev.detopt.model.external.SimulatorRegistration;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.Simulator;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import dev.detopt.service.domain.NotFoundException;
import dev.detopt.service.web.ApiProblem;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The simulators a study may name. Listing: viewers and up (the launch form); registered programs
 * show their declaration, never their command, environment or image. One registration in full,
 * registering and deleting: admins only (docs/api.md, *Simulators*).
 */
@RestController
@RequestMapping("/api/v1/simulators")
public class SimulatorController {
    /** Largest registration document accepted (a declaration with hundreds of observables fits). */
    static final int MAX_REGISTRATION_CHARS = 256 * 1024;

    private final SimulatorCatalog catalog;
    private final SimulatorRegistry registry;

    public SimulatorController(SimulatorCatalog catalog, SimulatorRegistry registry) {
        this.catalog = catalog;
        this.registry = registry;
    }

    /** One parameter: {@code default}, {@code lower}, {@code upper} only for registered programs. */
    public record ParameterView(String name, String unit, Double defaultValue, Double lower, Double upper) {
    }

    /**
     * {@code source}: {@code builtin}, {@code config} (the registry file) or {@code api}; {@code drawing}:
     * the program's declared drawing hint (absent when it declared none).
     */
    public record SimulatorView(String name, boolean external, String source, String description,
                                List<ParameterView> parameters, List<String> observables, List<String> estimators,
                                @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                                JsonNode drawing) {
    }

    /** A registration in full (admins): the registration document, where it comes from, who made it. */
    public record RegistrationView(String name, String source, String registeredBy, Instant registeredAt,
                                   JsonNode registration) {
    }

    @GetMapping
    public List<SimulatorView> list() {
        Map<String, SimulatorRegistry.Entry> external = new HashMap<>();
        registry.entries().forEach(e -> external.put(e.registration().name(), e));
        List<SimulatorView> views = new ArrayList<>();
        for (String name : catalog.names()) {
            SimulatorRegistry.Entry entry = external.get(name);
            if (entry == null) {
                Simulator simulator = catalog.simulator(name, null);
                List<ParameterView> parameters = new ArrayList<>();
                simulator.parameterNames().forEach(p -> parameters.add(new ParameterView(p, null, null, null, null)));
                views.add(new SimulatorView(name, false, "builtin", null, parameters, simulator.observableNames(),
                        estimators(simulator), null));
            } else {
                views.add(view(entry));
            }
        }
        return views;
    }

    /** One registration in full, command and environment included (admins only). */
    @GetMapping("/{name}")
    public RegistrationView get(@PathVariable String name) {
        return full(registry.find(name).orElseThrow(() -> new NotFoundException("simulator", name)));
    }

    /** Body: a registration (docs/simulator-protocol.md §5). 201; 400 not JSON; 422 per field; 409 name taken. */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<RegistrationView> register(@RequestBody String body) {
        if (body.length() > MAX_REGISTRATION_CHARS) {
            throw new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, "too-large", "Request too large",
                    "a registration may have at most " + MAX_REGISTRATION_CHARS + " characters",
                    List.of(new ApiProblem.FieldError("$", "larger than " + MAX_REGISTRATION_CHARS + " characters")));
        }
        SimulatorRegistry.Entry entry = registry.register(body, currentUser());
        return ResponseEntity.created(URI.create("/api/v1/simulators/" + entry.registration().name())).body(full(entry));
    }

    /** 204; 404 unknown; 409 for a file registration or one an unfinished study names. */
    @DeleteMapping("/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void delete(@PathVariable String name) {
        registry.delete(name);
    }

    private SimulatorView view(SimulatorRegistry.Entry entry) {
        SimulatorRegistration registration = entry.registration();
        SimulatorDeclaration declaration = registration.declaration();
        List<ParameterView> parameters = new ArrayList<>();
        for (SimulatorDeclaration.Parameter p : declaration.parameters()) {
            parameters.add(new ParameterView(p.name(), p.unit(), p.defaultValue(), p.lower(), p.upper()));
        }
        Simulator simulator = catalog.simulator(registration.name(), null);
        return new SimulatorView(registration.name(), true, entry.source().wireName(), registration.description(),
                parameters, simulator.observableNames(), estimators(simulator), declaration.toJson().get("drawing"));
    }

    private static List<String> estimators(Simulator simulator) {
        return simulator.supportedEstimators().stream().sorted().map(EstimatorKind::wireName).toList();
    }

    private static RegistrationView full(SimulatorRegistry.Entry entry) {
        return new RegistrationView(entry.registration().name(), entry.source().wireName(), entry.registeredBy(),
                entry.registeredAt(), entry.registration().toJson());
    }

    private static String currentUser() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication == null || authentication.getName() == null ? "anonymous" : authentication.getName();
    }
}
