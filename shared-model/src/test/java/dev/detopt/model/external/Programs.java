package dev.detopt.model.external;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real programs the tests run: the examples and the misbehaving test program. */
final class Programs {
    static final Path EXAMPLES = Path.of("..", "examples", "simulators").toAbsolutePath().normalize();
    static final Path EM_SHOWER = EXAMPLES.resolve("python").resolve("em_shower.py");
    static final Path MISBEHAVING = Path.of("src", "test", "resources", "simulators", "misbehaving.py").toAbsolutePath();
    static final Path REGISTRY = EXAMPLES.resolve("registry.json");

    private Programs() {
    }

    static SimulatorDeclaration misbehavingDeclaration(boolean deterministic) {
        return new SimulatorDeclaration("misbehaving", "0",
                List.of(new SimulatorDeclaration.Parameter("x", null, 0.0, null, null)),
                List.of("y", "y.squared", "x"), new SimulatorDeclaration.Capabilities(false, false, deterministic));
    }

    static SimulatorRegistration misbehaving(String name, String mode, String... more) {
        List<String> command = new ArrayList<>(List.of("python3", MISBEHAVING.toString(), mode));
        command.addAll(List.of(more));
        return SimulatorRegistration.ofCommand(name, command, misbehavingDeclaration(!mode.equals("nondeterministic")))
                .withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(20));
    }

    /** Compiles the C example once into target/ and returns its path. */
    static synchronized Path gaussWork() throws IOException, InterruptedException {
        Path binary = Path.of("target", "simulators", "gauss_work").toAbsolutePath();
        Path source = EXAMPLES.resolve("c").resolve("gauss_work.c");
        if (!Files.exists(binary) || Files.getLastModifiedTime(binary).compareTo(Files.getLastModifiedTime(source)) < 0) {
            Files.createDirectories(binary.getParent());
            Process gcc = new ProcessBuilder("gcc", "-O2", "-o", binary.toString(), source.toString(), "-lm")
                    .redirectErrorStream(true).start();
            String output = new String(gcc.getInputStream().readAllBytes());
            if (!gcc.waitFor(120, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
                throw new IllegalStateException("gcc failed: " + output);
            }
        }
        return binary;
    }

    static SimulatorDeclaration gaussWorkDeclaration(int observables, boolean scores) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < observables; i++) {
            names.add("y." + i);
        }
        return new SimulatorDeclaration("gauss-work", "1.0", List.of(
                new SimulatorDeclaration.Parameter("mu", null, 0.0, null, null),
                new SimulatorDeclaration.Parameter("sigma", null, 1.0, 0.0, null)),
                names, new SimulatorDeclaration.Capabilities(true, scores, true));
    }

    static SimulatorRegistration gaussWork(String name, int observables, long work, boolean scores) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(gaussWork().toString(), "--observables", Integer.toString(observables),
                "--work", Long.toString(work)));
        if (scores) {
            command.add("--scores");
        }
        return SimulatorRegistration.ofCommand(name, command, gaussWorkDeclaration(observables, scores));
    }

    static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
