package dev.detopt.worker;

import dev.detopt.model.external.ExternalSimulators;
import dev.detopt.storage.ObjectStore;
import dev.detopt.storage.S3ObjectStore;
import dev.detopt.storage.S3Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import sun.misc.Signal;

/**
 * Entry point of {@code detopt-worker.jar}: reads the environment, connects to the object store
 * (when configured) and runs the {@link Worker} loop until SIGTERM or SIGINT. Exit codes: 0 after
 * a stop request (checkpoint written, leases released), 2 for bad configuration, 3 when the
 * service refuses the worker's token.
 */
public final class WorkerMain {

    private WorkerMain() {
    }

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format",
                System.getProperty("java.util.logging.SimpleFormatter.format",
                        "%1$tFT%1$tT.%1$tLZ %4$s [%3$s] %5$s%6$s%n"));
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            usage(out);
            return 0;
        }
        if (args.length > 0) {
            err.println("detopt-worker takes no arguments, only environment variables; got: " + String.join(" ", args));
            usage(err);
            return 2;
        }
        WorkerConfig config;
        try {
            config = WorkerConfig.from(System::getenv);
        } catch (IllegalArgumentException e) {
            err.println("detopt-worker: " + e.getMessage());
            return 2;
        }
        out.println("detopt-worker starting\n" + config.describe());
        CompletableFuture<Void> stopSignal = new CompletableFuture<>();
        ExternalSimulators externals;
        try {
            String registry = System.getenv("DETOPT_SIMULATORS");
            externals = registry == null || registry.isBlank() ? ExternalSimulators.none() : ExternalSimulators.load(Path.of(registry));
        } catch (IOException | IllegalArgumentException e) {
            err.println("detopt-worker: cannot load the simulator registry DETOPT_SIMULATORS: " + e.getMessage());
            return 2;
        }
        Optional<S3Settings> s3 = config.s3();
        ObjectStore store = s3.map(S3ObjectStore::new).orElse(null);
        String image = System.getenv("DETOPT_SIMULATOR_IMAGE");
        ServiceClient client = new ServiceClient(config.serviceUrl(), config.token(), stopSignal, image);
        WorkerSimulators simulators = new WorkerSimulators(externals, image,
                () -> client.simulators(new ServiceClient.CallPolicy(Duration.ofSeconds(30), true)));
        try {
            Worker worker = new Worker(config, client, store == null ? null : new CheckpointStore(store), simulators,
                    stopSignal);
            onTermination(worker::requestStop);
            exitWithParent(System.getenv("DETOPT_EXIT_WITH_PID"), worker::requestStop);
            return worker.run();
        } finally {
            if (store != null) {
                store.close();
            }
            simulators.close();
        }
    }

    /**
     * SIGTERM (Kubernetes, spot notice, {@code Process.destroy()}) and SIGINT (Ctrl-C) ask the
     * worker to stop instead of ending the JVM, so that it can checkpoint, release its lease and
     * exit 0 by itself.
     */
    private static void onTermination(Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> stop.run());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // Signal not available on this platform: fall back to a hook that runs the same stop.
                Runtime.getRuntime().addShutdownHook(new Thread(stop, "detopt-stop-" + name));
            }
        }
    }

    /** Local workers started by the service stop when it dies, even by SIGKILL: no orphans. */
    private static void exitWithParent(String pid, Runnable stop) {
        if (pid == null || pid.isBlank()) {
            return;
        }
        try {
            ProcessHandle.of(Long.parseLong(pid.trim())).ifPresentOrElse(
                    parent -> parent.onExit().thenRun(stop), stop);
        } catch (NumberFormatException e) {
            System.err.println("detopt-worker: ignoring DETOPT_EXIT_WITH_PID=" + pid + " (not a process id)");
        }
    }

    static void usage(PrintStream out) {
        out.println("Usage: java -jar detopt-worker.jar");
        out.println("Leases simulation batches from the optimizer-service and runs them. Configured by environment:");
        for (Map.Entry<String, String[]> variable : WorkerConfig.VARIABLES.entrySet()) {
            String[] meaning = variable.getValue();
            out.printf("  %-27s %s%s%n", variable.getKey(), meaning[0],
                    meaning[1].isEmpty() ? "" : " (default: " + meaning[1] + ")");
        }
        out.println("Exit codes: 0 stopped by SIGTERM/SIGINT (checkpoint written, lease released), 2 bad configuration,");
        out.println("3 the service refused the worker token.");
    }
}
