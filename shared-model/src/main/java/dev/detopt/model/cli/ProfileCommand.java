package dev.detopt.model.cli;

import dev.detopt.model.calorimeter.CalorimeterConfig;
import dev.detopt.model.calorimeter.CalorimeterSimulator;
import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.stats.SampleSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** detopt-sim profile: per-layer mean deposits and mean derivatives of the calorimeter at one design point. */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Simulate events at one design point and print each observable's mean, its standard error "
                + "and the mean derivatives with their standard errors.")
public final class ProfileCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--simulator", defaultValue = "calorimeter", description = "Simulator (calorimeter).")
    String simulator;

    @Option(names = "--energy-mev", defaultValue = "10000", description = "Primary kinetic energy e in MeV (default ${DEFAULT-VALUE}).")
    double energyMev;

    @Option(names = "--absorber-mm", defaultValue = "2.3", description = "PbWO4 absorber thickness a in mm (default ${DEFAULT-VALUE}).")
    double absorberMm;

    @Option(names = "--gap-mm", defaultValue = "5.7", description = "Liquid-argon gap thickness g in mm (default ${DEFAULT-VALUE}).")
    double gapMm;

    @Option(names = "--layers", defaultValue = "50", description = "Number of layers (default ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--particle", defaultValue = "e-", description = "Primary: e-, e+ or gamma (default ${DEFAULT-VALUE}).")
    String particle;

    @Option(names = "--delta-rays", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Møller/Bhabha delta rays above the delta-ray cut (default on; --no-delta-rays: the whole"
                    + " ionisation loss is continuous).")
    boolean deltaRays;

    @Option(names = "--config", description = "Calorimeter configuration as JSON, fields left out take their defaults"
            + " (e.g. '{\"photonCutMev\": 0.1}'); --layers, --particle and --no-delta-rays apply on top.")
    String configJson;

    @Option(names = "--events", defaultValue = "1000", description = "Number of events (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--seed", defaultValue = "1", description = "Study seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--step", defaultValue = "0", description = "Step index in the random-stream key (default ${DEFAULT-VALUE}).")
    long step;

    @Option(names = "--derivatives", split = ",", description = "Parameters to differentiate, e.g. e,a,g (default none).")
    List<String> derivatives = new ArrayList<>();

    @Option(names = "--estimator", defaultValue = "pathwise",
            description = "pathwise, finite-difference or surrogate (default ${DEFAULT-VALUE}).")
    String estimator;

    @Option(names = "--fd-steps", split = ",", defaultValue = "10,0.05,0.1",
            description = "Central-difference steps for e (MeV), a, g (mm) (default ${DEFAULT-VALUE}).")
    double[] finiteDifferenceSteps;

    @Option(names = "--surrogate-widths", split = ",", defaultValue = "500,0.2,0.4",
            description = "Surrogate: widths σ of the design sampling for e (MeV), a, g (mm) (default ${DEFAULT-VALUE}).")
    double[] surrogateWidths;

    @Option(names = "--surrogate-quadratic", description = "Surrogate: also fit a diagonal quadratic term.")
    boolean surrogateQuadratic;

    @Option(names = "--independent-streams", description = "Finite differences without common random numbers.")
    boolean independentStreams;

    @Option(names = "--threads", defaultValue = "1", description = "Worker threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--format", defaultValue = "table", description = "table or json (default ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() {
        if (!simulator.equals(CalorimeterSimulator.NAME)) {
            throw new ParameterException(spec.commandLine(), "unknown simulator '" + simulator + "'; known: calorimeter");
        }
        if (!format.equals("table") && !format.equals("json")) {
            throw new ParameterException(spec.commandLine(), "--format must be table or json, was " + format);
        }
        if (events < 2) {
            throw new ParameterException(spec.commandLine(), "--events must be at least 2");
        }
        CalorimeterConfig base = CalorimeterConfig.defaults();
        if (configJson != null) {
            try {
                base = JsonMapper.builder().build().readValue(configJson, CalorimeterConfig.class);
            } catch (RuntimeException e) {
                throw new ParameterException(spec.commandLine(), "--config is not a calorimeter configuration: " + e.getMessage());
            }
        }
        CalorimeterConfig config = base.withLayers(layers).withParticle(particle);
        if (!deltaRays) {
            config = config.withDeltaRays(false);
        }
        List<String> problems = config.problems();
        if (!problems.isEmpty()) {
            throw new ParameterException(spec.commandLine(), String.join("; ", problems));
        }
        CalorimeterSimulator sim = new CalorimeterSimulator(config);
        int[] differentiated = derivatives.stream().map(String::trim).mapToInt(name -> {
            int index = CalorimeterSimulator.PARAMETERS.indexOf(name);
            if (index < 0) {
                throw new ParameterException(spec.commandLine(), "unknown parameter '" + name + "' in --derivatives; known: "
                        + CalorimeterSimulator.PARAMETERS);
            }
            return index;
        }).sorted().distinct().toArray();
        EstimatorKind kind;
        try {
            kind = EstimatorKind.fromWireName(estimator);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        EstimatorSettings settings = switch (kind) {
            case FINITE_DIFFERENCE -> EstimatorSettings.finiteDifference(finiteDifferenceSteps, !independentStreams);
            case SURROGATE -> EstimatorSettings.surrogate(surrogateWidths, surrogateQuadratic);
            default -> EstimatorSettings.of(kind);
        };
        DesignPoint point = new DesignPoint(new double[] {energyMev, absorberMm, gapMm}, differentiated);
        long start = System.nanoTime();
        SampleSummary summary;
        try (BatchRunner runner = new BatchRunner(sim, point, settings, new RandomStreams(seed), step, threads)) {
            summary = runner.run(0, events).summary();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        PrintWriter out = spec.commandLine().getOut();
        String[] names = Arrays.stream(differentiated).mapToObj(CalorimeterSimulator.PARAMETERS::get).toArray(String[]::new);
        if (format.equals("json")) {
            out.println(json(sim, summary, names, settings, seconds));
        } else {
            table(out, sim, summary, names, settings, seconds);
        }
        out.flush();
        return 0;
    }

    private String json(CalorimeterSimulator sim, SampleSummary summary, String[] names, EstimatorSettings settings, double seconds) {
        JsonMapper mapper = JsonMapper.builder().build();
        ObjectNode root = mapper.createObjectNode();
        root.put("simulator", sim.name());
        ObjectNode point = root.putObject("point");
        point.put("e", energyMev);
        point.put("a", absorberMm);
        point.put("g", gapMm);
        root.set("config", mapper.valueToTree(sim.config()));
        root.put("estimator", settings.kind().wireName());
        root.put("events", summary.events());
        root.put("seed", seed);
        root.put("step", step);
        ArrayNode derivativeNames = root.putArray("derivatives");
        for (String name : names) {
            derivativeNames.add(name);
        }
        ArrayNode observables = root.putArray("observables");
        for (int i = 0; i < sim.observableNames().size(); i++) {
            ObjectNode o = observables.addObject();
            o.put("name", sim.observableNames().get(i));
            o.put("mean", summary.mean()[i]);
            o.put("stderr", summary.meanStderr()[i]);
            ObjectNode gradient = o.putObject("gradient");
            for (int j = 0; j < names.length; j++) {
                ObjectNode d = gradient.putObject(names[j]);
                d.put("mean", summary.gradient(i, j));
                d.put("stderr", summary.gradientStderr(i, j));
            }
        }
        root.put("seconds", seconds);
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private void table(PrintWriter out, CalorimeterSimulator sim, SampleSummary summary, String[] names,
                       EstimatorSettings settings, double seconds) {
        out.printf(Locale.ROOT, "# %s: e = %s MeV, a = %s mm, g = %s mm, %d events, seed %d, %s, %.2f s%n",
                sim.name(), energyMev, absorberMm, gapMm, summary.events(), seed, settings.kind().wireName(), seconds);
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-16s %12s %10s", "observable", "mean[MeV]", "stderr"));
        for (String name : names) {
            String unit = name.equals("e") ? "[MeV/MeV]" : "[MeV/mm]";
            header.append(String.format(Locale.ROOT, " %14s %10s", "d/d" + name + unit, "stderr"));
        }
        out.println(header);
        for (int i = 0; i < sim.observableNames().size(); i++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-16s %12.5g %10.3g",
                    sim.observableNames().get(i), summary.mean()[i], summary.meanStderr()[i]));
            for (int j = 0; j < names.length; j++) {
                row.append(String.format(Locale.ROOT, " %14.5g %10.3g", summary.gradient(i, j), summary.gradientStderr(i, j)));
            }
            out.println(row);
        }
    }
}
