package dev.detopt.worker;

import dev.detopt.model.random.EventRandomness;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.EventEvaluator;
import dev.detopt.model.sim.Simulator;
import dev.detopt.model.stats.EventSample;
import dev.detopt.model.stats.SampleLayout;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import dev.detopt.model.study.catalog.SimulatorType;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.toy.GaussianSimulator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** Batch tasks and a catalogue with an event-counting simulator for the worker tests. */
final class TestTasks {
    static final String COUNTING = "counting-gaussian";

    private TestTasks() {
    }

    static BatchTask gaussian(String studyId, int batch, long from, long to) {
        return task("gaussian", studyId, batch, from, to);
    }

    static BatchTask counting(String studyId, int batch, long from, long to) {
        return task(COUNTING, studyId, batch, from, to);
    }

    private static BatchTask task(String simulator, String studyId, int batch, long from, long to) {
        return new BatchTask(BatchTask.VERSION, studyId, 3, batch, List.of(0.5, 1.5), List.of(0, 1), from, to, simulator,
                null, EstimatorSettings.of(EstimatorKind.PATHWISE), 20261122L, null);
    }

    /** The standard catalogue plus {@value #COUNTING}: the Gaussian toy that counts the events it simulates. */
    static SimulatorCatalog catalog(AtomicLong simulatedEvents) {
        return SimulatorCatalog.standard().with(new SimulatorType<>(COUNTING, GaussianSimulator.Config.class,
                GaussianSimulator.Config.defaults(), GaussianSimulator.Config::problems,
                config -> new Counting(new GaussianSimulator(config), simulatedEvents), (config, simulator) -> null));
    }

    private record Counting(Simulator inner, AtomicLong count) implements Simulator {
        @Override
        public String name() {
            return COUNTING;
        }

        @Override
        public List<String> parameterNames() {
            return inner.parameterNames();
        }

        @Override
        public List<String> observableNames() {
            return inner.observableNames();
        }

        @Override
        public Set<EstimatorKind> supportedEstimators() {
            return inner.supportedEstimators();
        }

        @Override
        public EventEvaluator evaluator(DesignPoint point, EstimatorSettings estimator) {
            EventEvaluator evaluator = inner.evaluator(point, estimator);
            return new EventEvaluator() {
                @Override
                public SampleLayout layout() {
                    return evaluator.layout();
                }

                @Override
                public void evaluate(EventRandomness randomness, EventSample out) {
                    count.incrementAndGet();
                    evaluator.evaluate(randomness, out);
                }
            };
        }
    }
}
