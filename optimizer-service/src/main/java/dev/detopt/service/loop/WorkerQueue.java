package dev.detopt.service.loop;

import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.study.StudyEventLog;
import dev.detopt.service.study.StudyRepository;
import dev.detopt.service.study.StudyRow;
import dev.detopt.service.web.ApiProblem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
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
    private final EngineCache engines;

    public WorkerQueue(TaskRepository tasks, StudyRepository studies, WorkerRepository workers, StudyEventLog events, OptimizationLoop loop,
                       LoopProperties properties, LoopMetrics metrics, EngineCache engines) {
        this.engines = engines;
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
        // Task rows in id order, the worker's row last: the order of a release or a failure (task,
        // then worker), so a heartbeat waiting for a task row never holds the row they wait for.
        Map<Long, Instant> expiries = new HashMap<>();
        for (HeldLease lease : sortedByTask(leases)) {
            tasks.extend(lease.taskId(), lease.leaseToken(), lease.eventsDone(), properties.leaseSeconds())
                    .ifPresent(expiry -> expiries.put(lease.taskId(), expiry));
        }
        workers.seen(workerId);
        List<Extended> extended = new ArrayList<>();
        List<Long> abandon = new ArrayList<>();
        for (HeldLease lease : leases) {
            Instant expiry = expiries.get(lease.taskId());
            if (expiry != null) {
                extended.add(new Extended(lease.taskId(), expiry));
            } else {
                abandon.add(lease.taskId());
            }
        }
        return new HeartbeatAnswer(extended, abandon);
    }

    private static List<HeldLease> sortedByTask(List<HeldLease> leases) {
        List<HeldLease> sorted = new ArrayList<>(leases);
        sorted.sort((a, b) -> Long.compare(a.taskId(), b.taskId()));
        return sorted;
    }

    @Transactional
    public void checkpoint(String workerId, long taskId, UUID token, String key, long nextEvent, String sha256) {
        tasks.studyOf(taskId).orElseThrow(() -> ApiProblem.notFound("task", taskId));
        if (!tasks.checkpoint(taskId, token, key, nextEvent, sha256)) {
            throw ApiProblem.conflict("leaseToken", "the lease of task " + taskId + " is not current (expired, superseded,"
                    + " completed or cancelled)");
        }
    }

    /** One result of a (bulk) completion: the task, the lease token that claims it, the result. */
    public record ResultItem(long taskId, UUID leaseToken, BatchResult result) {
    }

    /**
     * The answer to one result: accepted (200), or refused with the status and problem a single
     * completion would have had (404 unknown task, 409 lease not current, 422 result does not
     * answer the task). A refused result changed nothing.
     */
    public record ItemOutcome(long taskId, boolean accepted, boolean stepCompleted, ApiProblem problem) {
        public int status() {
            return problem == null ? 200 : problem.status().value();
        }
    }

    /**
     * Stores the result of the current lease; when it is the step's last task, the step advances
     * in the same transaction (study row locked first, then the task row: the lock order of every
     * transaction that touches both).
     */
    @Transactional
    public Completion complete(String workerId, long taskId, UUID token, BatchResult result) {
        ItemOutcome outcome = completeAll(workerId, List.of(new ResultItem(taskId, token, result))).getFirst();
        if (outcome.problem() != null) {
            throw outcome.problem();
        }
        return new Completion(true, outcome.stepCompleted());
    }

    /**
     * Stores several results in one transaction: the studies of their tasks are locked in id
     * order, every result of the current lease is stored by one statement, and each study whose
     * current step is then finished is reduced and advanced right there (the same transition as a
     * single completion). Each result keeps the single path's semantics: a retry with the same
     * token gets the stored answer, a result from an expired or superseded lease is refused (409)
     * and never counted. Answers come in the order of {@code items}; task ids must be distinct.
     */
    @Transactional
    public List<ItemOutcome> completeAll(String workerId, List<ResultItem> items) {
        List<Long> ids = new ArrayList<>(items.size());
        for (ResultItem item : items) {
            ids.add(item.taskId());
        }
        if (new HashSet<>(ids).size() != ids.size()) {
            throw ApiProblem.invalid(List.of(new ApiProblem.FieldError("results", "a task may appear only once per request")));
        }
        Map<UUID, StudyRow> locked = new LinkedHashMap<>();
        for (StudyRow study : studies.lockByTasks(ids)) {
            locked.put(study.id(), study);
        }
        List<TaskRepository.ResultRow> rows = new ArrayList<>(items.size());
        Map<Long, ApiProblem> malformed = new HashMap<>();
        for (ResultItem item : items) {
            BatchResult result = item.result();
            UUID resultStudy = parseUuid(result.studyId());
            if (resultStudy != null && locked.containsKey(resultStudy)) {
                StudyRow study = locked.get(resultStudy);
                try {
                    engines.engine(study.id(), study.specJson()).checkShape(result);
                } catch (IllegalArgumentException e) {
                    malformed.put(item.taskId(), ApiProblem.invalid(List.of(new ApiProblem.FieldError("result.statistics",
                            e.getMessage()))));
                    continue;
                }
                rows.add(new TaskRepository.ResultRow(item.taskId(), item.leaseToken(), WireJson.write(result), resultStudy,
                        result.step(), result.batchIndex(), result.eventFrom(), result.eventTo()));
            }
        }
        Map<Long, TaskRepository.Stored> stored = tasks.completeAllIfCurrent(rows, workerId);
        // Per study, the accepted result that finished its step (the last one of that step in the request).
        Set<Long> finishers = new HashSet<>();
        long events = 0;
        for (StudyRow study : locked.values()) {
            ResultItem last = null;
            long unfinished = -1;
            Map<Integer, BatchResult> known = new HashMap<>();
            for (ResultItem item : items) {
                TaskRepository.Stored done = stored.get(item.taskId());
                if (done != null && done.step() == study.step() && study.id().toString().equals(item.result().studyId())) {
                    last = item;
                    unfinished = done.unfinished();
                    known.put(item.result().batchIndex(), item.result());
                }
            }
            if (last != null && loop.advanceIfStepDone(study, study.step(), known, unfinished)) {
                finishers.add(last.taskId());
                tasks.setStepCompleted(last.taskId(), true);
            }
        }
        List<ItemOutcome> outcomes = new ArrayList<>(items.size());
        for (ResultItem item : items) {
            if (stored.containsKey(item.taskId())) {
                workers.completed(workerId);
                events += item.result().events();
                boolean finished = finishers.contains(item.taskId());
                outcomes.add(new ItemOutcome(item.taskId(), true, finished, null));
            } else if (malformed.containsKey(item.taskId())) {
                outcomes.add(new ItemOutcome(item.taskId(), false, false, malformed.get(item.taskId())));
            } else {
                outcomes.add(explainRefusal(item.taskId(), item.leaseToken(), item.result()));
            }
        }
        if (!stored.isEmpty()) {
            metrics.completed(stored.size(), events);
        }
        return outcomes;
    }

    /** The slow path of complete: a retry of an accepted result, or why the result is refused. */
    private ItemOutcome explainRefusal(long taskId, UUID token, BatchResult result) {
        TaskRow task = tasks.lock(taskId).orElse(null);
        if (task == null) {
            return new ItemOutcome(taskId, false, false, ApiProblem.notFound("task", taskId));
        }
        if (task.state() == TaskState.COMPLETED && token.equals(task.completedToken())) {
            return new ItemOutcome(taskId, true, Boolean.TRUE.equals(task.stepCompleted()), null);
        }
        if (!task.holds(token)) {
            return new ItemOutcome(taskId, false, false, ApiProblem.conflict("leaseToken", leaseProblem(task, token)));
        }
        return new ItemOutcome(taskId, false, false, ApiProblem.invalid(List.of(new ApiProblem.FieldError("result",
                "the result (study " + result.studyId() + ", step " + result.step() + ", batch " + result.batchIndex()
                + ", events [" + result.eventFrom() + ", " + result.eventTo() + ")) does not answer task " + taskId
                + " (study " + task.studyId() + ", step " + task.step() + ", batch " + task.batchIndex() + ", events ["
                + task.eventFrom() + ", " + task.eventTo() + "))"))));
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
    public int release(String workerId, List<HeldLease> leases, boolean preempted) {
        int requeued = 0;
        for (HeldLease lease : sortedByTask(leases)) {
            UUID studyId = tasks.studyOf(lease.taskId()).orElse(null);
            if (studyId != null && tasks.requeue(lease.taskId(), lease.leaseToken(), preempted, false, null)) {
                events.append(studyId, preempted ? StudyEventLog.PREEMPTED : StudyEventLog.RELEASED, "task "
                        + lease.taskId() + " released by worker " + workerId + (preempted ? " (preempted)" : " (shutdown)"));
                requeued++;
                if (preempted) {
                    metrics.preempted();
                }
            }
        }
        // The worker's row last, once: holding it while waiting for the next task row could
        // deadlock with a sweeper that holds that task and counts an expiry for this worker.
        if (preempted && requeued > 0) {
            workers.addPreemptions(workerId, requeued);
        }
        loop.signalAfterCommit(requeued);
        return requeued;
    }

    /**
     * Marks the worker as stopping (its own transaction, committed before {@link #releaseAll}):
     * from then on no replica leases it a task until it registers again.
     */
    public void markStopping(String workerId) {
        workers.markStopping(workerId);
    }

    /**
     * Hands back every lease the worker holds (a release with an empty list: a worker that stops
     * while a long-poll may have taken a task for it). Returns how many were requeued.
     */
    @Transactional
    public int releaseAll(String workerId, boolean preempted) {
        List<HeldLease> held = new ArrayList<>();
        for (TaskRow task : tasks.leasedBy(workerId)) {
            held.add(new HeldLease(task.id(), task.leaseToken(), 0));
        }
        return release(workerId, held, preempted);
    }

    /** Leases whose answer could not be written to the worker: queued again at once, not counted as preemptions. */
    @Transactional
    public int releaseUndelivered(String workerId, List<TaskRepository.Lease> leases) {
        int requeued = 0;
        for (TaskRepository.Lease lease : leases) {
            if (tasks.requeue(lease.taskId(), lease.leaseToken(), false, false, null)) {
                events.append(lease.studyId(), StudyEventLog.RELEASED, "task " + lease.taskId()
                        + " requeued: its lease could not be delivered to worker " + workerId);
                requeued++;
            }
        }
        loop.signalAfterCommit(requeued);
        return requeued;
    }

    /** Requeues expired leases; returns how many. */
    @Transactional
    public int sweepExpiredLeases() {
        List<TaskRepository.Expired> expired = tasks.requeueExpired(1_000);
        for (TaskRepository.Expired lease : expired) {
            events.append(lease.studyId(), StudyEventLog.LEASE_EXPIRED, "lease of task " + lease.taskId() + " (step "
                    + lease.step() + ", batch " + lease.batchIndex() + ", attempt " + lease.attempt() + ") held by worker "
                    + lease.worker() + " expired; requeued");
        }
        // One update per worker, in id order, so two replicas' sweeps cannot deadlock on worker rows.
        expired.stream().filter(lease -> lease.worker() != null)
                .collect(Collectors.groupingBy(TaskRepository.Expired::worker, TreeMap::new, Collectors.counting()))
                .forEach((worker, count) -> workers.addLeaseExpiries(worker, count.intValue()));
        if (!expired.isEmpty()) {
            metrics.expired(expired.size());
            loop.signalAfterCommit(expired.size());
        }
        return expired.size();
    }

    /**
     * A launcher saw this worker end (a local process exited, a pod was deleted or evicted): its
     * leases are requeued at once, logged and counted as the sweeper would count their expiry.
     */
    @Transactional
    public int requeueLeasesOfLostWorker(String workerId, String reason) {
        List<TaskRepository.Expired> lost = tasks.requeueLeasedBy(workerId);
        for (TaskRepository.Expired lease : lost) {
            events.append(lease.studyId(), StudyEventLog.LEASE_EXPIRED, "lease of task " + lease.taskId() + " (step "
                    + lease.step() + ", batch " + lease.batchIndex() + ", attempt " + lease.attempt() + ") held by worker "
                    + workerId + " requeued at once: its launcher saw it end (" + reason + ")");
        }
        if (!lost.isEmpty()) {
            workers.addLeaseExpiries(workerId, lost.size());
            metrics.expired(lost.size());
            loop.signalAfterCommit(lost.size());
        }
        return lost.size();
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
