package dev.detopt.model.cli;

import dev.detopt.model.external.SimulatorDeclaration;
import dev.detopt.model.external.SimulatorFailure;
import dev.detopt.model.external.SimulatorProcess;
import dev.detopt.model.external.SimulatorRegistration;
import dev.detopt.model.study.contract.WireJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code detopt-sim simulator describe}: starts an external simulator program, reads its hello and
 * prints a registration (for a registry file or the admin API) with the declaration filled in.
 */
@Command(name = "simulator", mixinStandardHelpOptions = true,
        description = "Work with external simulator programs (docs/simulator-protocol.md).",
        subcommands = {SimulatorCommand.Describe.class, SimulatorCommand.Bench.class})
public final class SimulatorCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Run a program, read its hello and print a registration for it.")
    static final class Describe implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "Name studies will use (lower-case letters, digits, '-').")
        String name;

        @Option(names = "--start-timeout", defaultValue = "30", description = "Seconds allowed for the hello (default 30).")
        double startTimeoutSeconds;

        @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The program and its arguments (after --).")
        List<String> command;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!SimulatorRegistration.NAME.matcher(name).matches()) {
                err.println("--name must be a lower-case letter followed by lower-case letters, digits or '-'");
                err.flush();
                return 2;
            }
            SimulatorDeclaration placeholder = new SimulatorDeclaration("?", "?", List.of(), List.of("?"),
                    new SimulatorDeclaration.Capabilities(false, false, false));
            SimulatorRegistration probe = new SimulatorRegistration(name, null, command, null, Map.of(), null,
                    Duration.ofMillis(Math.round(startTimeoutSeconds * 1000)), SimulatorRegistration.DEFAULT_BATCH_TIMEOUT,
                    false, placeholder);
            SimulatorDeclaration declaration;
            try {
                declaration = SimulatorProcess.probe(probe);
            } catch (SimulatorFailure e) {
                err.println(e.getMessage());
                err.flush();
                return 1;
            }
            SimulatorRegistration registration = new SimulatorRegistration(name, null, command, null, Map.of(), null,
                    SimulatorRegistration.DEFAULT_START_TIMEOUT, SimulatorRegistration.DEFAULT_BATCH_TIMEOUT, false, declaration);
            ObjectNode json = registration.toJson();
            out.println(WireJson.mapper().writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
            out.flush();
            return 0;
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "Events per second of a registered program through the protocol (the worker's code path), "
                    + "optionally against stand-alone copies of the program run in the same invocation.")
    static final class Bench implements Callable<Integer> {
        @Option(names = "--simulators", required = true, description = "Registry file.")
        java.nio.file.Path registry;

        @Option(names = "--name", required = true, description = "Registered simulator.")
        String name;

        @Option(names = "--config", defaultValue = "{}", description = "Configuration JSON (default {}).")
        String config;

        @Option(names = "--events", defaultValue = "1000000", description = "Events per measurement (default 1,000,000).")
        long events;

        @Option(names = "--threads", defaultValue = "1", description = "Programs run in parallel (default 1).")
        int threads;

        @Option(names = "--chunk", defaultValue = "8192", description = "Events per chunk, as a worker's checkpoint interval (default 8192).")
        int chunk;

        @Option(names = "--repeat", defaultValue = "3", description = "Measurements; the best is reported (default 3).")
        int repeat;

        @Option(names = "--standalone", description = "Also time THREADS concurrent copies of this command line, "
                + "where {events} is replaced by each copy's share of the events, and print the ratio.")
        String standalone;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** THREADS concurrent stand-alone copies; their total events/s, or −1 when one failed. */
        private double standalone(int copies, PrintWriter out) throws Exception {
            long started = System.nanoTime();
            List<Process> running = new java.util.ArrayList<>();
            for (int t = 0; t < copies; t++) {
                long share = events * (t + 1) / copies - events * t / copies;
                running.add(new ProcessBuilder(standalone.replace("{events}", Long.toString(share)).split(" "))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start());
            }
            for (Process copy : running) {
                if (copy.waitFor() != 0) {
                    spec.commandLine().getErr().println("stand-alone copy exited with " + copy.exitValue());
                    return -1;
                }
            }
            return events / ((System.nanoTime() - started) / 1e9);
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (dev.detopt.model.external.ExternalSimulators simulators = dev.detopt.model.external.ExternalSimulators.load(registry)) {
                var simulator = simulators.catalog().simulator(name, WireJson.mapper().readTree(config));
                double[] theta = new double[simulator.parameterNames().size()];
                var declared = simulators.find(name).orElseThrow().declaration().parameters();
                for (int j = 0; j < theta.length; j++) {
                    theta[j] = declared.get(j).defaultValue() == null ? 0.0 : declared.get(j).defaultValue();
                }
                double[] steps = new double[theta.length];
                java.util.Arrays.fill(steps, 0.01);
                var estimator = dev.detopt.model.sim.EstimatorSettings.finiteDifference(steps, true);
                double best = 0;
                List<Double> ratios = new java.util.ArrayList<>();
                for (int r = 0; r < repeat + 1; r++) {
                    long started = System.nanoTime();
                    try (var runner = new dev.detopt.model.sim.BatchRunner(simulator,
                            new dev.detopt.model.sim.DesignPoint(theta, new int[0]), estimator,
                            new dev.detopt.model.random.RandomStreams(r), 0, threads)) {
                        runner.run(new dev.detopt.model.sim.BatchRunner.Progress(0,
                                new dev.detopt.model.stats.SampleAccumulator(runner.layout())), events, chunk, p -> { }, () -> false);
                    }
                    double rate = events / ((System.nanoTime() - started) / 1e9);
                    if (r == 0) {
                        out.printf(java.util.Locale.ROOT, "warm-up: %.0f events/s%n", rate);
                        out.flush();
                        continue;
                    }
                    best = Math.max(best, rate);
                    out.printf(java.util.Locale.ROOT, "run %d: protocol, %d program(s): %.0f events/s (%.0f per program)", r, threads, rate, rate / threads);
                    if (standalone != null) {
                        double alone = standalone(threads, out);
                        if (alone < 0) {
                            return 1;
                        }
                        ratios.add(rate / alone);
                        out.printf(java.util.Locale.ROOT, "; stand-alone, %d copies: %.0f events/s; ratio %.3f", threads, alone, rate / alone);
                    }
                    out.println();
                    out.flush();
                }
                out.printf(java.util.Locale.ROOT, "best through the protocol: %.0f events/s with %d program(s), %d events per chunk%n",
                        best, threads, chunk);
                if (!ratios.isEmpty()) {
                    List<Double> sorted = ratios.stream().sorted().toList();
                    out.printf(java.util.Locale.ROOT, "ratio protocol / stand-alone, pair by pair: min %.3f, median %.3f, max %.3f%n",
                            sorted.getFirst(), sorted.get(sorted.size() / 2), sorted.getLast());
                }
                out.flush();
            }
            return 0;
        }
    }
}
