package dev.detopt.model.external;

import dev.detopt.model.study.FieldProblem;
import dev.detopt.model.study.InvalidStudySpecException;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import dev.detopt.model.study.catalog.SimulatorType;
import dev.detopt.model.study.contract.WireJson;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's registry of external simulator programs and their warm processes: one pool per
 * (registered name, configuration). {@link #catalog()} adds the registered simulators to the
 * built-in ones, so a study names a registered simulator exactly as it names a built-in one. Close
 * it to stop every program. Thread-safe.
 */
public final class ExternalSimulators implements AutoCloseable {
    private final Map<String, SimulatorRegistration> registrations = new LinkedHashMap<>();
    private final Map<String, ProcessPool> pools = new LinkedHashMap<>();
    private boolean closed;

    public ExternalSimulators(Collection<SimulatorRegistration> registrations) {
        for (SimulatorRegistration registration : registrations) {
            if (SimulatorCatalog.standard().find(registration.name()).isPresent()) {
                throw new IllegalArgumentException("'" + registration.name() + "' is a built-in simulator's name");
            }
            if (this.registrations.putIfAbsent(registration.name(), registration) != null) {
                throw new IllegalArgumentException("simulator '" + registration.name() + "' is registered twice");
            }
        }
    }

    /** No external simulators. */
    public static ExternalSimulators none() {
        return new ExternalSimulators(List.of());
    }

    /**
     * Reads a registry file: {@code {"simulators": [registration, ...]}} (docs/simulator-protocol.md §5).
     * Relative command paths and working directories are taken relative to the file's directory.
     */
    public static ExternalSimulators load(Path file) throws IOException {
        JsonNode root;
        try {
            root = WireJson.mapper().readTree(Files.readString(file));
        } catch (JacksonException e) {
            throw new InvalidStudySpecException(List.of(new FieldProblem("$", "not valid JSON: " + e.getOriginalMessage())));
        }
        return new ExternalSimulators(parseRegistry(root, file.toAbsolutePath().getParent()));
    }

    /**
     * The registrations of a registry document {@code {"simulators": [...]}}, or throws with every
     * problem. Relative command paths and working directories are resolved against {@code base}
     * (null: left as they are).
     */
    public static List<SimulatorRegistration> parseRegistry(JsonNode root, Path base) {
        List<FieldProblem> problems = new ArrayList<>();
        List<SimulatorRegistration> registrations = new ArrayList<>();
        if (root == null || !root.isObject() || !root.path("simulators").isArray() || root.size() != 1) {
            problems.add(new FieldProblem("$", "a registry file is {\"simulators\": [registration, ...]}"));
        } else {
            JsonNode list = root.get("simulators");
            for (int i = 0; i < list.size(); i++) {
                SimulatorRegistration r = SimulatorRegistration.parse(list.get(i), "simulators[" + i + "]", problems);
                if (r != null) {
                    registrations.add(base == null ? r : relativeTo(r, base));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidStudySpecException(problems);
        }
        return registrations;
    }

    /** A registry document {@code {"simulators": [...]}} (the form {@link #parseRegistry} reads). */
    public static ObjectNode registryJson(Collection<SimulatorRegistration> registrations) {
        ObjectNode root = WireJson.mapper().createObjectNode();
        var list = root.putArray("simulators");
        registrations.forEach(r -> list.add(r.toJson()));
        return root;
    }

    private static SimulatorRegistration relativeTo(SimulatorRegistration r, Path base) {
        List<String> command = r.command();
        if (command != null && (command.getFirst().startsWith("./") || command.getFirst().startsWith("../"))) {
            command = new ArrayList<>(command);
            command.set(0, base.resolve(command.getFirst()).normalize().toString());
        }
        String workingDirectory = r.workingDirectory() == null ? null : base.resolve(r.workingDirectory()).normalize().toString();
        return new SimulatorRegistration(r.name(), r.description(), command, r.image(), r.environment(), workingDirectory,
                r.startTimeout(), r.batchTimeout(), r.verifyDeterminism(), r.declaration(), r.resources());
    }

    public List<SimulatorRegistration> registrations() {
        return List.copyOf(registrations.values());
    }

    public Optional<SimulatorRegistration> find(String name) {
        return Optional.ofNullable(registrations.get(name));
    }

    /** The catalogue entries of the registered simulators. */
    public List<SimulatorType<?>> types() {
        List<SimulatorType<?>> types = new ArrayList<>();
        for (SimulatorRegistration registration : registrations.values()) {
            types.add(SimulatorType.open(registration.name(),
                    config -> new ExternalSimulator(registration, () -> pool(registration, config))));
        }
        return types;
    }

    /** The built-in simulators plus the registered ones. */
    public SimulatorCatalog catalog() {
        return SimulatorCatalog.standard().with(types().toArray(SimulatorType<?>[]::new));
    }

    private synchronized ProcessPool pool(SimulatorRegistration registration, ObjectNode config) {
        if (closed) {
            throw new IllegalStateException("the external simulators have been shut down");
        }
        String key = registration.name() + '\n' + WireJson.write(config);
        return pools.computeIfAbsent(key, k -> new ProcessPool(registration, config));
    }

    /** Process ids of the running programs of one simulator (for tests and diagnostics). */
    public synchronized List<Long> runningPids(String name) {
        List<Long> pids = new ArrayList<>();
        pools.forEach((key, pool) -> {
            if (key.startsWith(name + '\n')) {
                pids.addAll(pool.pids());
            }
        });
        return pids;
    }

    /** Stops every program. */
    @Override
    public void close() {
        List<ProcessPool> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(pools.values());
            pools.clear();
        }
        all.forEach(ProcessPool::close);
    }
}
