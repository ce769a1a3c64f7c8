package dev.detopt.worker;

import dev.detopt.model.external.ExternalSimulators;
import dev.detopt.model.external.SimulatorRegistration;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The simulators this worker can run: the built-in ones, the programs of its own registry file
 * ({@code DETOPT_SIMULATORS}, which wins) and those the service knows
 * ({@code GET /api/v1/workers/simulators}), fetched again before each task that names a simulator
 * the file does not define, so a registration made or replaced through the admin API reaches the
 * worker before its next task. A service registration with an {@code image} runs only in that
 * image's worker pods ({@code DETOPT_SIMULATOR_IMAGE}), never on a plain host. Used by one thread
 * at a time (between tasks); closing stops every program.
 */
final class WorkerSimulators implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WorkerSimulators.class.getName());

    private final ExternalSimulators local;
    private final String image;
    private final Supplier<JsonNode> fetch;
    private List<SimulatorRegistration> runnable = List.of();
    private final Map<String, String> elsewhere = new HashMap<>();
    private ExternalSimulators fromService = ExternalSimulators.none();
    private SimulatorCatalog catalog;

    /**
     * @param local the worker's own registry file
     * @param image the image this worker runs in ({@code DETOPT_SIMULATOR_IMAGE}), "" on a plain host
     * @param fetch the service's registry document, or null to run only built-in and file simulators
     */
    WorkerSimulators(ExternalSimulators local, String image, Supplier<JsonNode> fetch) {
        this.local = local;
        this.image = image == null ? "" : image;
        this.fetch = fetch;
        this.catalog = local.catalog();
    }

    SimulatorCatalog catalog() {
        return catalog;
    }

    /**
     * Brings the service's registrations up to date when {@code simulator} is not built in and not
     * in the worker's file. Returns true when the catalogue changed (programs of a replaced
     * registration are stopped).
     */
    boolean refreshFor(String simulator) {
        if (fetch == null || SimulatorCatalog.standard().find(simulator).isPresent() || local.find(simulator).isPresent()) {
            return false;
        }
        List<SimulatorRegistration> fetched = ExternalSimulators.parseRegistry(fetch.get(), null);
        List<SimulatorRegistration> here = new ArrayList<>();
        elsewhere.clear();
        for (SimulatorRegistration registration : fetched) {
            if (local.find(registration.name()).isPresent()) {
                continue;
            }
            if (registration.image() != null && !registration.image().equals(image)) {
                elsewhere.put(registration.name(), "simulator '" + registration.name() + "' runs only in worker pods of image "
                        + registration.image() + (image.isEmpty() ? ", not on this host" : ", not in " + image));
            } else if (registration.command() == null) {
                elsewhere.put(registration.name(), "simulator '" + registration.name()
                        + "' is registered without a command, so no worker can start it");
            } else {
                here.add(registration);
            }
        }
        if (here.equals(runnable)) {
            return false;
        }
        ExternalSimulators previous = fromService;
        fromService = new ExternalSimulators(here);
        runnable = List.copyOf(here);
        catalog = local.catalog().with(fromService.types().toArray(dev.detopt.model.study.catalog.SimulatorType<?>[]::new));
        previous.close();
        LOG.log(System.Logger.Level.INFO, "simulators registered at the service that this worker runs: "
                + here.stream().map(SimulatorRegistration::name).toList());
        return true;
    }

    /** Why this worker cannot run a simulator the service registered, if so. */
    Optional<String> unavailable(String simulator) {
        return Optional.ofNullable(elsewhere.get(simulator));
    }

    @Override
    public void close() {
        fromService.close();
        local.close();
    }
}
