package dev.detopt.worker;

import java.io.PrintStream;
import java.util.Map;

/**
 * Entry point of {@code detopt-worker.jar}. For now it prints its configuration and usage; the
 * lease → simulate → checkpoint → complete loop comes with the worker issue (7).
 */
public final class WorkerMain {

    private WorkerMain() {
    }

    public static void main(String[] args) {
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
        out.println("detopt-worker (placeholder: the task loop is not built yet)");
        out.println(config.describe());
        return 0;
    }

    static void usage(PrintStream out) {
        out.println("Usage: java -jar detopt-worker.jar");
        out.println("Leases simulation batches from the optimizer-service and runs them. Configured by environment:");
        for (Map.Entry<String, String[]> variable : WorkerConfig.VARIABLES.entrySet()) {
            String[] meaning = variable.getValue();
            out.printf("  %-22s %s%s%n", variable.getKey(), meaning[0],
                    meaning[1].isEmpty() ? "" : " (default: " + meaning[1] + ")");
        }
    }
}
