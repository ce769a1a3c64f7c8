package dev.detopt.model.cli;

import dev.detopt.model.ad.AdDesignComparison;
import dev.detopt.model.calorimeter.CalorimeterConfig;
import dev.detopt.model.calorimeter.CalorimeterSimulator;
import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.EventEvaluator;
import dev.detopt.model.stats.EventSample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * detopt-sim bench: calorimeter events per second on one core, primal and with three tangents,
 * and the AD overhead ratio, measured in one run. Primal and AD rounds alternate over the same
 * events so that a change in machine load affects both; rates use the thread's CPU time (wall
 * time is printed too). Optionally also compares the AD designs on a small kernel.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the calorimeter simulator on one core: primal and 3-tangent events/s and the AD overhead.")
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--energy-mev", defaultValue = "10000", description = "Primary electron energy in MeV (default ${DEFAULT-VALUE}).")
    double energyMev;

    @Option(names = "--events", defaultValue = "200", description = "Events per round and mode (default ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--rounds", defaultValue = "5", description = "Alternating primal/AD rounds (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup-events", defaultValue = "200", description = "Warm-up events per mode (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--seed", defaultValue = "1", description = "Study seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--ad-designs", description = "Also compare struct-of-arrays tangents with the Dual3 and DualVector types.")
    boolean adDesigns;

    @Option(names = "--config", description = "Calorimeter configuration as JSON, fields left out take their defaults"
            + " (e.g. '{\"deltaRays\": false}'); default: the defaults.")
    String configJson;

    @Option(names = "--format", defaultValue = "table", description = "table or json (default ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() {
        if (!format.equals("table") && !format.equals("json")) {
            throw new ParameterException(spec.commandLine(), "--format must be table or json, was " + format);
        }
        if (events < 1 || rounds < 1 || warmup < 0) {
            throw new ParameterException(spec.commandLine(), "--events and --rounds must be positive");
        }
        CalorimeterConfig config = CalorimeterConfig.defaults();
        if (configJson != null) {
            try {
                config = JsonMapper.builder().build().readValue(configJson, CalorimeterConfig.class);
            } catch (RuntimeException e) {
                throw new ParameterException(spec.commandLine(), "--config is not a calorimeter configuration: " + e.getMessage());
            }
            if (!config.problems().isEmpty()) {
                throw new ParameterException(spec.commandLine(), String.join("; ", config.problems()));
            }
        }
        CalorimeterSimulator sim = new CalorimeterSimulator(config);
        double[] values = {energyMev, CalorimeterSimulator.DEFAULT_POINT[1], CalorimeterSimulator.DEFAULT_POINT[2]};
        EventEvaluator primal = sim.evaluator(new DesignPoint(values, new int[0]), EstimatorSettings.of(EstimatorKind.PATHWISE));
        EventEvaluator tangents = sim.evaluator(new DesignPoint(values, new int[] {0, 1, 2}), EstimatorSettings.of(EstimatorKind.PATHWISE));
        RandomStreams streams = new RandomStreams(seed);
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        simulate(primal, streams, 0, warmup, bean);
        simulate(tangents, streams, 0, warmup, bean);
        double[] primalCpu = new double[rounds];
        double[] tangentCpu = new double[rounds];
        double[] primalWall = new double[rounds];
        double[] tangentWall = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long first = warmup + (long) r * events;
            double[] p = simulate(primal, streams, first, events, bean);
            double[] t = simulate(tangents, streams, first, events, bean);
            primalCpu[r] = p[0];
            primalWall[r] = p[1];
            tangentCpu[r] = t[0];
            tangentWall[r] = t[1];
        }
        double primalRate = events / median(primalCpu);
        double tangentRate = events / median(tangentCpu);
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratios[r] = tangentCpu[r] / primalCpu[r];
        }
        double overhead = median(ratios);
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int cores = Runtime.getRuntime().availableProcessors();
        AdDesignComparison.Result designs = adDesigns ? AdDesignComparison.run(2_000_000, 5) : null;
        PrintWriter out = spec.commandLine().getOut();
        if (format.equals("json")) {
            JsonMapper mapper = JsonMapper.builder().build();
            ObjectNode root = mapper.createObjectNode();
            root.put("energyMev", energyMev);
            root.put("eventsPerRound", events);
            root.put("rounds", rounds);
            root.put("primalEventsPerCpuSecond", primalRate);
            root.put("tangent3EventsPerCpuSecond", tangentRate);
            root.put("adOverhead", overhead);
            root.put("primalEventsPerWallSecond", events / median(primalWall));
            root.put("tangent3EventsPerWallSecond", events / median(tangentWall));
            root.put("loadAverage", load);
            root.put("cores", cores);
            if (designs != null) {
                ObjectNode d = root.putObject("adDesignsNanosPerEvaluation");
                d.put("primal", designs.primalNanos());
                d.put("structOfArrays", designs.structOfArraysNanos());
                d.put("dual3", designs.dual3Nanos());
                d.put("dualVector", designs.dualVectorNanos());
            }
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else {
            out.printf(Locale.ROOT, "calorimeter bench: %.0f MeV e-, default geometry, %d rounds x %d events, one thread%n",
                    energyMev, rounds, events);
            out.printf(Locale.ROOT, "load average %.2f on %d cores (the rates use thread CPU time)%n", load, cores);
            out.printf(Locale.ROOT, "primal     %8.1f events/s per core (wall %8.1f)%n", primalRate, events / median(primalWall));
            out.printf(Locale.ROOT, "3 tangents %8.1f events/s per core (wall %8.1f)%n", tangentRate, events / median(tangentWall));
            out.printf(Locale.ROOT, "AD overhead (3 tangents / primal time, median of rounds) %.2fx; rounds %s%n", overhead,
                    Arrays.toString(Arrays.stream(ratios).map(x -> Math.round(x * 100) / 100.0).toArray()));
            if (designs != null) {
                out.printf(Locale.ROOT, "AD designs, ns per kernel evaluation with 3 tangents (best of 5):%n");
                out.printf(Locale.ROOT, "  primal doubles          %6.1f%n", designs.primalNanos());
                out.printf(Locale.ROOT, "  struct-of-arrays        %6.1f (%.2fx)%n", designs.structOfArraysNanos(),
                        designs.structOfArraysNanos() / designs.primalNanos());
                out.printf(Locale.ROOT, "  Dual3 (immutable)       %6.1f (%.2fx)%n", designs.dual3Nanos(), designs.dual3Nanos() / designs.primalNanos());
                out.printf(Locale.ROOT, "  DualVector (mutable)    %6.1f (%.2fx)%n", designs.dualVectorNanos(),
                        designs.dualVectorNanos() / designs.primalNanos());
            }
        }
        out.flush();
        return 0;
    }

    /** {cpu seconds, wall seconds} for events [first, first + count). */
    private static double[] simulate(EventEvaluator evaluator, RandomStreams streams, long first, int count, ThreadMXBean bean) {
        EventSample sample = new EventSample(evaluator.layout());
        long cpu = bean.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        for (long event = first; event < first + count; event++) {
            sample.clear();
            evaluator.evaluate(streams.event(0, event), sample);
        }
        return new double[] {(bean.getCurrentThreadCpuTime() - cpu) * 1e-9, (System.nanoTime() - wall) * 1e-9};
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }
}
