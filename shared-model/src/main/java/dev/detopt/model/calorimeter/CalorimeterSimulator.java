package dev.detopt.model.calorimeter;

import dev.detopt.model.random.EventRandomness;
import dev.detopt.model.random.StreamPurpose;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.EventEvaluator;
import dev.detopt.model.sim.FiniteDifferenceEvaluator;
import dev.detopt.model.sim.PrimalSimulation;
import dev.detopt.model.sim.Simulator;
import dev.detopt.model.sim.SurrogateEvaluator;
import dev.detopt.model.sim.UnsupportedEstimatorException;
import dev.detopt.model.stats.EventSample;
import dev.detopt.model.stats.SampleLayout;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Simulator B of science.md §4: an electromagnetic shower in a PbWO4 / liquid-argon sampling
 * calorimeter, differentiable in the primary kinetic energy e (MeV), the absorber thickness a (mm)
 * and the gap thickness g (mm). Observables (MeV): absorber.i and gap.i per layer, leakage, visible
 * (sum of the gap deposits) and visible.squared. Pathwise gradients come from forward-mode AD
 * through the whole shower; finite differences and the surrogate estimator rerun the plain simulation.
 */
public final class CalorimeterSimulator implements Simulator {
    public static final String NAME = "calorimeter";
    public static final List<String> PARAMETERS = List.of("e", "a", "g");
    public static final int ENERGY = 0;
    public static final int ABSORBER = 1;
    public static final int GAP = 2;
    /** Default design point: 10 GeV, 2.3 mm PbWO4, 5.7 mm liquid argon. */
    public static final double[] DEFAULT_POINT = {10_000.0, 2.3, 5.7};

    private static final Set<EstimatorKind> SUPPORTED = Set.of(EstimatorKind.PATHWISE, EstimatorKind.FINITE_DIFFERENCE,
            EstimatorKind.SURROGATE);

    private final CalorimeterConfig config;
    private final Material absorber;
    private final Material gap;
    private final MaterialTables tables;
    private final List<String> observables;

    public CalorimeterSimulator(CalorimeterConfig config) {
        this(config, Material.PBWO4, Material.LIQUID_ARGON);
    }

    /** A calorimeter of other materials: the absorber fills the even regions, the active medium the odd ones. */
    public CalorimeterSimulator(CalorimeterConfig config, Material absorber, Material gap) {
        List<String> problems = config.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid calorimeter configuration: " + String.join("; ", problems));
        }
        this.config = config;
        this.absorber = absorber;
        this.gap = gap;
        this.tables = new MaterialTables(config, absorber, gap);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < config.layers(); i++) {
            names.add("absorber." + i);
        }
        for (int i = 0; i < config.layers(); i++) {
            names.add("gap." + i);
        }
        names.add("leakage");
        names.add("visible");
        names.add("visible.squared");
        this.observables = List.copyOf(names);
    }

    public CalorimeterConfig config() {
        return config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> parameterNames() {
        return PARAMETERS;
    }

    @Override
    public List<String> observableNames() {
        return observables;
    }

    /** The absorber and the active medium as categorical choices (docs/study-model.md, categorical parameters). */
    @Override
    public java.util.Map<String, List<String>> categoricalChoices() {
        return java.util.Map.of(
                "absorber", Material.ABSORBERS.stream().map(Material::label).toList(),
                "active", Material.ACTIVE_MEDIA.stream().map(Material::label).toList());
    }

    /** The same calorimeter with the chosen absorber ("absorber") and active medium ("active"). */
    @Override
    public Simulator withChoices(java.util.Map<String, String> chosen) {
        Material newAbsorber = absorber;
        Material newGap = gap;
        for (var choice : chosen.entrySet()) {
            List<Material> offered = switch (choice.getKey()) {
                case "absorber" -> Material.ABSORBERS;
                case "active" -> Material.ACTIVE_MEDIA;
                default -> throw new IllegalArgumentException("the calorimeter has no categorical parameter '"
                        + choice.getKey() + "'");
            };
            Material material = Material.byLabel(choice.getValue()).filter(offered::contains).orElseThrow(
                    () -> new IllegalArgumentException("unknown " + choice.getKey() + " '" + choice.getValue() + "'"));
            if (choice.getKey().equals("absorber")) {
                newAbsorber = material;
            } else {
                newGap = material;
            }
        }
        return newAbsorber == absorber && newGap == gap ? this : new CalorimeterSimulator(config, newAbsorber, newGap);
    }

    @Override
    public Set<EstimatorKind> supportedEstimators() {
        return SUPPORTED;
    }

    public int absorberIndex(int layer) {
        return layer;
    }

    public int gapIndex(int layer) {
        return config.layers() + layer;
    }

    public int leakageIndex() {
        return 2 * config.layers();
    }

    public int visibleIndex() {
        return 2 * config.layers() + 1;
    }

    public int visibleSquaredIndex() {
        return 2 * config.layers() + 2;
    }

    /** PbWO4 volume in cm³ for absorber thickness aMm (see {@link CalorimeterConfig#absorberVolumeCm3}). */
    public double absorberVolumeCm3(double aMm) {
        return config.absorberVolumeCm3(aMm);
    }

    /** Liquid-argon volume in cm³ for gap thickness gMm. */
    public double gapVolumeCm3(double gMm) {
        return config.gapVolumeCm3(gMm);
    }

    /** Readout channels: one per gap layer. */
    public int readoutChannels() {
        return config.readoutChannels();
    }

    @Override
    public EventEvaluator evaluator(DesignPoint point, EstimatorSettings estimator) {
        switch (estimator.kind()) {
            case SCORE, SCORE_BASELINE, STOCHASTIC_AD -> throw new UnsupportedEstimatorException(
                    "estimator '" + estimator.kind().wireName() + "' does not apply to simulator 'calorimeter': "
                            + "θ = (e, a, g) enters through continuous transformations (particle energies and "
                            + "layer-boundary positions) whose path likelihood the simulator does not track; "
                            + "use 'pathwise', 'finite-difference' or 'surrogate'");
            default -> requireSupported(estimator.kind());
        }
        if (point.values().length != PARAMETERS.size()) {
            throw new IllegalArgumentException("calorimeter design points have 3 parameters (e, a, g), got "
                    + point.values().length);
        }
        checkParameters(point.values());
        if (estimator.kind() == EstimatorKind.FINITE_DIFFERENCE || estimator.kind() == EstimatorKind.SURROGATE) {
            ShowerTransport primal = new ShowerTransport(config, tables, new int[0]);
            PrimalSimulation simulation = (theta, random, out) -> {
                checkParameters(theta);
                primal.simulate(theta[ENERGY], theta[ABSORBER], theta[GAP], random.nextLong());
                writeObservables(primal, out, null);
            };
            return estimator.kind() == EstimatorKind.SURROGATE
                    ? new SurrogateEvaluator(simulation, observables.size(), point, estimator)
                    : new FiniteDifferenceEvaluator(simulation, observables.size(), point, estimator);
        }
        return new PathwiseEvaluator(point);
    }

    private void checkParameters(double[] theta) {
        double e = theta[ENERGY];
        double a = theta[ABSORBER];
        double g = theta[GAP];
        if (!(e > 0) || e > CalorimeterConfig.MAX_ENERGY_MEV) {
            throw new IllegalArgumentException("e must be in (0, " + CalorimeterConfig.MAX_ENERGY_MEV + "] MeV, was " + e);
        }
        if (!(a >= 0) || !(g >= 0) || !Double.isFinite(a) || !Double.isFinite(g) || !(a + g > 0)) {
            throw new IllegalArgumentException("a and g must be finite, non-negative and not both zero, were a=" + a + " g=" + g);
        }
    }

    /** Observables (and, if {@code gradient} is not null, their tangents) of the last simulated event. */
    private void writeObservables(ShowerTransport transport, double[] y, double[] gradient) {
        int layers = config.layers();
        int n = transport.tangentCount();
        double visible = 0;
        for (int i = 0; i < layers; i++) {
            y[i] = transport.deposit[2 * i];
            y[layers + i] = transport.deposit[2 * i + 1];
            visible += transport.deposit[2 * i + 1];
        }
        y[2 * layers] = transport.leakage;
        y[2 * layers + 1] = visible;
        y[2 * layers + 2] = visible * visible;
        if (gradient == null || n == 0) {
            return;
        }
        double[] depositTangent = transport.depositTangent;
        int visibleRow = (2 * layers + 1) * n;
        int squaredRow = (2 * layers + 2) * n;
        for (int k = 0; k < n; k++) {
            gradient[visibleRow + k] = 0;
        }
        for (int i = 0; i < layers; i++) {
            for (int k = 0; k < n; k++) {
                double absorber = depositTangent[(2 * i) * n + k];
                double gap = depositTangent[(2 * i + 1) * n + k];
                gradient[i * n + k] = absorber;
                gradient[(layers + i) * n + k] = gap;
                gradient[visibleRow + k] += gap;
            }
        }
        for (int k = 0; k < n; k++) {
            gradient[2 * layers * n + k] = transport.leakageTangent[k];
            gradient[squaredRow + k] = 2 * visible * gradient[visibleRow + k];
        }
    }

    /** Forward-mode AD through the shower: value and n tangents per observable. */
    private final class PathwiseEvaluator implements EventEvaluator {
        private final ShowerTransport transport;
        private final SampleLayout layout;
        private final double e;
        private final double a;
        private final double g;

        PathwiseEvaluator(DesignPoint point) {
            this.transport = new ShowerTransport(config, tables, point.differentiated());
            this.layout = new SampleLayout(observables.size(), point.differentiatedCount(), SampleLayout.GradientForm.DIRECT);
            this.e = point.value(ENERGY);
            this.a = point.value(ABSORBER);
            this.g = point.value(GAP);
        }

        @Override
        public SampleLayout layout() {
            return layout;
        }

        @Override
        public void evaluate(EventRandomness randomness, EventSample out) {
            transport.simulate(e, a, g, randomness.stream(StreamPurpose.SIMULATION).nextLong());
            writeObservables(transport, out.observables, out.gradient);
        }
    }
}
