package dev.detopt.model.study.contract;

import dev.detopt.model.categorical.CategoricalSimulator;
import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.Simulator;
import dev.detopt.model.stats.SampleAccumulator;
import dev.detopt.model.study.catalog.SimulatorCatalog;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Runs {@link BatchTask}s: the one code path both the reference runner and the worker use. A run
 * can start from a checkpointed {@link BatchRunner.Progress}, report progress after each chunk (to
 * write checkpoints) and stop at a chunk boundary when asked (preemption). Thread-safe; simulators
 * are built once per (name, configuration) and reused.
 */
public final class BatchExecutor {
    /** Events per chunk between progress reports when the caller does not choose. */
    public static final int DEFAULT_CHUNK_EVENTS = 256;

    private final SimulatorCatalog catalog;
    private final int threads;
    private final String workerId;
    private final Map<String, Simulator> simulators = new ConcurrentHashMap<>();

    public BatchExecutor(SimulatorCatalog catalog, int threads, String workerId) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        this.catalog = Objects.requireNonNull(catalog);
        this.threads = threads;
        this.workerId = Objects.requireNonNull(workerId);
    }

    public BatchExecutor(int threads, String workerId) {
        this(SimulatorCatalog.standard(), threads, workerId);
    }

    /** Outcome of a run: the result when the batch completed, otherwise null and the progress so far. */
    public record Run(BatchResult result, BatchRunner.Progress progress) {
        public boolean completed() {
            return result != null;
        }
    }

    /** Runs the whole batch from scratch. */
    public BatchResult execute(BatchTask task) {
        return run(task, null, DEFAULT_CHUNK_EVENTS, progress -> { }, () -> false).result();
    }

    /**
     * Runs (or resumes) a batch.
     *
     * @param resumeFrom    progress from a checkpoint of this task, or null to start at eventFrom
     * @param chunkEvents   events between progress reports
     * @param listener      receives the progress after every chunk (e.g. to write a {@link BatchCheckpoint})
     * @param stopRequested polled between chunks; when true the run returns unfinished
     */
    public Run run(BatchTask task, BatchRunner.Progress resumeFrom, int chunkEvents, BatchRunner.ChunkListener listener,
                   BooleanSupplier stopRequested) {
        long started = System.nanoTime();
        Simulator simulator = simulator(task);
        if (!task.categoricals().isEmpty()) {
            Simulator base = simulator;
            String key = task.simulator() + '\n' + WireJson.write(task.simulatorConfig());
            simulator = new CategoricalSimulator(base, task.categoricals().stream().map(BatchTask.Categorical::name).toList(),
                    task.categoricals().stream().map(BatchTask.Categorical::distribution).toList(),
                    chosen -> simulators.computeIfAbsent(key + '\n' + chosen, k -> base.withChoices(chosen)));
        }
        DesignPoint point = task.designPoint();
        if (point.values().length != simulator.parameterNames().size()) {
            throw new IllegalArgumentException("task gives " + point.values().length + " parameter values but simulator '"
                    + simulator.name() + "' has " + simulator.parameterNames());
        }
        if (resumeFrom != null && (resumeFrom.nextEvent() < task.eventFrom() || resumeFrom.nextEvent() > task.eventTo()
                || resumeFrom.statistics().events() != resumeFrom.nextEvent() - task.eventFrom())) {
            throw new IllegalArgumentException("progress at event " + resumeFrom.nextEvent() + " with "
                    + resumeFrom.statistics().events() + " events does not belong to [" + task.eventFrom() + ", "
                    + task.eventTo() + ")");
        }
        try (BatchRunner runner = new BatchRunner(simulator, point, task.estimator(), new RandomStreams(task.seed()),
                task.step(), threads)) {
            BatchRunner.Progress start = resumeFrom != null ? resumeFrom
                    : new BatchRunner.Progress(task.eventFrom(), new SampleAccumulator(runner.layout()));
            BatchRunner.Progress end = runner.run(start, task.eventTo(), chunkEvents, listener, stopRequested);
            if (end.nextEvent() < task.eventTo()) {
                return new Run(null, end);
            }
            long wallTimeMillis = (System.nanoTime() - started) / 1_000_000;
            return new Run(new BatchResult(BatchTask.VERSION, task.studyId(), task.step(), task.batchIndex(),
                    task.eventFrom(), task.eventTo(), end.statistics().state(), task.events(), wallTimeMillis, workerId), end);
        }
    }

    private Simulator simulator(BatchTask task) {
        String key = task.simulator() + '\n' + WireJson.write(task.simulatorConfig());
        return simulators.computeIfAbsent(key, k -> catalog.simulator(task.simulator(), task.simulatorConfig()));
    }

    public int threads() {
        return threads;
    }

    public String workerId() {
        return workerId;
    }
}
