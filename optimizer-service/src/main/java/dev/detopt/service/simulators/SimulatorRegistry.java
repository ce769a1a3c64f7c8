package dev.detopt.service.simulators;

import dev.detopt.model.external.ExternalSimulators;
import dev.detopt.model.external.SimulatorRegistration;
import dev.detopt.model.study.FieldProblem;
import dev.detopt.model.study.InvalidStudySpecException;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import dev.detopt.model.study.catalog.SimulatorType;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.domain.InvalidInputException;
import dev.detopt.service.domain.MalformedJsonException;
import dev.detopt.service.domain.NotFoundException;
import dev.detopt.service.queue.SimulatorScope;
import dev.detopt.service.web.ApiProblem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Every registered external simulator: those of the deployment's registry file
 * ({@code detopt.simulators}, fixed at start) and those admins registered through the API (the
 * {@code simulator_registrations} table, read anew on every use so all replicas agree). A file
 * registration wins over a stored one of the same name; file registrations cannot be deleted
 * through the API. The service never starts a program: it only validates specs against the
 * declarations and hands the registrations to workers.
 */
public class SimulatorRegistry implements AutoCloseable {

    /** Where a registration comes from. */
    public enum Source {
        CONFIG, API;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A registration with its origin; {@code registeredBy}/{@code registeredAt} only for API ones. */
    public record Entry(SimulatorRegistration registration, Source source, String registeredBy, Instant registeredAt) {
    }

    private final ExternalSimulators configured;
    private final SimulatorRegistrationRepository stored;
    private final boolean allowCommands;
    private final SimulatorCatalog catalog;
    /** The stored rows last read and the adapter built from them (rebuilt when the rows change). */
    private List<SimulatorRegistrationRepository.Row> cachedRows = List.of();
    private ExternalSimulators cachedStored = ExternalSimulators.none();
    private List<SimulatorRegistration> cachedRegistrations = List.of();

    /**
     * @param allowCommands whether API registrations may give a local {@code command} without an
     *                      {@code image} ({@code detopt.simulator-api.allow-commands})
     */
    public SimulatorRegistry(ExternalSimulators configured, SimulatorRegistrationRepository stored, boolean allowCommands) {
        this.configured = configured;
        this.stored = stored;
        this.allowCommands = allowCommands;
        this.catalog = configured.catalog().withLive(this::storedTypes);
    }

    /** Built-in, file and API simulators; the API ones are looked up on every use. */
    public SimulatorCatalog catalog() {
        return catalog;
    }

    public boolean allowCommands() {
        return allowCommands;
    }

    /** File registrations first, then the API ones not shadowed by a file registration, by name. */
    public List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        configured.registrations().forEach(r -> entries.add(new Entry(r, Source.CONFIG, null, null)));
        List<SimulatorRegistrationRepository.Row> rows = stored.all();
        List<SimulatorRegistration> parsed = storedRegistrations(rows);
        for (int i = 0; i < rows.size(); i++) {
            SimulatorRegistration registration = parsed.get(i);
            if (configured.find(registration.name()).isEmpty()) {
                entries.add(new Entry(registration, Source.API, rows.get(i).registeredBy(), rows.get(i).registeredAt()));
            }
        }
        return entries;
    }

    /**
     * The simulators registered with a container image, by image: their tasks go only to worker pods
     * of that image (docs/simulator-protocol.md §6).
     */
    public Map<String, List<SimulatorRegistration>> byImage() {
        Map<String, List<SimulatorRegistration>> images = new TreeMap<>();
        for (Entry entry : entries()) {
            String image = entry.registration().image();
            if (image != null) {
                images.computeIfAbsent(image, i -> new ArrayList<>()).add(entry.registration());
            }
        }
        return images;
    }

    /** Which tasks a worker may lease: those of its image's simulators, or (no image) all but those of any image. */
    public SimulatorScope leaseScope(String workerImage) {
        Map<String, List<SimulatorRegistration>> images = byImage();
        if (workerImage != null && !workerImage.isBlank()) {
            return SimulatorScope.only(images.getOrDefault(workerImage, List.of()).stream()
                    .map(SimulatorRegistration::name).toList());
        }
        return images.isEmpty() ? SimulatorScope.ALL : SimulatorScope.except(images.values().stream()
                .flatMap(List::stream).map(SimulatorRegistration::name).toList());
    }

    public Optional<Entry> find(String name) {
        return entries().stream().filter(e -> e.registration().name().equals(name)).findFirst();
    }

    /**
     * Validates and stores a registration from the API: 400 for what is not JSON, 422 naming each
     * bad field (and a {@code command} without an {@code image} when commands are off), 409 for a
     * taken name.
     */
    public Entry register(String json, String admin) {
        JsonNode node;
        try {
            node = WireJson.mapper().readTree(json);
        } catch (JacksonException e) {
            throw new MalformedJsonException(new FieldProblem("$", "not valid JSON: " + e.getOriginalMessage()));
        }
        List<FieldProblem> problems = new ArrayList<>();
        SimulatorRegistration registration = SimulatorRegistration.parse(node, "$", problems);
        if (registration != null && registration.image() == null && !allowCommands) {
            problems.add(new FieldProblem("command", "this service takes registrations of container images only"
                    + " (detopt.simulator-api.allow-commands=false): give an image, whose worker pods run the command"));
        }
        if (registration != null && SimulatorCatalog.standard().find(registration.name()).isPresent()) {
            problems.add(new FieldProblem("name", "'" + registration.name() + "' is a built-in simulator"));
        }
        if (!problems.isEmpty() || registration == null) {
            throw new InvalidInputException(problems);
        }
        if (configured.find(registration.name()).isPresent()) {
            throw ApiProblem.conflict("name", "simulator '" + registration.name()
                    + "' is defined by the deployment's registry file (detopt.simulators)");
        }
        if (!stored.insert(registration.name(), WireJson.write(registration.toJson()), admin)) {
            throw ApiProblem.conflict("name", "simulator '" + registration.name()
                    + "' is already registered; delete it first to change it");
        }
        return find(registration.name()).orElseThrow();
    }

    /** Deletes an API registration: 404 unknown, 409 file-defined or named by an unfinished study. */
    public void delete(String name) {
        Entry entry = find(name).orElseThrow(() -> new NotFoundException("simulator", name));
        if (entry.source() == Source.CONFIG) {
            throw ApiProblem.conflict("name", "simulator '" + name
                    + "' is defined by the deployment's registry file (detopt.simulators); remove it there");
        }
        long unfinished = stored.unfinishedStudies(name);
        if (unfinished > 0) {
            throw ApiProblem.conflict("name", "simulator '" + name + "' is used by " + unfinished
                    + " unfinished " + (unfinished == 1 ? "study" : "studies") + "; cancel or finish them first");
        }
        if (!stored.delete(name)) {
            throw new NotFoundException("simulator", name);
        }
    }

    private List<SimulatorType<?>> storedTypes() {
        List<SimulatorRegistrationRepository.Row> rows = stored.all();
        ExternalSimulators adapter;
        synchronized (this) {
            storedRegistrations(rows);
            adapter = cachedStored;
        }
        return adapter.types().stream().filter(t -> configured.find(t.name()).isEmpty()).toList();
    }

    /** The stored rows parsed (cached while the rows stay the same). */
    private synchronized List<SimulatorRegistration> storedRegistrations(List<SimulatorRegistrationRepository.Row> rows) {
        if (!rows.equals(cachedRows)) {
            List<SimulatorRegistration> parsed = new ArrayList<>();
            for (SimulatorRegistrationRepository.Row row : rows) {
                try {
                    parsed.add(SimulatorRegistration.parse(WireJson.mapper().readTree(row.registrationJson())));
                } catch (InvalidStudySpecException | JacksonException e) {
                    throw new IllegalStateException("stored registration of simulator '" + row.name()
                            + "' no longer parses: " + e.getMessage(), e);
                }
            }
            ExternalSimulators previous = cachedStored;
            cachedStored = new ExternalSimulators(parsed);
            cachedRegistrations = List.copyOf(parsed);
            cachedRows = List.copyOf(rows);
            previous.close();
        }
        return cachedRegistrations;
    }

    @Override
    public synchronized void close() {
        cachedStored.close();
        configured.close();
    }
}
