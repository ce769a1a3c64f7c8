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
        subcommands = {SimulatorCommand.Describe.class})
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
}
