package dev.detopt.model.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** detopt-sim: the simulators, estimators and reference optimizer on the command line. */
@Command(name = "detopt-sim", mixinStandardHelpOptions = true,
        description = "Simulate detectors, estimate gradients and run reference optimizations.",
        subcommands = {
                CommandLine.HelpCommand.class,
                ProfileCommand.class,
                BenchCommand.class,
                OptimizeCommand.class,
                DemoCommand.class,
                EstimateCommand.class,
                ScanCommand.class,
                SimulatorCommand.class,
        })
public final class DetoptSim implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new DetoptSim());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
