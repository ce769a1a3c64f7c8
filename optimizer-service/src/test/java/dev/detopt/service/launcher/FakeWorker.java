package dev.detopt.service.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * Stands in for detopt-worker.jar in the local launcher test: writes the DETOPT_* environment it
 * was given to {@code $DETOPT_TEST_OUTPUT/<worker id>-<pid>.env}, then waits until it is killed.
 */
public final class FakeWorker {
    private FakeWorker() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        StringBuilder env = new StringBuilder();
        new TreeMap<>(System.getenv()).forEach((name, value) -> {
            if (name.startsWith("DETOPT_")) {
                env.append(name).append('=').append(value).append('\n');
            }
        });
        Path output = Path.of(System.getenv("DETOPT_TEST_OUTPUT"));
        String name = System.getenv("DETOPT_WORKER_ID") + "-" + ProcessHandle.current().pid() + ".env";
        Files.writeString(output.resolve(name + ".tmp"), env);
        Files.move(output.resolve(name + ".tmp"), output.resolve(name));
        new CountDownLatch(1).await();
    }
}
