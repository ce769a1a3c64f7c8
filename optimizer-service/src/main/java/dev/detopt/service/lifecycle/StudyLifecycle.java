package dev.detopt.service.lifecycle;

import dev.detopt.model.study.StepOutcome;
import dev.detopt.model.study.StudyEngine;
import dev.detopt.model.study.StudyState;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.domain.NotFoundException;
import dev.detopt.service.notifications.Webhooks;
import dev.detopt.service.queue.LeaseSignal;
import dev.detopt.service.queue.QueueMetrics;
import dev.detopt.service.queue.StudyProgress;
import dev.detopt.service.queue.TaskRepository;
import dev.detopt.service.queue.TaskState;
import dev.detopt.service.study.StepRepository;
import dev.detopt.service.study.StudyArtifacts;
import dev.detopt.service.study.StudyEventLog;
import dev.detopt.service.study.StudyEventType;
import dev.detopt.service.study.StudyRepository;
import dev.detopt.service.study.StudyRow;
import dev.detopt.service.study.StudyStatus;
import dev.detopt.service.study.StudyTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The study lifecycle (start, pause, resume, cancel, fail) and the step transition, which the task
 * queue triggers through {@link StudyProgress}. Every change of a study happens in a transaction
 * that holds its row lock ({@code SELECT … FOR UPDATE}), so any number of replicas can run this
 * code against one database and a step is advanced exactly once.
 */
@Service
public class StudyLifecycle implements StudyProgress {
    private static final Logger log = LoggerFactory.getLogger(StudyLifecycle.class);

    private final StudyRepository studies;
    private final TaskRepository tasks;
    private final StepRepository steps;
    private final StudyEventLog events;
    private final EngineCache engines;
    private final LeaseSignal signal;
    private final QueueMetrics metrics;
    private final TransactionTemplate transactions;
    private final Deadlines deadlines;
    private final Webhooks webhooks;
    private final StudyArtifacts artifacts;

    public StudyLifecycle(StudyRepository studies, TaskRepository tasks, StepRepository steps, StudyEventLog events,
                          EngineCache engines, LeaseSignal signal, QueueMetrics metrics, TransactionTemplate transactions,
                          Deadlines deadlines, Webhooks webhooks, StudyArtifacts artifacts) {
        this.transactions = transactions;
        this.deadlines = deadlines;
        this.webhooks = webhooks;
        this.artifacts = artifacts;
        this.studies = studies;
        this.tasks = tasks;
        this.steps = steps;
        this.events = events;
        this.engines = engines;
        this.signal = signal;
        this.metrics = metrics;
    }

    /**
     * CREATED → RUNNING: the initial state and step 0's tasks. The initial state may simulate a
     * profile-match target (seconds for a calorimeter), so it is computed before the study row is
     * locked; it is a pure function of the spec, so a start that loses a race changes nothing.
     */
    public StudyRow start(UUID id) {
        StudyRow unlocked = studies.find(id).orElseThrow(() -> NotFoundException.study(id));
        StudyTransition.START.require(unlocked.status());
        StudyEngine engine = engines.engine(id, unlocked.specJson());
        // A fork is created holding the state it continues from; any other study starts at step 0.
        StudyState initial = unlocked.stateJson() != null ? WireJson.read(unlocked.stateJson(), StudyState.class)
                : engine.initialState();
        return transactions.execute(transaction -> {
            StudyRow study = locked(id);
            StudyTransition.START.require(study.status());
            studies.markStarted(id, WireJson.write(initial), initial.step());
            enqueue(id, engine, initial, TaskState.QUEUED);
            events.append(id, StudyEventType.STATUS, StudyTransition.START.describe(study.status()));
            return studies.find(id).orElseThrow();
        });
    }

    /** RUNNING → PAUSED: queued tasks wait; leased tasks may still complete. */
    @Transactional
    public StudyRow pause(UUID id) {
        StudyRow study = locked(id);
        StudyTransition.PAUSE.require(study.status());
        tasks.hold(id);
        studies.setStatus(id, StudyTransition.PAUSE.to());
        events.append(id, StudyEventType.STATUS, StudyTransition.PAUSE.describe(study.status()));
        return studies.find(id).orElseThrow();
    }

    /** PAUSED → RUNNING. */
    @Transactional
    public StudyRow resume(UUID id) {
        StudyRow study = locked(id);
        StudyTransition.RESUME.require(study.status());
        tasks.unhold(id);
        studies.setStatus(id, StudyTransition.RESUME.to());
        events.append(id, StudyEventType.STATUS, StudyTransition.RESUME.describe(study.status()));
        signal.signalAfterCommit((int) tasks.queuedOf(id));
        return studies.find(id).orElseThrow();
    }

    /** CREATED, RUNNING or PAUSED → CANCELLED; leases are lost (heartbeats answer abandon). */
    @Transactional
    public StudyRow cancel(UUID id) {
        StudyRow study = locked(id);
        StudyTransition.CANCEL.require(study.status());
        tasks.cancelUnfinished(id);
        studies.markCancelled(id);
        events.append(id, StudyEventType.STATUS, StudyTransition.CANCEL.describe(study.status()));
        webhooks.studyCancelled(id);
        engines.forget(id);
        return studies.find(id).orElseThrow();
    }

    @Override
    public void checkResultShape(StudyRow study, BatchResult result) {
        engines.engine(study.id(), study.specJson()).checkShape(result);
    }

    /**
     * When the step's last task is done: reduces the results in batch order, records the step,
     * applies the optimizer and enqueues the next step (or finishes the study).
     */
    @Override
    public boolean advanceIfStepDone(StudyRow study, int step, Map<Integer, BatchResult> known, long unfinished) {
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
            failStudy(study, "step " + step + " could not be reduced: " + e.getMessage());
            return false;
        }
        StudyState next = outcome.next();
        // Deadlines depend on scheduling, so the service, not the engine, applies them at the boundary.
        Deadlines.Reached deadline = outcome.stopReason() == null ? deadlines.reached(study, engine.spec().stopping()) : null;
        if (deadline != null) {
            next = next.stoppedBy(deadline.reason());
        }
        String recordJson = WireJson.write(outcome.record());
        steps.insert(study.id(), outcome.record(), recordJson, study.stepStartedAt());
        steps.recordStateAfter(study.id(), step, WireJson.write(next));
        if (StudyArtifacts.due(step, engine.spec().artifactInterval(), outcome.stopReason() != null)) {
            StudyArtifacts.Snapshot snapshot = new StudyArtifacts.Snapshot(StudyArtifacts.Snapshot.VERSION, study.id(),
                    step, outcome.stopReason() != null, outcome.record(), next);
            StudyArtifacts.afterCommit(() -> artifacts.write(snapshot));
        }
        StudyState.Best best = next.best();
        String stop = next.stopReason() == null ? null : next.stopReason().wireName();
        studies.advance(study.id(), WireJson.write(next), next.step(), outcome.record().total(),
                best == null ? null : best.total(), best == null ? null : best.step(), next.eventsSimulated(), stop);
        if (stop != null) {
            events.append(study.id(), StudyEventType.STATUS, StudyTransition.COMPLETE.describe(study.status()) + " (" + stop
                    + (deadline == null ? "" : ": " + deadline.detail()) + ")");
            webhooks.studyEnded(study.id(), Webhooks.COMPLETED);
            engines.forget(study.id());
        } else {
            enqueue(study.id(), engine, next, study.status() == StudyStatus.RUNNING ? TaskState.QUEUED : TaskState.HELD);
        }
        metrics.stepCompleted(study.stepStartedAt(), System.nanoTime() - started);
        return true;
    }

    /**
     * COMPLETED (at its step or event limit) → RUNNING with a larger limit: stores the new spec and
     * the state with its stop reason cleared, and enqueues the next step. The continuation is the
     * one a study with the larger limit from the start computes: the state after the last step is
     * the same, only its stop reason differs. {@code check} sees the locked study and throws to
     * refuse (nothing is changed then).
     */
    @Transactional
    public StudyRow extend(UUID id, java.util.function.Function<StudyRow, Extension> check) {
        StudyRow study = locked(id);
        StudyTransition.EXTEND.require(study.status());
        Extension extension = check.apply(study);
        engines.forget(id);
        StudyEngine engine = engines.engine(id, extension.specJson());
        StudyState state = extension.state();
        studies.extend(id, extension.specJson(), extension.maxSteps(), WireJson.write(state));
        enqueue(id, engine, state, TaskState.QUEUED);
        events.append(id, StudyEventType.EXTENDED, extension.description());
        events.append(id, StudyEventType.STATUS, StudyTransition.EXTEND.describe(study.status()));
        return studies.find(id).orElseThrow();
    }

    /** What an extension changes: the new spec (normalised JSON), its step limit, the state to continue from. */
    public record Extension(String specJson, int maxSteps, StudyState state, String description) {
    }

    /** Ends the study as FAILED (row locked by the caller): unfinished tasks are cancelled. */
    @Override
    public void failStudy(StudyRow study, String reason) {
        tasks.cancelUnfinished(study.id());
        studies.markFailed(study.id(), reason);
        events.append(study.id(), StudyEventType.STATUS, StudyTransition.FAIL.describe(study.status()) + ": " + reason);
        webhooks.studyEnded(study.id(), Webhooks.FAILED);
        engines.forget(study.id());
    }

    private void enqueue(UUID id, StudyEngine engine, StudyState state, TaskState initial) {
        List<TaskRepository.NewTask> batch = new ArrayList<>();
        for (BatchTask task : engine.tasks(id.toString(), state)) {
            batch.add(new TaskRepository.NewTask(task.batchIndex(), task.eventFrom(), task.eventTo(), WireJson.write(task)));
        }
        tasks.insert(id, state.step(), initial, batch);
        if (initial == TaskState.QUEUED) {
            signal.signalAfterCommit(batch.size());
        }
    }

    private StudyRow locked(UUID id) {
        return studies.lock(id).orElseThrow(() -> NotFoundException.study(id));
    }
}
