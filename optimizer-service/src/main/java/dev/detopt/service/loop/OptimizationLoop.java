package dev.detopt.service.loop;

import dev.detopt.model.study.StepOutcome;
import dev.detopt.model.study.StudyEngine;
import dev.detopt.model.study.StudyState;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.study.StepRepository;
import dev.detopt.service.study.StudyEventLog;
import dev.detopt.service.study.StudyRepository;
import dev.detopt.service.study.StudyRow;
import dev.detopt.service.study.StudyStatus;
import dev.detopt.service.web.ApiProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The study lifecycle and the step transition. Every change of a study happens in a transaction
 * that holds its row lock ({@code SELECT … FOR UPDATE}), so any number of replicas can run this
 * code against one database and a step is advanced exactly once.
 */
@Service
public class OptimizationLoop {
    private static final Logger log = LoggerFactory.getLogger(OptimizationLoop.class);

    private final StudyRepository studies;
    private final TaskRepository tasks;
    private final StepRepository steps;
    private final StudyEventLog events;
    private final EngineCache engines;
    private final LeaseSignal signal;
    private final LoopMetrics metrics;

    public OptimizationLoop(StudyRepository studies, TaskRepository tasks, StepRepository steps, StudyEventLog events,
                            EngineCache engines, LeaseSignal signal, LoopMetrics metrics) {
        this.studies = studies;
        this.tasks = tasks;
        this.steps = steps;
        this.events = events;
        this.engines = engines;
        this.signal = signal;
        this.metrics = metrics;
    }

    /** CREATED → RUNNING: the initial state and step 0's tasks. */
    @Transactional
    public StudyRow start(UUID id) {
        StudyRow study = locked(id);
        requireStatus(study, "start", StudyStatus.CREATED);
        StudyEngine engine = engines.engine(id, study.specJson());
        StudyState initial = engine.initialState();
        studies.markStarted(id, WireJson.write(initial), initial.step());
        enqueue(id, engine, initial, TaskState.QUEUED);
        events.append(id, StudyEventLog.STATUS, "CREATED → RUNNING");
        return studies.find(id).orElseThrow();
    }

    /** RUNNING → PAUSED: queued tasks wait; leased tasks may still complete. */
    @Transactional
    public StudyRow pause(UUID id) {
        StudyRow study = locked(id);
        requireStatus(study, "pause", StudyStatus.RUNNING);
        tasks.hold(id);
        studies.setStatus(id, StudyStatus.PAUSED);
        events.append(id, StudyEventLog.STATUS, "RUNNING → PAUSED");
        return studies.find(id).orElseThrow();
    }

    /** PAUSED → RUNNING. */
    @Transactional
    public StudyRow resume(UUID id) {
        StudyRow study = locked(id);
        requireStatus(study, "resume", StudyStatus.PAUSED);
        tasks.unhold(id);
        studies.setStatus(id, StudyStatus.RUNNING);
        events.append(id, StudyEventLog.STATUS, "PAUSED → RUNNING");
        signalAfterCommit((int) tasks.queuedOf(id));
        return studies.find(id).orElseThrow();
    }

    /** CREATED, RUNNING or PAUSED → CANCELLED; leases are lost (heartbeats answer abandon). */
    @Transactional
    public StudyRow cancel(UUID id) {
        StudyRow study = locked(id);
        requireStatus(study, "cancel", StudyStatus.CREATED, StudyStatus.RUNNING, StudyStatus.PAUSED);
        tasks.cancelUnfinished(id);
        studies.markCancelled(id);
        events.append(id, StudyEventLog.STATUS, study.status() + " → CANCELLED");
        engines.forget(id);
        return studies.find(id).orElseThrow();
    }

    /**
     * Called with the study row locked after a task of {@code step} completed: when it was the
     * step's last unfinished task, reduces the results in batch order, records the step, applies
     * the optimizer and enqueues the next step (or finishes the study). Returns true when this
     * call completed the step.
     */
    boolean advanceIfStepDone(StudyRow study, int step) {
        return advanceIfStepDone(study, step, Map.of(), -1);
    }

    /**
     * As {@link #advanceIfStepDone(StudyRow, int)}, with results of the step the caller already
     * holds (by batch index, just stored in this transaction): only the others are read back
     * from the database. {@code unfinished} is the step's count of unfinished tasks when the
     * caller knows it (under the study lock), or -1 to count them here.
     */
    boolean advanceIfStepDone(StudyRow study, int step, Map<Integer, BatchResult> known, long unfinished) {
        if (!study.status().active() || study.step() != step
                || (unfinished >= 0 ? unfinished : tasks.unfinished(study.id(), step)) > 0) {
            return false;
        }
        long started = System.nanoTime();
        StudyEngine engine = engines.engine(study.id(), study.specJson());
        StepOutcome outcome;
        try {
            StudyState state = WireJson.read(study.stateJson(), StudyState.class);
            List<BatchResult> results = new ArrayList<>();
            Map<Integer, String> stored = tasks.results(study.id(), step, known.keySet());
            int batches = stored.size() + known.size();
            for (int batch = 0; batch < batches; batch++) {
                BatchResult result = known.get(batch);
                if (result == null) {
                    String json = stored.get(batch);
                    if (json == null) {
                        throw new IllegalStateException("no result for batch " + batch + " of step " + step);
                    }
                    result = WireJson.read(json, BatchResult.class);
                }
                results.add(result);
            }
            outcome = engine.completeStep(state, results);
        } catch (RuntimeException e) {
            log.error("Study {} step {} could not be reduced", study.id(), step, e);
            fail(study, "step " + step + " could not be reduced: " + e.getMessage());
            return false;
        }
        StudyState next = outcome.next();
        String recordJson = WireJson.write(outcome.record());
        steps.insert(study.id(), outcome.record(), recordJson, study.stepStartedAt());
        StudyState.Best best = next.best();
        String stop = outcome.stopReason() == null ? null : outcome.stopReason().wireName();
        studies.advance(study.id(), WireJson.write(next), next.step(), outcome.record().total(),
                best == null ? null : best.total(), best == null ? null : best.step(), next.eventsSimulated(), stop);
        if (stop != null) {
            events.append(study.id(), StudyEventLog.STATUS, study.status() + " → COMPLETED (" + stop + ")");
            engines.forget(study.id());
        } else {
            enqueue(study.id(), engine, next, study.status() == StudyStatus.RUNNING ? TaskState.QUEUED : TaskState.HELD);
        }
        metrics.stepCompleted(study.stepStartedAt(), System.nanoTime() - started);
        return true;
    }

    /** Ends the study as FAILED (row locked by the caller): unfinished tasks are cancelled. */
    void fail(StudyRow study, String reason) {
        tasks.cancelUnfinished(study.id());
        studies.markFailed(study.id(), reason);
        events.append(study.id(), StudyEventLog.STATUS, study.status() + " → FAILED: " + reason);
        engines.forget(study.id());
    }

    private void enqueue(UUID id, StudyEngine engine, StudyState state, TaskState initial) {
        List<TaskRepository.NewTask> batch = new ArrayList<>();
        for (BatchTask task : engine.tasks(id.toString(), state)) {
            batch.add(new TaskRepository.NewTask(task.batchIndex(), task.eventFrom(), task.eventTo(), WireJson.write(task)));
        }
        tasks.insert(id, state.step(), initial, batch);
        if (initial == TaskState.QUEUED) {
            signalAfterCommit(batch.size());
        }
    }

    StudyRow locked(UUID id) {
        return studies.lock(id).orElseThrow(() -> ApiProblem.notFound("study", id));
    }

    /** Wakes up to {@code tasks} of this JVM's waiting lease requests once the transaction has committed. */
    void signalAfterCommit(int tasks) {
        if (tasks <= 0) {
            return;
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    signal.signal(tasks);
                }
            });
        } else {
            signal.signal(tasks);
        }
    }

    static void requireStatus(StudyRow study, String action, StudyStatus... allowed) {
        for (StudyStatus status : allowed) {
            if (study.status() == status) {
                return;
            }
        }
        throw ApiProblem.conflict("status", "cannot " + action + " a study that is " + study.status()
                + " (allowed from " + java.util.Arrays.toString(allowed) + ")");
    }
}
