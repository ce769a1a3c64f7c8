package dev.detopt.model.study;

import dev.detopt.model.study.catalog.SimulatorCatalog;
import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The single-process reference: spec → for each step, tasks → {@link BatchExecutor} → completeStep
 * → … until a stopping rule fires. The distributed service must reproduce its records and states
 * bit for bit, whatever the thread count here or the scheduling there.
 */
public final class StudyRunner {
    /** Study id used in the reference's tasks; ids do not enter the random numbers. */
    public static final String REFERENCE_STUDY_ID = "reference";

    private final StudyEngine engine;
    private final BatchExecutor executor;

    public StudyRunner(StudySpec spec, int threads) {
        this(spec, SimulatorCatalog.standard(), threads);
    }

    public StudyRunner(StudySpec spec, SimulatorCatalog catalog, int threads) {
        this.engine = new StudyEngine(spec, catalog, threads);
        this.executor = new BatchExecutor(catalog, threads, "reference-runner");
    }

    public StudyEngine engine() {
        return engine;
    }

    /** Runs from the initial state to the end. */
    public StudyHistory run(Consumer<StepRecord> onStep) {
        return run(engine.initialState(), Integer.MAX_VALUE, onStep);
    }

    /** Runs at most {@code maxStepsNow} steps from {@code state} (e.g. to resume a stored state). */
    public StudyHistory run(StudyState state, int maxStepsNow, Consumer<StepRecord> onStep) {
        List<StepRecord> records = new ArrayList<>();
        StudyState current = state;
        while (!current.finished() && records.size() < maxStepsNow) {
            List<BatchResult> results = new ArrayList<>();
            for (BatchTask task : engine.tasks(REFERENCE_STUDY_ID, current)) {
                results.add(executor.execute(task));
            }
            StepOutcome outcome = engine.completeStep(current, results);
            records.add(outcome.record());
            onStep.accept(outcome.record());
            current = outcome.next();
        }
        return new StudyHistory(records, current, current.stopReason());
    }
}
