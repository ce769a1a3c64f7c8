package dev.detopt.service.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local launcher with real processes (a stand-in worker jar that records its environment). */
class LocalWorkerLauncherTest {
    @TempDir
    Path directory;

    /** A jar whose main class is {@link FakeWorker}, found through this module's test classes. */
    private Path fakeWorkerJar() throws Exception {
        Path classes = Path.of(FakeWorker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeWorker.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classes.toUri().toString());
        Path jar = directory.resolve("fake-worker.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            return jar;
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(20_000_000);
        }
    }

    private List<Path> envFiles(Path output, String worker) {
        try (var files = Files.list(output)) {
            return files.filter(p -> p.getFileName().toString().startsWith(worker + "-") && p.toString().endsWith(".env"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void startsSupervisesAndStopsWorkerProcesses() throws Exception {
        Path output = Files.createDirectories(directory.resolve("out"));
        WorkerLauncherProperties.Local settings = new WorkerLauncherProperties.Local(2, fakeWorkerJar(), 3,
                Duration.ofSeconds(4), directory.resolve("logs"), Duration.ofMillis(100), Duration.ofSeconds(20),
                List.of("-Xmx64m"), null, false, Duration.ofMinutes(1));
        KubernetesWorkerLauncherTest.RecordedEvents events = new KubernetesWorkerLauncherTest.RecordedEvents();
        LocalWorkerLauncher launcher = new LocalWorkerLauncher(settings, () -> Map.of(
                "DETOPT_SERVICE_URL", "http://127.0.0.1:18080", "DETOPT_WORKER_TOKEN", "local-token",
                "DETOPT_TEST_OUTPUT", output.toString()), events);
        try {
            launcher.start();
            await("both workers", () -> envFiles(output, "local-0").size() == 1 && envFiles(output, "local-1").size() == 1);

            String env = Files.readString(envFiles(output, "local-1").getFirst());
            assertThat(env).contains("DETOPT_SERVICE_URL=http://127.0.0.1:18080\n", "DETOPT_WORKER_TOKEN=local-token\n",
                    "DETOPT_WORKER_ID=local-1\n", "DETOPT_WORKER_THREADS=3\n", "DETOPT_CHECKPOINT_INTERVAL=4.0\n",
                    "DETOPT_EXIT_WITH_PID=" + ProcessHandle.current().pid() + "\n");
            assertThat(launcher.instances()).extracting(WorkerLauncher.WorkerInstance::state).containsOnly("running");

            // SIGKILL from outside: recorded as a preemption, and the slot gets a new process.
            Process killed = launcher.process(0);
            killed.destroyForcibly();
            await("a restarted local-0", () -> envFiles(output, "local-0").size() == 2);
            events.await(1, Duration.ofSeconds(30));
            assertThat(events.lines()).containsExactly("preempted local-0 on localhost: killed (SIGKILL)");
            assertThat(launcher.process(0).pid()).isNotEqualTo(killed.pid());
            assertThat(Files.exists(directory.resolve("logs").resolve("worker-0.log"))).isTrue();
        } finally {
            launcher.close();
        }
        assertThat(launcher.instances()).extracting(WorkerLauncher.WorkerInstance::state).doesNotContain("running");
        assertThat(launcher.process(0).isAlive()).isFalse();
        assertThat(launcher.process(1).isAlive()).isFalse();
        // Stopping them ourselves is neither a preemption nor a crash.
        assertThat(events.lines()).hasSize(1);
    }

    @Test
    void onDemandStartsWorkersForQueuedWorkAndStopsOnlyIdleOnesAfterTheIdleTimeout() throws Exception {
        Path output = Files.createDirectories(directory.resolve("out"));
        WorkerLauncherProperties.Local settings = new WorkerLauncherProperties.Local(3, fakeWorkerJar(), 1,
                Duration.ofSeconds(5), directory.resolve("logs"), Duration.ofMillis(100), Duration.ofSeconds(20),
                List.of("-Xmx64m"), null, true, Duration.ofSeconds(30));
        KubernetesWorkerLauncherTest.RecordedEvents events = new KubernetesWorkerLauncherTest.RecordedEvents();
        KubernetesWorkerLauncherTest.MutableClock clock = new KubernetesWorkerLauncherTest.MutableClock(
                java.time.Instant.parse("2026-11-22T12:00:00Z"));
        LocalWorkerLauncher launcher = new LocalWorkerLauncher(settings, () -> Map.of("DETOPT_TEST_OUTPUT", output.toString()),
                events, clock);
        try {
            launcher.start();
            assertThat(launcher.instances()).as("nothing queued yet").isEmpty();

            launcher.reconcile(new WorkerDemand.Demand(2, 0));
            assertThat(launcher.instances()).extracting(WorkerLauncher.WorkerInstance::name)
                    .containsExactly("local-0", "local-1");
            launcher.reconcile(new WorkerDemand.Demand(5, 2, Set.of("local-0", "local-1")));
            assertThat(launcher.instances()).as("at most count").extracting(WorkerLauncher.WorkerInstance::name)
                    .containsExactly("local-0", "local-1", "local-2");
            await("three workers", () -> Stream.of("local-0", "local-1", "local-2").allMatch(w -> envFiles(output, w).size() == 1));

            // Only local-1 still holds a lease: the others are idle, but not for long enough yet.
            clock.advance(Duration.ofSeconds(20));
            WorkerDemand.Demand oneBusy = new WorkerDemand.Demand(0, 1, Set.of("local-1"));
            launcher.reconcile(oneBusy);
            assertThat(launcher.instances()).hasSize(3);
            Process idle0 = launcher.process(0);
            Process idle2 = launcher.process(2);
            Process busy1 = launcher.process(1);
            clock.advance(Duration.ofSeconds(30));
            launcher.reconcile(oneBusy);
            await("idle workers stopped", () -> !idle0.isAlive() && !idle2.isAlive());
            await("stopped slots removed", () -> launcher.instances().size() == 1);
            assertThat(launcher.instances()).extracting(WorkerLauncher.WorkerInstance::name).containsExactly("local-1");
            assertThat(busy1.isAlive()).isTrue();
            assertThat(idle0.exitValue()).as("stopped with SIGTERM").isEqualTo(143);

            // New work reuses the lowest free name.
            clock.advance(Duration.ofSeconds(60));
            launcher.reconcile(new WorkerDemand.Demand(1, 1, Set.of("local-1")));
            assertThat(launcher.instances()).extracting(WorkerLauncher.WorkerInstance::name)
                    .containsExactlyInAnyOrder("local-0", "local-1");
            await("a second local-0", () -> envFiles(output, "local-0").size() == 2);

            clock.advance(Duration.ofSeconds(30));
            launcher.reconcile(new WorkerDemand.Demand(0, 0));
            await("every worker stopped", () -> launcher.instances().isEmpty());
            assertThat(busy1.isAlive()).isFalse();
        } finally {
            launcher.close();
        }
        assertThat(events.lines()).as("stopping idle workers is neither a preemption nor a crash").isEmpty();
    }

    @Test
    void countZeroOrAMissingJarStartsNothing() {
        KubernetesWorkerLauncherTest.RecordedEvents events = new KubernetesWorkerLauncherTest.RecordedEvents();
        WorkerLauncherProperties.Local none = new WorkerLauncherProperties.Local(0, null, 0, Duration.ofSeconds(5),
                directory, Duration.ofSeconds(1), Duration.ofSeconds(5), List.of(), null, false, Duration.ofMinutes(1));
        WorkerLauncherProperties.Local missing = new WorkerLauncherProperties.Local(2, directory.resolve("absent.jar"), 0,
                Duration.ofSeconds(5), directory, Duration.ofSeconds(1), Duration.ofSeconds(5), List.of(), null, false,
                Duration.ofMinutes(1));
        for (WorkerLauncherProperties.Local settings : List.of(none, missing)) {
            try (LocalWorkerLauncher launcher = new LocalWorkerLauncher(settings, Map::of, events)) {
                launcher.start();
                assertThat(launcher.instances()).isEmpty();
            }
        }
    }
}
