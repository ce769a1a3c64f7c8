package dev.detopt.service.loop;

import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.study.StudyEventLog;
import dev.detopt.service.study.StudyRepository;
import dev.detopt.service.study.StudyRow;
import dev.detopt.service.web.ApiProblem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What workers do with tasks: lease, heartbeat, checkpoint, complete, fail, release. A lease
 * token is the only proof of ownership; a result is accepted only from the current, unexpired
 * lease, and stored once (a retry with the same token gets the stored answer).
 */
@Service
public class WorkerQueue {
    private final TaskRepository tasks;
    private final StudyRepository studies;
    private final WorkerRepository workers;
    private final StudyEventLog events;
    private final OptimizationLoop loop;
    private final LoopProperties properties;
    private final LoopMetrics metrics;

    public WorkerQueue(TaskRepository tasks, StudyRepository studies, WorkerRepository workers, StudyEventLog events, OptimizationLoop loop,
                       LoopProperties properties, LoopMetrics metrics) {
        this.tasks = tasks;
        this.studies = studies;
        this.workers = workers;
        this.events = events;
        this.loop = loop;
        this.properties = properties;
        this.metrics = metrics;
    }

    public record Completion(boolean accepted, boolean stepCompleted) {
    }

    public record HeldLease(long taskId, UUID leaseToken, long eventsDone) {
    }

    public record Extended(long taskId, Instant leaseExpiresAt) {
    }

    public record HeartbeatAnswer(List<Extended> extended, List<Long> abandon) {
    }

    public String register(String workerId, String host, String pod, String node, Integer threads) {
        String id = workerId == null || workerId.isBlank() ? "worker-" + UUID.randomUUID() : workerId;
        workers.register(id, host, pod, node, threads);
        return id;
    }

    /** One non-blocking lease attempt (single statement, its own transaction). */
    public List<TaskRepository.Lease> leaseNow(String workerId, int max) {
        List<TaskRepository.Lease> leases = tasks.lease(workerId, max, properties.leaseSeconds());
        workers.seen(workerId);
        if (!leases.isEmpty()) {
            metrics.leasesGranted(leases.size());
        }
        return leases;
    }

    @Transactional
    public HeartbeatAnswer heartbeat(String workerId, List<HeldLease> leases) {
        workers.seen(workerId);
        List<Extended> extended = new ArrayList<>();
        List<Long> abandon = new ArrayList<>();
        for (HeldLease lease : leases) {
            tasks.extend(lease.taskId(), lease.leaseToken(), lease.eventsDone(), properties.leaseSeconds())
                    .ifPresentOrElse(expiry -> extended.add(new Extended(lease.taskId(), expiry)),
                            () -> abandon.add(lease.taskId()));
        }
        return new HeartbeatAnswer(extended, abandon);
    }

    @Transactional
    public void checkpoint(String workerId, long taskId, UUID token, String key, long nextEvent, String sha256) {
        tasks.studyOf(taskId).orElseThrow(() -> ApiProblem.notFound("task", taskId));
        if (!tasks.checkpoint(taskId, token, key, nextEvent, sha256)) {
            throw ApiProblem.conflict("leaseToken", "the lease of task " + taskId + " is not current (expired, superseded,"
                    + " completed or cancelled)");
        }
    }

    /**
     * Stores the result of the current lease; when it is the step's last task, the step advances
     * in the same transaction (study row locked first, then the task row: the lock order of every
     * transaction that touches both).
     */
    @Transactional
    public Completion complete(String workerId, long taskId, UUID token, BatchResult result) {
        StudyRow study = studies.lockByTask(taskId).orElseThrow(() -> ApiProblem.notFound("task", taskId));
        UUID resultStudy = parseUuid(result.studyId());
        Optional<Integer> step = resultStudy == null ? Optional.empty()
                : tasks.completeIfCurrent(taskId, token, WireJson.write(result), workerId, resultStudy, result.step(),
                        result.batchIndex(), result.eventFrom(), result.eventTo());
        if (step.isEmpty()) {
            return explainRefusal(taskId, token, result);
        }
        workers.completed(workerId);
        boolean stepCompleted = loop.advanceIfStepDone(study, step.get());
        if (stepCompleted) {
            tasks.setStepCompleted(taskId, true);
        }
        metrics.completed(result.events());
        return new Completion(true, stepCompleted);
    }

    /** The slow path of complete: a retry of an accepted result, or why the result is refused. */
    private Completion explainRefusal(long taskId, UUID token, BatchResult result) {
        TaskRow task = tasks.lock(taskId).orElseThrow(() -> ApiProblem.notFound("task", taskId));
        if (task.state() == TaskState.COMPLETED && token.equals(task.completedToken())) {
            return new Completion(true, Boolean.TRUE.equals(task.stepCompleted()));
        }
        if (!task.holds(token)) {
            throw ApiProblem.conflict("leaseToken", leaseProblem(task, token));
        }
        throw ApiProblem.invalid(List.of(new ApiProblem.FieldError("result", "the result (study " + result.studyId()
                + ", step " + result.step() + ", batch " + result.batchIndex() + ", events [" + result.eventFrom()
                + ", " + result.eventTo() + ")) does not answer task " + taskId + " (study " + task.studyId() + ", step "
                + task.step() + ", batch " + task.batchIndex() + ", events [" + task.eventFrom() + ", " + task.eventTo()
                + "))")));
    }

    private static UUID parseUuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Transactional
    public void fail(String workerId, long taskId, UUID token, String reason, boolean preempted) {
        UUID studyId = tasks.studyOf(taskId).orElseThrow(() -> ApiProblem.notFound("task", taskId));
        StudyRow study = loop.locked(studyId);
        TaskRow task = tasks.lock(taskId).orElseThrow(() -> ApiProblem.notFound("task", taskId));
        if (!task.holds(token)) {
            throw ApiProblem.conflict("leaseToken", leaseProblem(task, token));
        }
        String why = reason == null || reason.isBlank() ? "no reason given" : reason;
        if (preempted) {
            tasks.requeue(taskId, token, true, false, null);
            workers.addPreemption(workerId);
            events.append(studyId, StudyEventLog.PREEMPTED, "task " + taskId + " (step " + task.step() + ", batch "
                    + task.batchIndex() + ") preempted on worker " + workerId + ": " + why);
            metrics.preempted();
            loop.signalAfterCommit(1);
            return;
        }
        workers.addFailure(workerId);
        metrics.failed();
        int failures = task.failures() + 1;
        events.append(studyId, StudyEventLog.TASK_FAILED, "task " + taskId + " (step " + task.step() + ", batch "
                + task.batchIndex() + ") failed on worker " + workerId + " (failure " + failures + " of at most "
                + properties.maxAttempts() + "): " + why);
        if (failures >= properties.maxAttempts()) {
            tasks.requeue(taskId, token, false, true, why);
            loop.fail(study, "task " + taskId + " (step " + task.step() + ", batch " + task.batchIndex() + ") failed "
                    + failures + " times; last error: " + why);
        } else {
            tasks.requeue(taskId, token, false, true, why);
            loop.signalAfterCommit(1);
        }
    }

    @Transactional
    public void release(String workerId, List<HeldLease> leases, boolean preempted) {
        int requeued = 0;
        for (HeldLease lease : leases) {
            UUID studyId = tasks.studyOf(lease.taskId()).orElse(null);
            if (studyId != null && tasks.requeue(lease.taskId(), lease.leaseToken(), preempted, false, null)) {
                events.append(studyId, preempted ? StudyEventLog.PREEMPTED : StudyEventLog.RELEASED, "task "
                        + lease.taskId() + " released by worker " + workerId + (preempted ? " (preempted)" : " (shutdown)"));
                requeued++;
                if (preempted) {
                    workers.addPreemption(workerId);
                    metrics.preempted();
                }
            }
        }
        loop.signalAfterCommit(requeued);
    }

    /** Requeues expired leases; returns how many. */
    @Transactional
    public int sweepExpiredLeases() {
        List<TaskRepository.Expired> expired = tasks.requeueExpired(1_000);
        for (TaskRepository.Expired lease : expired) {
            events.append(lease.studyId(), StudyEventLog.LEASE_EXPIRED, "lease of task " + lease.taskId() + " (step "
                    + lease.step() + ", batch " + lease.batchIndex() + ", attempt " + lease.attempt() + ") held by worker "
                    + lease.worker() + " expired; requeued");
            workers.addLeaseExpiry(lease.worker());
        }
        if (!expired.isEmpty()) {
            metrics.expired(expired.size());
            loop.signalAfterCommit(expired.size());
        }
        return expired.size();
    }

    private static String leaseProblem(TaskRow task, UUID token) {
        if (task.state() == TaskState.COMPLETED) {
            return "task " + task.id() + " was already completed under another lease";
        }
        if (task.state() == TaskState.CANCELLED) {
            return "task " + task.id() + " was cancelled (its study ended)";
        }
        if (task.state() == TaskState.LEASED && token.equals(task.leaseToken())) {
            return "the lease of task " + task.id() + " expired at " + task.leaseExpiresAt();
        }
        return "the lease of task " + task.id() + " is not current (expired and requeued, or superseded)";
    }
}
