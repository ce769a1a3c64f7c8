package dev.detopt.model.external;

import dev.detopt.model.study.StepOutcome;
import dev.detopt.model.study.StepRecord;
import dev.detopt.model.study.StudyEngine;
import dev.detopt.model.study.StudyHistory;
import dev.detopt.model.study.StudyRunner;
import dev.detopt.model.study.StudySpec;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.StudyState;
import dev.detopt.model.study.contract.BatchCheckpoint;
import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.WireJson;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Studies on the Python example program: the distributed path (tasks, results, checkpoints and
 * states through JSON, batches out of order on different executors with their own programs,
 * preemption, a program SIGKILLed mid-batch and the batch resumed elsewhere) reproduces the
 * reference runner bit for bit.
 */
class ExternalStudyTest {

    private static String spec(String simulator, String estimator, int steps) throws IOException {
        return Files.readString(Path.of("..", "docs", "examples", "simulators", "d-em-shower-resolution.json"))
                .replace("\"name\": \"em-shower\"", "\"name\": \"" + simulator + "\"")
                .replace("\"kind\": \"finite-difference\", \"finiteDifferenceSteps\": {\"absorber\": 0.2}, \"commonRandomNumbers\": true",
                        "\"kind\": \"" + estimator + "\"" + (estimator.equals("finite-difference") ? ", \"finiteDifferenceSteps\": {\"absorber\": 0.2}" : ""))
                .replace("\"eventsPerStep\": 400", "\"eventsPerStep\": 48")
                .replace("\"eventsPerBatch\": 100", "\"eventsPerBatch\": 16")
                .replace("\"maxSteps\": 20", "\"maxSteps\": " + steps);
    }

    private static StudyHistory reference(String json, int threads) throws IOException {
        try (ExternalSimulators simulators = ExternalSimulators.load(Programs.REGISTRY)) {
            StudySpec spec = StudySpecs.parse(json, simulators.catalog()).spec();
            return new StudyRunner(spec, simulators.catalog(), threads).run(r -> { });
        }
    }

    @Test
    void distributedRunWithPreemptionAndAKilledProgramReproducesTheReference() throws IOException {
        String json = spec("em-shower", "finite-difference", 3);
        StudyHistory reference = reference(json, 1);
        assertThat(reference.steps()).hasSize(3);
        assertThat(reference.steps().getLast().theta().get("absorber")).isNotEqualTo(2.0);

        try (ExternalSimulators service = ExternalSimulators.load(Programs.REGISTRY);
             ExternalSimulators machineA = ExternalSimulators.load(Programs.REGISTRY);
             ExternalSimulators machineB = ExternalSimulators.load(Programs.REGISTRY)) {
            StudyEngine engine = new StudyEngine(StudySpecs.parse(json, service.catalog()).spec(), service.catalog());
            BatchExecutor workerA = new BatchExecutor(machineA.catalog(), 2, "worker-a");
            BatchExecutor workerB = new BatchExecutor(machineB.catalog(), 1, "worker-b");
            String storedState = WireJson.write(engine.initialState());
            List<StepRecord> records = new ArrayList<>();
            int killed = 0;
            while (true) {
                StudyState state = WireJson.read(storedState, StudyState.class);
                if (state.finished()) {
                    break;
                }
                List<BatchResult> results = new ArrayList<>();
                for (BatchTask original : engine.tasks("study-16", state).reversed()) {
                    BatchTask task = WireJson.read(WireJson.write(original.withCheckpointKey("ck/" + original.batchIndex())), BatchTask.class);
                    List<String> checkpoints = new ArrayList<>();
                    AtomicInteger chunks = new AtomicInteger();
                    BatchResult result;
                    switch (task.batchIndex()) {
                        case 0 -> {
                            // preempted after one chunk, resumed on the other worker from the JSON checkpoint
                            BatchExecutor.Run preempted = workerA.run(task, null, 4,
                                    p -> { checkpoints.add(WireJson.write(BatchCheckpoint.of(task, p))); chunks.incrementAndGet(); },
                                    () -> chunks.get() >= 1);
                            assertThat(preempted.completed()).isFalse();
                            result = workerB.run(task, WireJson.read(checkpoints.getLast(), BatchCheckpoint.class).progress(),
                                    1000, p -> { }, () -> false).result();
                        }
                        case 1 -> {
                            // the idle program is SIGKILLed between two chunks of the batch: the next chunk
                            // starts a fresh program and the batch completes with the same statistics
                            List<Long> before = new ArrayList<>();
                            result = workerB.run(task, null, 4, p -> {
                                if (chunks.incrementAndGet() == 1) {
                                    before.addAll(machineB.runningPids("em-shower"));
                                    before.forEach(pid -> ProcessHandle.of(pid).ifPresent(h -> {
                                        h.destroyForcibly();
                                        h.onExit().join();
                                    }));
                                }
                            }, () -> false).result();
                            assertThat(before).hasSize(1);
                            assertThat(machineB.runningPids("em-shower")).hasSize(1).doesNotContainAnyElementsOf(before);
                            killed++;
                        }
                        default -> result = workerA.execute(task);
                    }
                    results.add(WireJson.read(WireJson.write(result), BatchResult.class));
                }
                results.sort(Comparator.comparingInt(BatchResult::batchIndex));
                StepOutcome outcome = engine.completeStep(state, results);
                records.add(WireJson.read(WireJson.write(outcome.record()), StepRecord.class));
                storedState = WireJson.write(outcome.next());
            }
            assertThat(killed).isEqualTo(3);
            assertThat(records).isEqualTo(reference.steps());
            assertThat(storedState).isEqualTo(WireJson.write(reference.finalState()));
        }
    }

    @Test
    void pathwiseThroughTheProtocolDoesNotDependOnThreads() throws IOException {
        String json = spec("em-shower-tangents", "pathwise", 2);
        StudyHistory one = reference(json, 1);
        StudyHistory three = reference(json, 3);
        assertThat(three.steps()).isEqualTo(one.steps());
        assertThat(three.finalState()).isEqualTo(one.finalState());
        assertThat(one.steps().getFirst().gradient().get("absorber")).isNegative();
    }
}
