package dev.detopt.model.external;

import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.Simulator;
import dev.detopt.model.stats.SampleAccumulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Everything a program can do wrong fails the batch with a message that says what happened and ends
 * with the program's stderr tail; the program is killed and never reused; nothing hangs.
 */
class SimulatorFailureTest {

    private static SampleAccumulator run(ExternalSimulators simulators, String name, long events) {
        Simulator simulator = simulators.catalog().simulator(name, null);
        try (BatchRunner runner = new BatchRunner(simulator, new DesignPoint(new double[] {0.5}, new int[0]),
                EstimatorSettings.finiteDifference(new double[] {0.01}, true), new RandomStreams(7), 0, 1)) {
            return runner.run(0, events);
        }
    }

    /** Runs a batch that must fail, checks the message and that the program is gone. */
    private static SimulatorFailure failure(SimulatorRegistration registration) {
        try (ExternalSimulators simulators = new ExternalSimulators(List.of(registration))) {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> run(simulators, registration.name(), 10));
            assertThat(thrown).isInstanceOf(SimulatorFailure.class).hasMessageContaining("simulator '" + registration.name() + "'");
            Matcher pid = Pattern.compile("pid (\\d+)").matcher(thrown.getMessage());
            if (pid.find()) {
                ProcessHandle.of(Long.parseLong(pid.group(1))).ifPresent(handle ->
                        assertThat(handle.onExit().orTimeout(10, TimeUnit.SECONDS).join().isAlive()).isFalse());
            }
            assertThat(simulators.runningPids(registration.name())).isEmpty();
            return (SimulatorFailure) thrown;
        }
    }

    @Test
    void exitAtStart() {
        SimulatorFailure failure = failure(Programs.misbehaving("exit-at-start", "exit-at-start"));
        assertThat(failure).hasMessageContaining("exited with code 1 while detopt waited for its hello");
        assertThat(failure.stderrTail()).contains("cannot open geometry file calo.gdml");
    }

    @Test
    void slowStartTimesOut() {
        SimulatorFailure failure = failure(Programs.misbehaving("slow-start", "slow-start")
                .withTimeouts(Duration.ofMillis(1500), Duration.ofSeconds(20)));
        assertThat(failure).hasMessageContaining("start (hello) took longer than 1.5 s; it was killed");
        assertThat(failure.stderrTail()).contains("loading cross-section tables");
    }

    @Test
    void garbageOnStdout() {
        SimulatorFailure failure = failure(Programs.misbehaving("garbage", "garbage"));
        assertThat(failure).hasMessageContaining("malformed output where its result was expected")
                .hasMessageContaining("Warning: physics list QGSP_BERT not found");
        assertThat(failure.stderrTail()).contains("batch 1 of 10 events");
    }

    @Test
    void hangingBatchTimesOut() {
        SimulatorFailure failure = failure(Programs.misbehaving("hang", "hang")
                .withTimeouts(Duration.ofSeconds(20), Duration.ofMillis(1500)));
        assertThat(failure).hasMessageContaining("batch of 10 events took longer than 1.5 s; it was killed");
    }

    @Test
    void wrongObservableCount() {
        SimulatorFailure failure = failure(Programs.misbehaving("wrong-count", "wrong-count"));
        assertThat(failure).hasMessageContaining("wrong observables per event (it declared 3) in its result: 2 instead of 3");
    }

    @Test
    void notANumber() {
        SimulatorFailure failure = failure(Programs.misbehaving("nan", "nan"));
        assertThat(failure).hasMessageContaining("it sent NaN as observable 'y' of event 5 of step 0; only finite numbers are accepted");
    }

    @Test
    void reportedError() {
        SimulatorFailure failure = failure(Programs.misbehaving("error", "error"));
        assertThat(failure).hasMessageContaining("it reported an error: geometry overlap at layer 3");
    }

    @Test
    void helloThatDiffersFromTheRegistration() {
        SimulatorFailure failure = failure(Programs.misbehaving("bad-hello", "bad-hello"));
        assertThat(failure).hasMessageContaining("its hello declares parameters [x], 1 observables [y]")
                .hasMessageContaining("is registered with parameters [x], 3 observables [y, y.squared, x]");
    }

    @Test
    void missingProgram() {
        SimulatorRegistration registration = SimulatorRegistration.ofCommand("missing", List.of("/nonexistent/simulator"),
                Programs.misbehavingDeclaration(true));
        try (ExternalSimulators simulators = new ExternalSimulators(List.of(registration))) {
            assertThatThrownBy(() -> run(simulators, "missing", 10)).isInstanceOf(SimulatorFailure.class)
                    .hasMessageContaining("cannot start [/nonexistent/simulator]");
        }
    }

    @Test
    void nonDeterminismIsDetectedWhenVerificationIsOn() {
        SimulatorRegistration registration = Programs.misbehaving("random", "nondeterministic");
        SimulatorRegistration verified = new SimulatorRegistration(registration.name(), null, registration.command(), null,
                registration.environment(), null, registration.startTimeout(), registration.batchTimeout(), true,
                Programs.misbehavingDeclaration(true));
        try (ExternalSimulators simulators = new ExternalSimulators(List.of(verified))) {
            // the program's hello says deterministic=false, the registration says true: refused at start
            assertThatThrownBy(() -> run(simulators, "random", 10)).hasMessageContaining("its hello declares");
        }
        SimulatorRegistration lying = Programs.misbehaving("lying", "nondeterministic");
        lying = new SimulatorRegistration("lying", null, lying.command(), null, lying.environment(), null,
                lying.startTimeout(), lying.batchTimeout(), true, Programs.misbehavingDeclaration(false));
        try (ExternalSimulators simulators = new ExternalSimulators(List.of(lying))) {
            assertThatThrownBy(() -> run(simulators, "lying", 10)).isInstanceOf(SimulatorFailure.class)
                    .hasMessageContaining("is not deterministic per event seed: event 0 of step 0 gave");
        }
        try (ExternalSimulators simulators = new ExternalSimulators(List.of(Programs.misbehaving("good", "good").withVerifyDeterminism(true)))) {
            assertThat(run(simulators, "good", 10).events()).isEqualTo(10);
        }
    }

    @Test
    void aCrashedProgramIsReplacedByAFreshOneOnTheNextAttempt(@TempDir Path dir) {
        SimulatorRegistration registration = Programs.misbehaving("crash-once", "crash-once", dir.resolve("crashed").toString());
        try (ExternalSimulators simulators = new ExternalSimulators(List.of(registration))) {
            assertThatThrownBy(() -> run(simulators, "crash-once", 10)).isInstanceOf(SimulatorFailure.class)
                    .hasMessageContaining("exited with code 3").hasMessageContaining("Segmentation fault (simulated)")
                    .satisfies(failure -> {
                        assertThat(((SimulatorFailure) failure).exitCode()).isEqualTo(3);
                        assertThat(((SimulatorFailure) failure).stderrTail()).contains("Segmentation fault (simulated)");
                    });
            SampleAccumulator retried = run(simulators, "crash-once", 10);
            try (ExternalSimulators fresh = new ExternalSimulators(List.of(Programs.misbehaving("good", "good")))) {
                assertThat(retried).isEqualTo(run(fresh, "good", 10));
            }
        }
    }

    @Test
    void aProgramKilledInTheMiddleOfARequestFailsTheBatch(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        SimulatorRegistration registration = Programs.misbehaving("killed", "wait-for-kill", pidFile.toString());
        try (ExternalSimulators simulators = new ExternalSimulators(List.of(registration))) {
            Thread killer = Thread.ofVirtual().start(() -> {
                // The program writes its pid once it has read the request, then waits: the killer
                // waits for that file's change (watched before the check, so no write is missed).
                try (WatchService watch = dir.getFileSystem().newWatchService()) {
                    dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
                    while (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
                        WatchKey change = watch.poll(60, TimeUnit.SECONDS);
                        if (change == null) {
                            throw new IllegalStateException("the program wrote no pid within 60 s");
                        }
                        change.pollEvents();
                        change.reset();
                    }
                    ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(ProcessHandle::destroyForcibly);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThatThrownBy(() -> run(simulators, "killed", 10)).isInstanceOf(SimulatorFailure.class)
                    .hasMessageContaining("exited with code 137 while detopt waited for its result");
            killer.join();
        }
    }

    @Test
    void failureMessagesStayShortEnoughForTheWorkersReport() {
        SimulatorFailure failure = new SimulatorFailure("x".repeat(20_000), "line\n".repeat(5_000));
        assertThat(failure.getMessage().length()).isLessThan(10_000 - 100);
        assertThat(failure.getMessage()).endsWith("line\n");
    }

    @Test
    void programsStayWarmAcrossBatchesAndStopOnClose() {
        List<Long> pids;
        try (ExternalSimulators simulators = new ExternalSimulators(List.of(Programs.misbehaving("good", "good")))) {
            run(simulators, "good", 5);
            pids = simulators.runningPids("good");
            assertThat(pids).hasSize(1);
            run(simulators, "good", 5);
            assertThat(simulators.runningPids("good")).isEqualTo(pids);
        }
        ProcessHandle.of(pids.getFirst()).ifPresent(handle ->
                assertThat(handle.onExit().orTimeout(10, TimeUnit.SECONDS).join().isAlive()).isFalse());
    }
}
