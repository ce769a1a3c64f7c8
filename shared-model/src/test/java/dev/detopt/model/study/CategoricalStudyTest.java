package dev.detopt.model.study;

import dev.detopt.model.calorimeter.CalorimeterConfig;
import dev.detopt.model.calorimeter.CalorimeterSimulator;
import dev.detopt.model.calorimeter.Material;
import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.EventEvaluator;
import dev.detopt.model.stats.EventSample;
import dev.detopt.model.stats.ExactSum;
import dev.detopt.model.study.contract.BatchCheckpoint;
import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.WireJson;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Categorical design parameters run by the study engine (issue 17, point 4): each event draws its
 * choices from its own stream, the logits are optimised by the score function next to numeric
 * parameters, and the trajectory does not depend on batches, workers or checkpoints.
 */
class CategoricalStudyTest {

    /** Mixed: a free numeric parameter (a, pathwise) and two categoricals with choice prices under a budget. */
    private static final String MIXED = """
            {"name": "mixed", "simulator": {"name": "calorimeter", "config": {"layers": 12}},
             "parameters": [
               {"name": "e", "initial": 300, "frozen": true},
               {"name": "a", "initial": 3.0, "lower": 0.5, "upper": 6, "scale": 1},
               {"name": "g", "initial": 5.0, "frozen": true},
               {"name": "absorber", "choices": ["Pb", "Cu"], "logits": [0.3, 0]},
               {"name": "active", "choices": ["lAr", "plastic"], "learningRate": 0.5}],
             "estimator": {"kind": "pathwise"},
             "objective": {"type": "energy-resolution"},
             "cost": {"materialPrices": {"gap": 0.001}, "choicePrices": {"absorber": {"Pb": 3, "Cu": 0.8}},
                      "budget": 15000, "penalty": {"shape": "logistic", "sharpness": 4}},
             "optimizer": {"type": "adam", "learningRate": 0.1},
             "eventsPerStep": 40, "eventsPerBatch": 15, "maxSteps": 4, "seed": 5}
            """;

    @Test
    void distributedExecutionWithCategoricalsReproducesTheReferenceBitForBit() {
        StudySpec spec = StudySpecs.fromJson(MIXED);
        StudyHistory reference = new StudyRunner(spec, 1).run(r -> { });
        assertThat(reference.steps()).hasSize(4);
        StepRecord first = reference.steps().getFirst();
        assertThat(first.categoricals()).containsOnlyKeys("absorber", "active");
        StepRecord.CategoricalEstimate absorber = first.categoricals().get("absorber");
        // softmax of (0.3, 0), computed here: e^0.3 / (1 + e^0.3)
        assertThat(absorber.probabilities().getFirst()).isCloseTo(Math.exp(0.3) / (1 + Math.exp(0.3)),
                org.assertj.core.data.Offset.offset(1e-15));
        assertThat(absorber.events().stream().mapToLong(Long::longValue).sum()).isEqualTo(40);
        assertThat(first.gradient()).containsOnlyKeys("a");
        // the logits moved, by Adam's first step of about the learning rate (0.1 absorber, 0.5 active)
        List<Double> logitsAfter = reference.steps().get(1).categoricals().get("active").logits();
        assertThat(Math.abs(logitsAfter.getFirst())).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-6));

        // the same study as the service runs it: JSON everywhere, batches in reverse order on two
        // executors, even batches preempted after a chunk and resumed from a JSON checkpoint elsewhere
        StudyEngine engine = new StudyEngine(spec);
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
            for (BatchTask original : engine.tasks("study-7", state).reversed()) {
                BatchTask task = WireJson.read(WireJson.write(original.withCheckpointKey("ck/" + original.batchIndex())),
                        BatchTask.class);
                assertThat(task.categoricals()).extracting(BatchTask.Categorical::name).containsExactly("absorber", "active");
                BatchResult result;
                if (task.batchIndex() % 2 == 0) {
                    List<String> checkpoints = new ArrayList<>();
                    AtomicInteger chunks = new AtomicInteger();
                    BatchExecutor.Run preempted = workerA.run(task, null, 4,
                            p -> { checkpoints.add(WireJson.write(BatchCheckpoint.of(task, p))); chunks.incrementAndGet(); },
                            () -> chunks.get() >= 1);
                    assertThat(preempted.completed()).isFalse();
                    BatchCheckpoint checkpoint = WireJson.read(checkpoints.getLast(), BatchCheckpoint.class);
                    result = workerB.run(task, checkpoint.progress(), 1000, p -> { }, () -> false).result();
                } else {
                    result = workerA.execute(task);
                }
                engine.checkShape(result);
                results.add(WireJson.read(WireJson.write(result), BatchResult.class));
            }
            results.sort(Comparator.comparingInt(BatchResult::batchIndex));
            StepOutcome outcome = engine.completeStep(state, results);
            records.add(WireJson.read(WireJson.write(outcome.record()), StepRecord.class));
            storedState = WireJson.write(outcome.next());
        }
        assertThat(records).isEqualTo(reference.steps());
        assertThat(storedState).isEqualTo(WireJson.write(reference.finalState()));
        assertThat(reference.finalState().logits()).containsOnlyKeys("absorber", "active");
    }

    /** A worker's result without the per-choice sums, or with other choices, is refused naming what differs. */
    @Test
    void resultsWithoutTheChoiceSumsAreRefused() {
        StudyEngine engine = new StudyEngine(StudySpecs.fromJson(MIXED));
        BatchTask task = engine.tasks("s", engine.initialState()).getFirst();
        BatchResult good = new BatchExecutor(1, "w").execute(task);
        engine.checkShape(good);
        dev.detopt.model.stats.AccumulatorState s = good.statistics();
        BatchResult withoutSums = new BatchResult(good.version(), good.studyId(), good.step(), good.batchIndex(),
                good.eventFrom(), good.eventTo(), new dev.detopt.model.stats.AccumulatorState(s.layout(), s.events(),
                s.sumY(), s.sumY2(), s.sumG(), s.sumG2(), s.sumS(), s.sumS2(), s.sumYS2(), s.sumXX(), s.sumXY()),
                good.events(), good.wallTimeMillis(), good.workerId());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.checkShape(withoutSums))
                .hasMessageContaining("choiceSums has 0 entries");
        BatchResult otherChoices = new BatchResult(good.version(), good.studyId(), good.step(), good.batchIndex(),
                good.eventFrom(), good.eventTo(), new dev.detopt.model.stats.AccumulatorState(
                s.layout().withChoices(List.of(3, 3)), s.events(), s.sumY(), s.sumY2(), s.sumG(), s.sumG2(), s.sumS(),
                s.sumS2(), s.sumYS2(), s.sumXX(), s.sumXY(), s.choiceSums()),
                good.events(), good.wallTimeMillis(), good.workerId());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.checkShape(otherChoices))
                .hasMessageContaining("statistics.layout.choices is [3, 3]");
    }

    /** The expected cost and penalty of the mixed study's first step, from the prices and the logistic shape. */
    @Test
    void costAndPenaltyAreExpectationsOverTheChoices() {
        StudyRunner runner = new StudyRunner(StudySpecs.fromJson(MIXED), 1);
        StepRecord first = runner.run(runner.engine().initialState(), 1, r -> { }).steps().getFirst();
        double pPb = Math.exp(0.3) / (1 + Math.exp(0.3));
        double volume = 12 * 3.0 * 400 * 400 / 1000.0; // layers · a · T², cm³
        double gap = 12 * 5.0 * 400 * 400 / 1000.0 * 0.001;
        double costPb = 3 * volume + gap;
        double costCu = 0.8 * volume + gap;
        assertThat(first.cost()).isCloseTo(pPb * costPb + (1 - pPb) * costCu, org.assertj.core.data.Offset.offset(1e-9));
        double factor = pPb * (1 + Math.exp(4 * (costPb - 15000) / 15000)) + (1 - pPb) * (1 + Math.exp(4 * (costCu - 15000) / 15000));
        assertThat(first.total()).isCloseTo(factor * first.physics(), org.assertj.core.data.Offset.offset(1e-12 * first.total()));
    }

    /** Mean gap deposits (MeV per layer) of a 1 GeV shower in PbWO4 with the given active medium, simulated here. */
    private static double[] gapProfile(Material active, int events) {
        CalorimeterSimulator simulator = new CalorimeterSimulator(CalorimeterConfig.defaults(), Material.PBWO4, active);
        EventEvaluator evaluator = simulator.evaluator(new DesignPoint(new double[]{1000, 2.3, 5.7}, new int[0]),
                EstimatorSettings.of(EstimatorKind.PATHWISE));
        RandomStreams streams = new RandomStreams(99);
        int layers = simulator.config().layers();
        ExactSum[] sums = new ExactSum[layers];
        for (int i = 0; i < layers; i++) {
            sums[i] = new ExactSum();
        }
        EventSample sample = new EventSample(evaluator.layout());
        for (long event = 0; event < events; event++) {
            sample.clear();
            evaluator.evaluate(streams.event(0, event), sample);
            for (int i = 0; i < layers; i++) {
                sums[i].add(sample.observables[simulator.gapIndex(i)]);
            }
        }
        double[] mean = new double[layers];
        for (int i = 0; i < layers; i++) {
            mean[i] = sums[i].value() / events;
        }
        return mean;
    }

    /**
     * The active medium as a categorical: from the gap profile of a silicon calorimeter (simulated here with
     * other random numbers), the study identifies silicon. The profile match is convex in the probabilities and
     * zero only at silicon, so the descent must end there.
     */
    @Test
    void activeMediumStudyIdentifiesTheMediumOfAProfile() {
        double[] silicon = gapProfile(Material.SILICON, 400);
        String target = java.util.Arrays.toString(silicon);
        String spec = """
                {"name": "active medium", "simulator": {"name": "calorimeter"},
                 "parameters": [{"name": "e", "initial": 1000, "frozen": true}, {"name": "a", "initial": 2.3, "frozen": true},
                   {"name": "g", "initial": 5.7, "frozen": true}, {"name": "active", "choices": ["lAr", "plastic", "Si"]}],
                 "estimator": {"kind": "pathwise"},
                 "objective": {"type": "profile-match", "observables": ["gap.*"], "target": {"values": %s}},
                 "optimizer": {"type": "adam", "learningRate": 0.3},
                 "eventsPerStep": 100, "maxSteps": 25, "seed": 11}
                """.formatted(target);
        StudyHistory history = new StudyRunner(StudySpecs.fromJson(spec), 2).run(r -> {
            if (r.step() % 5 == 4) {
                System.out.println("step " + r.step() + " " + r.categoricals().get("active").probabilities()
                        + " physics " + r.physics());
            }
        });
        StepRecord.CategoricalEstimate last = history.steps().getLast().categoricals().get("active");
        assertThat(last.mostProbable()).isEqualTo("Si");
        assertThat(last.probabilities().get(2)).isGreaterThan(0.9);
    }
}
