package dev.detopt.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.model.external.ExternalSimulators;
import dev.detopt.model.external.SimulatorDeclaration;
import dev.detopt.model.external.SimulatorRegistration;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Which registrations from the service a worker takes: fetched only for simulators that are neither
 * built in nor in its own file, its own file winning; image registrations only inside that image;
 * the catalogue rebuilt only when the fetched registrations change.
 */
class WorkerSimulatorsTest {
    static final SimulatorDeclaration DECLARATION = new SimulatorDeclaration("toy", "1",
            List.of(new SimulatorDeclaration.Parameter("x", null, 0.0, null, null)), List.of("y"),
            new SimulatorDeclaration.Capabilities(false, false, true));

    static SimulatorRegistration command(String name, String... command) {
        return SimulatorRegistration.ofCommand(name, List.of(command), DECLARATION);
    }

    static SimulatorRegistration image(String name, String image) {
        return new SimulatorRegistration(name, null, List.of("/opt/toy/run"), image, java.util.Map.of(), null,
                SimulatorRegistration.DEFAULT_START_TIMEOUT, SimulatorRegistration.DEFAULT_BATCH_TIMEOUT, false, DECLARATION);
    }

    private final AtomicReference<List<SimulatorRegistration>> atService = new AtomicReference<>(List.of());
    private final AtomicInteger fetches = new AtomicInteger();

    private JsonNode fetch() {
        fetches.incrementAndGet();
        return ExternalSimulators.registryJson(atService.get());
    }

    @Test
    void builtInAndFileSimulatorsNeedNoFetchAndTheFileWins() {
        ExternalSimulators file = new ExternalSimulators(List.of(command("local-toy", "/usr/local/bin/toy")));
        try (WorkerSimulators simulators = new WorkerSimulators(file, "", this::fetch)) {
            atService.set(List.of(command("local-toy", "/somewhere/else"), command("api-toy", "/usr/bin/api-toy")));
            assertThat(simulators.refreshFor("gaussian")).isFalse();
            assertThat(simulators.refreshFor("local-toy")).isFalse();
            assertThat(fetches).hasValue(0);

            assertThat(simulators.refreshFor("api-toy")).isTrue();
            SimulatorCatalog catalog = simulators.catalog();
            assertThat(catalog.names()).contains("gaussian", "local-toy", "api-toy");
            assertThat(simulators.unavailable("api-toy")).isEmpty();
            // unchanged at the service: the same catalogue (warm programs kept)
            assertThat(simulators.refreshFor("api-toy")).isFalse();
            assertThat(simulators.catalog()).isSameAs(catalog);
            assertThat(fetches).hasValue(2);
            // replaced at the service: a new catalogue
            atService.set(List.of(command("api-toy", "/usr/bin/api-toy", "--v2")));
            assertThat(simulators.refreshFor("api-toy")).isTrue();
            assertThat(simulators.catalog()).isNotSameAs(catalog);
            // deleted at the service: gone from the catalogue
            atService.set(List.of());
            assertThat(simulators.refreshFor("api-toy")).isTrue();
            assertThat(simulators.catalog().names()).doesNotContain("api-toy").contains("local-toy");
        }
    }

    @Test
    void imageRegistrationsRunOnlyInWorkersOfThatImage() {
        atService.set(new ArrayList<>(List.of(image("calo", "registry.example/calo:1"))));
        try (WorkerSimulators plain = new WorkerSimulators(ExternalSimulators.none(), "", this::fetch)) {
            assertThat(plain.refreshFor("calo")).isFalse();
            assertThat(plain.catalog().names()).doesNotContain("calo");
            assertThat(plain.unavailable("calo")).hasValueSatisfying(reason ->
                    assertThat(reason).contains("runs only in worker pods of image registry.example/calo:1", "not on this host"));
        }
        try (WorkerSimulators other = new WorkerSimulators(ExternalSimulators.none(), "registry.example/other:2", this::fetch)) {
            other.refreshFor("calo");
            assertThat(other.unavailable("calo")).hasValueSatisfying(reason -> assertThat(reason).contains("not in registry.example/other:2"));
        }
        try (WorkerSimulators inImage = new WorkerSimulators(ExternalSimulators.none(), "registry.example/calo:1", this::fetch)) {
            assertThat(inImage.refreshFor("calo")).isTrue();
            assertThat(inImage.catalog().names()).contains("calo");
            assertThat(inImage.unavailable("calo")).isEmpty();
        }
    }

    @Test
    void withoutAServiceFetchOnlyBuiltInAndFileSimulatorsRun() {
        try (WorkerSimulators simulators = new WorkerSimulators(ExternalSimulators.none(), "", null)) {
            assertThat(simulators.refreshFor("api-toy")).isFalse();
            assertThat(simulators.catalog().names()).doesNotContain("api-toy");
        }
    }
}
