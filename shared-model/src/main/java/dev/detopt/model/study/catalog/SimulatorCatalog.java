package dev.detopt.model.study.catalog;

import dev.detopt.model.branching.BranchingConfig;
import dev.detopt.model.branching.BranchingSimulator;
import dev.detopt.model.calorimeter.CalorimeterConfig;
import dev.detopt.model.calorimeter.CalorimeterSimulator;
import dev.detopt.model.sim.Simulator;
import dev.detopt.model.study.FieldProblem;
import dev.detopt.model.study.InvalidStudySpecException;
import dev.detopt.model.toy.GaussianSimulator;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The single place that knows the concrete simulators: name → configuration JSON → simulator and
 * detector geometry. Everything else (spec validation, engine, worker) goes through here.
 */
public final class SimulatorCatalog {
    private static final SimulatorCatalog STANDARD = new SimulatorCatalog(List.of(branching(), calorimeter(), gaussian()));

    private final Map<String, SimulatorType<?>> fixed = new LinkedHashMap<>();
    /** Entries looked up anew on every use (registrations that change at run time), or null. */
    private final Supplier<? extends Collection<SimulatorType<?>>> live;

    public SimulatorCatalog(Collection<SimulatorType<?>> entries) {
        this(entries, null);
    }

    private SimulatorCatalog(Collection<SimulatorType<?>> entries, Supplier<? extends Collection<SimulatorType<?>>> live) {
        for (SimulatorType<?> type : entries) {
            if (fixed.putIfAbsent(type.name(), type) != null) {
                throw new IllegalArgumentException("duplicate simulator '" + type.name() + "'");
            }
        }
        this.live = live;
    }

    /**
     * This catalogue plus entries that {@code entries} supplies anew on every look-up (the service's
     * registrations through its API). A supplied entry with the name of one of this catalogue's is
     * ignored: fixed entries win.
     */
    public SimulatorCatalog withLive(Supplier<? extends Collection<SimulatorType<?>>> entries) {
        if (live != null) {
            throw new IllegalStateException("this catalogue already has live entries");
        }
        return new SimulatorCatalog(fixed.values(), entries);
    }

    private Map<String, SimulatorType<?>> types() {
        if (live == null) {
            return fixed;
        }
        Map<String, SimulatorType<?>> all = new LinkedHashMap<>(fixed);
        for (SimulatorType<?> type : live.get()) {
            all.putIfAbsent(type.name(), type);
        }
        return all;
    }

    /** The simulators detopt ships. */
    public static SimulatorCatalog standard() {
        return STANDARD;
    }

    /** This catalogue plus more entries (tests register their own simulators this way). */
    public SimulatorCatalog with(SimulatorType<?>... more) {
        List<SimulatorType<?>> all = new ArrayList<>(fixed.values());
        all.addAll(List.of(more));
        return new SimulatorCatalog(all, live);
    }

    public List<String> names() {
        return List.copyOf(types().keySet());
    }

    public Optional<SimulatorType<?>> find(String name) {
        return Optional.ofNullable(types().get(name));
    }

    /** Configures a simulator or throws with every problem (for configurations already validated). */
    public SimulatorType.Configured configure(String name, JsonNode config) {
        List<FieldProblem> problems = new ArrayList<>();
        SimulatorType<?> type = types().get(name);
        if (type == null) {
            problems.add(new FieldProblem("simulator.name", unknownMessage(name)));
            throw new InvalidStudySpecException(problems);
        }
        SimulatorType.Configured configured = type.configure(config, "simulator.config", problems);
        if (configured == null || !problems.isEmpty()) {
            throw new InvalidStudySpecException(problems);
        }
        return configured;
    }

    public Simulator simulator(String name, JsonNode config) {
        return configure(name, config).simulator();
    }

    public String unknownMessage(String name) {
        return "unknown simulator '" + name + "'; known: " + String.join(", ", types().keySet());
    }

    /** Width of the branching shower's detector annulus (its material map reaches r = θ + 10). */
    static final double BRANCHING_ANNULUS_WIDTH = 10.0;

    static SimulatorType<BranchingConfig> branching() {
        return new SimulatorType<>(BranchingSimulator.NAME, BranchingConfig.class, BranchingConfig.defaults(),
                BranchingConfig::problems, BranchingSimulator::new,
                (config, simulator) -> new AnnulusGeometry(simulator.parameterIndex("theta"), BRANCHING_ANNULUS_WIDTH));
    }

    static SimulatorType<CalorimeterConfig> calorimeter() {
        return new SimulatorType<>(CalorimeterSimulator.NAME, CalorimeterConfig.class, CalorimeterConfig.defaults(),
                CalorimeterConfig::problems, CalorimeterSimulator::new,
                (config, simulator) -> new CalorimeterGeometry(config.layers(), config.transverseSizeMm(),
                        simulator.parameterIndex("a"), simulator.parameterIndex("g")));
    }

    static SimulatorType<GaussianSimulator.Config> gaussian() {
        return new SimulatorType<>(GaussianSimulator.NAME, GaussianSimulator.Config.class,
                GaussianSimulator.Config.defaults(), GaussianSimulator.Config::problems, GaussianSimulator::new,
                (config, simulator) -> new LinearVolumeGeometry("body", simulator.parameterIndex("sigma")));
    }

    /** A toy geometry: one material whose volume equals one parameter. */
    record LinearVolumeGeometry(String material, int parameterIndex) implements DetectorGeometry {
        @Override
        public List<String> materials() {
            return List.of(material);
        }

        @Override
        public String volumeUnit() {
            return "units";
        }

        @Override
        public double volume(int materialIndex, double[] theta, double[] gradientOut) {
            java.util.Arrays.fill(gradientOut, 0.0);
            gradientOut[parameterIndex] = 1.0;
            return theta[parameterIndex];
        }

        @Override
        public double channels(double[] theta, double[] gradientOut) {
            java.util.Arrays.fill(gradientOut, 0.0);
            return 0;
        }
    }
}
