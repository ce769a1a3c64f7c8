package dev.detopt.model.study;

import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.study.contract.BatchCheckpoint;
import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.WireJson;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StudyEngineTest {

    private static final String SGD = "{\"type\": \"sgd\", \"learningRate\": 0.1}";
    private static final String ADAM = "{\"type\": \"adam\", \"learningRate\": 0.05}";

    private static StudyHistory reference(String json, int threads) {
        return new StudyRunner(Specs.parse(json), threads).run(record -> { });
    }

    @Test
    void sgdConvergesOnTheGaussianLoss() {
        // E[(y − 2)²] = (μ − 2)² + σ²: the SGD map μ ← μ − 0.2(μ − 2) + noise converges to 2 with
        // stationary spread 0.1·(σ_grad/√100)/√(1 − 0.8²) ≈ 0.017.
        StudyHistory history = reference(Specs.gaussianLoss(SGD, 100, 100, 60), 1);
        assertThat(history.steps()).hasSize(60);
        assertThat(history.stopReason()).isEqualTo(StopReason.MAX_STEPS);
        assertThat(history.finalState().theta().get("mu")).isCloseTo(2.0, Offset.offset(0.1));
        assertThat(history.finalState().theta().get("sigma")).isEqualTo(0.5); // frozen
        StepRecord first = history.steps().getFirst();
        assertThat(first.theta()).containsEntry("mu", -1.0);
        assertThat(first.gradient()).containsOnlyKeys("mu");
        // ∂/∂μ = 2(μ − 2) = −6 at μ = −1; the gradient's standard error is 2σ/√N = 0.1
        assertThat(first.gradient().get("mu")).isCloseTo(-6.0, Offset.offset(4 * first.gradientStderr().get("mu")));
        assertThat(first.gradientStderr().get("mu")).isCloseTo(0.1, Offset.offset(0.02));
        assertThat(first.physics()).isCloseTo(9.25, Offset.offset(4 * first.physicsStderr()));
        assertThat(first.total()).isEqualTo(first.physics());
        assertThat(first.gradientNorm()).isEqualTo(Math.abs(first.gradient().get("mu")));
        assertThat(history.finalState().eventsSimulated()).isEqualTo(6000);
        assertThat(history.finalState().best().total()).isLessThan(0.4);
    }

    @Test
    void trajectoryDoesNotDependOnBatchSizeOrThreads() {
        StudyHistory oneBatch = reference(Specs.gaussianLoss(ADAM, 100, 100, 8), 1);
        StudyHistory manyBatches = reference(Specs.gaussianLoss(ADAM, 100, 7, 8), 2);
        assertThat(manyBatches.steps()).isEqualTo(oneBatch.steps());
        assertThat(WireJson.write(manyBatches.finalState())).isEqualTo(WireJson.write(oneBatch.finalState()));
    }

    /**
     * A stand-in for the distributed service: tasks and results travel as JSON, batches run in
     * reverse order on different executors, some are preempted after a chunk and resumed from a
     * JSON checkpoint elsewhere, and the state is stored as JSON between steps.
     */
    @Test
    void distributedExecutionReproducesTheReferenceBitForBit() {
        String json = Specs.gaussianLoss(ADAM, 90, 20, 6).replace("\"kind\": \"pathwise\"", "\"kind\": \"score-baseline\"")
                .replace("\"frozen\": true", "\"frozen\": false");
        StudyHistory reference = reference(json, 1);

        StudyEngine engine = new StudyEngine(Specs.parse(json));
        BatchExecutor workerA = new BatchExecutor(2, "worker-a");
        BatchExecutor workerB = new BatchExecutor(1, "worker-b");
        String storedState = WireJson.write(engine.initialState());
        List<StepRecord> records = new ArrayList<>();
        while (true) {
            StudyState state = WireJson.read(storedState, StudyState.class);
            if (state.finished()) {
                break;
            }
            List<BatchResult> results = new ArrayList<>();
            List<BatchTask> tasks = engine.tasks("study-42", state);
            for (BatchTask original : tasks.reversed()) {
                BatchTask task = WireJson.read(WireJson.write(original.withCheckpointKey("ck/" + original.batchIndex())), BatchTask.class);
                BatchResult result;
                if (task.batchIndex() % 2 == 0) {
                    List<String> checkpoints = new ArrayList<>();
                    AtomicInteger chunks = new AtomicInteger();
                    BatchExecutor.Run preempted = workerA.run(task, null, 6,
                            p -> { checkpoints.add(WireJson.write(BatchCheckpoint.of(task, p))); chunks.incrementAndGet(); },
                            () -> chunks.get() >= 1);
                    assertThat(preempted.completed()).isFalse();
                    BatchCheckpoint checkpoint = WireJson.read(checkpoints.getLast(), BatchCheckpoint.class);
                    assertThat(checkpoint.belongsTo(task)).isTrue();
                    result = workerB.run(task, checkpoint.progress(), 1000, p -> { }, () -> false).result();
                } else {
                    result = workerA.execute(task);
                }
                results.add(WireJson.read(WireJson.write(result), BatchResult.class));
            }
            results.sort(Comparator.comparingInt(BatchResult::batchIndex));
            StepOutcome outcome = engine.completeStep(state, results);
            records.add(WireJson.read(WireJson.write(outcome.record()), StepRecord.class));
            storedState = WireJson.write(outcome.next());
        }
        assertThat(records).isEqualTo(reference.steps());
        assertThat(storedState).isEqualTo(WireJson.write(reference.finalState()));
    }

    @Test
    void resumingFromAStoredStateContinuesBitExactly() {
        String json = Specs.gaussianLoss(ADAM, 50, 25, 10);
        StudyHistory whole = reference(json, 1);
        StudyRunner runner = new StudyRunner(Specs.parse(json), 1);
        StudyHistory firstPart = runner.run(runner.engine().initialState(), 4, r -> { });
        StudyState restored = WireJson.read(WireJson.write(firstPart.finalState()), StudyState.class);
        StudyHistory rest = runner.run(restored, Integer.MAX_VALUE, r -> { });
        List<StepRecord> joined = new ArrayList<>(firstPart.steps());
        joined.addAll(rest.steps());
        assertThat(joined).isEqualTo(whole.steps());
        assertThat(rest.finalState()).isEqualTo(whole.finalState());
    }

    @Test
    void stepsAreProjectedOntoTheBounds() {
        String json = Specs.gaussianLoss(SGD, 100, 100, 20).replace("\"upper\": 5", "\"upper\": 0.5");
        StudyHistory history = reference(json, 1);
        assertThat(history.finalState().theta().get("mu")).isEqualTo(0.5);
        assertThat(history.steps()).allSatisfy(r -> assertThat(r.theta().get("mu")).isLessThanOrEqualTo(0.5));
    }

    @Test
    void stoppingRules() {
        String gradientNorm = Specs.gaussianLoss(SGD, 100, 100, 100)
                .replace("\"seed\": 42", "\"stopping\": {\"gradientNorm\": 0.5}, \"seed\": 42");
        StudyHistory byNorm = reference(gradientNorm, 1);
        assertThat(byNorm.stopReason()).isEqualTo(StopReason.GRADIENT_NORM);
        assertThat(byNorm.steps().getLast().gradientNorm()).isLessThan(0.5);
        assertThat(byNorm.steps().subList(0, byNorm.steps().size() - 1)).allSatisfy(r -> assertThat(r.gradientNorm()).isGreaterThanOrEqualTo(0.5));

        String plateau = Specs.gaussianLoss(SGD, 100, 100, 500)
                .replace("\"seed\": 42", "\"stopping\": {\"plateau\": {\"steps\": 5}}, \"seed\": 42");
        StudyHistory byPlateau = reference(plateau, 1);
        assertThat(byPlateau.stopReason()).isEqualTo(StopReason.PLATEAU);
        List<StepRecord> steps = byPlateau.steps();
        double bestBefore = steps.subList(0, steps.size() - 5).stream().mapToDouble(StepRecord::total).min().orElseThrow();
        assertThat(steps.subList(steps.size() - 5, steps.size())).allSatisfy(r -> assertThat(r.total()).isGreaterThanOrEqualTo(bestBefore));
        assertThat(byPlateau.finalState().best().total()).isEqualTo(bestBefore);

        String budget = Specs.gaussianLoss(SGD, 100, 100, 500)
                .replace("\"seed\": 42", "\"stopping\": {\"maxEvents\": 750}, \"seed\": 42");
        StudyHistory byBudget = reference(budget, 1);
        assertThat(byBudget.stopReason()).isEqualTo(StopReason.EVENT_BUDGET);
        assertThat(byBudget.steps()).hasSize(7);
        assertThat(byBudget.finalState().eventsSimulated()).isEqualTo(700);
    }

    @Test
    void nonFiniteLossStopsWithoutMovingTheDesign() {
        String json = Specs.gaussianLoss(SGD, 10, 10, 5).replace("{\"type\": \"expected-loss\"}",
                "{\"type\": \"profile-match\", \"observables\": [\"y\"], \"target\": {\"values\": [1e200]}}");
        StudyHistory history = reference(json, 1);
        assertThat(history.stopReason()).isEqualTo(StopReason.NON_FINITE);
        assertThat(history.steps()).hasSize(1);
        assertThat(history.finalState().theta()).isEqualTo(history.steps().getFirst().theta());
        assertThat(history.finalState().optimizer().steps()).isZero();
        assertThatThrownBy(() -> new StudyEngine(Specs.parse(json)).completeStep(history.finalState(), List.of()))
                .isInstanceOf(IllegalStateException.class);
        assertThat(new StudyEngine(Specs.parse(json)).tasks("s", history.finalState())).isEmpty();
    }

    @Test
    void simulatedProfileTargetIsComputedOnceFromItsOwnStreams() {
        // L = (μ − 1.5)² + (μ² + σ² − 2.5)² also has a minimum near μ = −1.5: start on the right side
        String json = Specs.gaussianLoss("{\"type\": \"sgd\", \"learningRate\": 0.02}", 100, 100, 60)
                .replace("\"initial\": -1.0", "\"initial\": 1.0").replace("{\"type\": \"expected-loss\"}", """
                {"type": "profile-match", "observables": ["y", "y.squared"],
                 "target": {"simulate": {"parameters": {"mu": 1.5}, "events": 20000}}}""");
        StudyEngine engine = new StudyEngine(Specs.parse(json));
        StudyState initial = engine.initialState();
        // E[y] = 1.5 with standard error σ/√N = 0.5/√20000; E[y²] = μ² + σ² = 2.5
        assertThat(initial.target().get(0)).isCloseTo(1.5, Offset.offset(4 * 0.5 / Math.sqrt(20000)));
        assertThat(initial.target().get(1)).isCloseTo(2.5, Offset.offset(0.02));
        assertThat(new StudyEngine(Specs.parse(json)).initialState()).isEqualTo(initial);
        StudyHistory history = new StudyRunner(Specs.parse(json), 1).run(r -> { });
        assertThat(history.finalState().theta().get("mu")).isCloseTo(1.5, Offset.offset(0.05));
        assertThat(history.finalState().target()).isEqualTo(initial.target());
    }

    @Test
    void mismatchedResultsAreRejected() {
        StudySpec spec = Specs.parse(Specs.gaussianLoss(SGD, 100, 50, 5));
        StudyEngine engine = new StudyEngine(spec);
        StudyState state = engine.initialState();
        List<BatchTask> tasks = engine.tasks("s", state);
        BatchExecutor executor = new BatchExecutor(1, "w");
        BatchResult first = executor.execute(tasks.get(0));
        BatchResult second = executor.execute(tasks.get(1));
        assertThatThrownBy(() -> engine.completeStep(state, List.of(second, first)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not batch 0");
        assertThatThrownBy(() -> engine.completeStep(state, List.of(first)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 batches but 1 results");
    }

    @Test
    void costPenaltyAndAutomaticLambdaAreRecorded() {
        // cost = 3·σ (the toy's "body" volume is σ); σ = 0.5 → cost 1.5 against a budget of 1
        String json = Specs.gaussianLoss(SGD, 100, 100, 3).replace("\"optimizer\"", """
                "cost": {"materialPrices": {"body": 3}, "budget": 1, "penalty": {"shape": "additive", "sharpness": 2, "lambdaWarmupSteps": 2}},
                "optimizer\"""").replace("\"frozen\": true", "\"frozen\": false");
        List<StepRecord> steps = reference(json, 1).steps();
        StepRecord first = steps.get(0);
        StepRecord second = steps.get(1);
        assertThat(first.cost()).isEqualTo(1.5);
        assertThat(first.lambda()).isEqualTo(first.physics());
        assertThat(second.lambda()).isEqualTo((first.physics() + second.physics()) / 2);
        assertThat(steps.get(2).lambda()).isEqualTo(second.lambda());
        // above budget: d = 2·(1.5 − 1)/1 = 1, b = 1 + d/2 = 1.5
        assertThat(first.penalty()).isCloseTo(first.lambda() * 1.5, Offset.offset(1e-12));
        assertThat(first.total()).isEqualTo(first.physics() + first.penalty());
        // ∂L/∂σ = ∂L_phys/∂σ + λ·(1/2)·(s/B)·∂c/∂σ = 2σ + λ·3 in expectation; the cost term is exact
        assertThat(first.gradient().get("sigma")).isCloseTo(2 * 0.5 + first.lambda() * 3,
                Offset.offset(4 * first.gradientStderr().get("sigma")));
    }
}
