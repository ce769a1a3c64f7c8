package dev.detopt.service.queue;

import dev.detopt.model.study.contract.BatchCoordinates;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.model.study.contract.protocol.BulkCompleteItem;
import dev.detopt.model.study.contract.protocol.CompleteResponse;
import dev.detopt.model.study.contract.protocol.ExtendedLease;
import dev.detopt.model.study.contract.protocol.HeartbeatResponse;
import dev.detopt.model.study.contract.protocol.LeaseReference;
import dev.detopt.model.study.contract.protocol.QueueCounts;
import dev.detopt.service.domain.InvalidInputException;
import dev.detopt.service.domain.LeaseNotCurrentException;
import dev.detopt.service.domain.NotFoundException;
import dev.detopt.service.domain.ResultRejectedException;
import dev.detopt.service.study.StudyEventLog;
import dev.detopt.service.study.StudyEventType;
import dev.detopt.service.study.StudyRepository;
import dev.detopt.service.study.StudyRow;
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
public class TaskQueue {
    private final TaskRepository tasks;
    private final StudyRepository studies;
    private final WorkerRepository workers;
    private final StudyEventLog events;
    private final StudyProgress progress;
    private final LeaseSignal signal;
    private final QueueProperties properties;
    private final QueueMetrics metrics;

    public TaskQueue(TaskRepository tasks, StudyRepository studies, WorkerRepository workers, StudyEventLog events,
                     StudyProgress progress, LeaseSignal signal, QueueProperties properties, QueueMetrics metrics) {
        this.tasks = tasks;
        this.studies = studies;
        this.workers = workers;
        this.events = events;
        this.progress = progress;
        this.signal = signal;
        this.properties = properties;
        this.metrics = metrics;
    }

    public String register(String workerId, String host, String pod, String node, Integer threads) {
        String id = workerId == null || workerId.isBlank() ? "worker-" + UUID.randomUUID() : workerId;
        workers.register(id, host, pod, node, threads);
        return id;
    }

    /** Leasable tasks of running studies, and leased tasks ({@code GET /api/v1/workers/queue}). */
    public QueueCounts counts() {
        return tasks.queuedAndLeased();
    }

    /** One non-blocking lease attempt (single statement, its own transaction). */
    public List<Lease> leaseNow(String workerId, int max) {
        return leaseNow(workerId, max, SimulatorScope.ALL);
    }

    /** {@link #leaseNow(String, int)} limited to the tasks of the simulators in {@code scope}. */
    public List<Lease> leaseNow(String workerId, int max, SimulatorScope scope) {
        List<Lease> leases = tasks.lease(workerId, max, properties.leaseSeconds(), scope);
        workers.seen(workerId);
        if (!leases.isEmpty()) {
            metrics.leasesGranted(leases.size());
        }
        return leases;
    }

    @Transactional
    public HeartbeatResponse heartbeat(String workerId, List<LeaseReference> leases) {
        checkHeartbeatProgress(leases);
        // Task rows in id order, the worker's row last: the order of a release or a failure (task,
        // then worker), so a heartbeat waiting for a task row never holds the row they wait for.
        Map<Long, Instant> expiries = new HashMap<>();
        for (LeaseReference lease : sortedByTask(leases)) {
            tasks.extend(lease.taskId(), lease.leaseToken(), lease.eventsDone(), lease.cpuSeconds(), properties.leaseSeconds())
                    .ifPresent(expiry -> expiries.put(lease.taskId(), expiry));
        }
        workers.seen(workerId);
        List<ExtendedLease> extended = new ArrayList<>();
        List<Long> abandon = new ArrayList<>();
        for (LeaseReference lease : leases) {
            Instant expiry = expiries.get(lease.taskId());
            if (expiry != null) {
                extended.add(new ExtendedLease(lease.taskId(), expiry));
            } else {
                abandon.add(lease.taskId());
            }
        }
        return new HeartbeatResponse(extended, abandon);
    }

    /**
     * A heartbeat's progress must fit the task it names: eventsDone within the batch. Checked for
     * every lease before anything is extended, so a refused heartbeat changes nothing. Unknown tasks
     * are left to the heartbeat (answered with abandon).
     */
    private void checkHeartbeatProgress(List<LeaseReference> leases) {
        List<Long> ids = new ArrayList<>(leases.size());
        for (LeaseReference lease : leases) {
            if (lease.eventsDone() != null && lease.eventsDone() > 0) {
                ids.add(lease.taskId());
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        Map<Long, BatchCoordinates> coordinates = tasks.coordinates(ids);
        List<dev.detopt.model.study.FieldProblem> problems = new ArrayList<>();
        for (int i = 0; i < leases.size(); i++) {
            LeaseReference lease = leases.get(i);
            BatchCoordinates task = coordinates.get(lease.taskId());
            if (task != null && lease.eventsDone() != null && lease.eventsDone() > task.eventTo() - task.eventFrom()) {
                problems.add(new dev.detopt.model.study.FieldProblem("leases[" + i + "].eventsDone", "is "
                        + lease.eventsDone() + " but task " + lease.taskId() + " has " + (task.eventTo() - task.eventFrom())
                        + " events"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
    }

    /**
     * A checkpoint report must fit the task it names: the key lies under the task's own batch
     * prefix (no other batch's, step's or study's objects), and nextEvent inside the batch.
     */
    private void checkCheckpoint(long taskId, String key, long nextEvent) {
        BatchCoordinates task = tasks.coordinates(List.of(taskId)).get(taskId);
        if (task == null) {
            throw NotFoundException.task(taskId);
        }
        List<dev.detopt.model.study.FieldProblem> problems = new ArrayList<>();
        String prefix = dev.detopt.model.study.contract.protocol.CheckpointKeys.batchPrefix(task);
        if (!key.startsWith(prefix) || !key.substring(prefix.length()).matches("[A-Za-z0-9_-][A-Za-z0-9._-]*")
                || key.substring(prefix.length()).contains("..")) {
            problems.add(new dev.detopt.model.study.FieldProblem("key", "must be an object directly under this task's prefix "
                    + prefix));
        }
        if (nextEvent < task.eventFrom() || nextEvent > task.eventTo()) {
            problems.add(new dev.detopt.model.study.FieldProblem("nextEvent", "is " + nextEvent + " but task " + taskId
                    + " covers events [" + task.eventFrom() + ", " + task.eventTo() + ")"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
    }

    private static List<LeaseReference> sortedByTask(List<LeaseReference> leases) {
        List<LeaseReference> sorted = new ArrayList<>(leases);
        sorted.sort((a, b) -> Long.compare(a.taskId(), b.taskId()));
        return sorted;
    }

    @Transactional
    public void checkpoint(String workerId, long taskId, UUID token, String key, long nextEvent, String sha256) {
        checkpoint(workerId, taskId, token, key, nextEvent, sha256, null);
    }

    /** Records a checkpoint with the CPU seconds its attempt had used at its progress (null: not reported). */
    @Transactional
    public void checkpoint(String workerId, long taskId, UUID token, String key, long nextEvent, String sha256,
                           Double cpuSeconds) {
        checkCheckpoint(taskId, key, nextEvent);
        if (!tasks.checkpoint(taskId, token, key, nextEvent, sha256, cpuSeconds)) {
            throw new LeaseNotCurrentException("the lease of task " + taskId + " is not current (expired, superseded,"
                    + " completed or cancelled)");
        }
    }

    /**
     * Stores the result of the current lease; when it is the step's last task, the step advances
     * in the same transaction (study row locked first, then the task row: the lock order of every
     * transaction that touches both).
     */
    @Transactional
    public CompleteResponse complete(String workerId, long taskId, UUID token, BatchResult result) {
        return complete(workerId, taskId, token, result, null);
    }

    @Transactional
    public CompleteResponse complete(String workerId, long taskId, UUID token, BatchResult result, Double cpuSeconds) {
        return switch (completeAll(workerId, List.of(new BulkCompleteItem(taskId, token, result, cpuSeconds))).getFirst()) {
            case CompletionOutcome.Accepted accepted -> new CompleteResponse(true, accepted.stepCompleted());
            case CompletionOutcome.Refusal refusal -> throw refusal.reason();
        };
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
    public List<CompletionOutcome> completeAll(String workerId, List<BulkCompleteItem> items) {
        List<Long> ids = new ArrayList<>(items.size());
        for (BulkCompleteItem item : items) {
            ids.add(item.taskId());
        }
        if (new HashSet<>(ids).size() != ids.size()) {
            throw InvalidInputException.of("results", "a task may appear only once per request");
        }
        Map<UUID, StudyRow> locked = new LinkedHashMap<>();
        for (StudyRow study : studies.lockByTasks(ids)) {
            locked.put(study.id(), study);
        }
        Map<Long, BatchCoordinates> coordinates = tasks.coordinates(ids);
        List<TaskRepository.ResultRow> rows = new ArrayList<>(items.size());
        Map<Long, ResultRejectedException> malformed = new HashMap<>();
        for (BulkCompleteItem item : items) {
            BatchResult result = item.result();
            BatchCoordinates task = coordinates.get(item.taskId());
            // A result that does not answer its task is not stored; explainRefusal says why.
            StudyRow study = task == null ? null : locked.get(UUID.fromString(task.studyId()));
            if (study != null && result.answers(task)) {
                try {
                    progress.checkResultShape(study, result);
                } catch (IllegalArgumentException e) {
                    malformed.put(item.taskId(), new ResultRejectedException("result.statistics", e.getMessage()));
                    continue;
                }
                rows.add(new TaskRepository.ResultRow(item.taskId(), item.leaseToken(), WireJson.write(result)));
            }
        }
        Map<Long, TaskRepository.Stored> stored = tasks.completeAllIfCurrent(rows, workerId);
        // The attempts end before any step advances, so a core-hour limit counts their CPU.
        Map<Long, Double> cpuOfCompleted = new HashMap<>();
        double cpu = 0;
        for (BulkCompleteItem item : items) {
            if (stored.containsKey(item.taskId())) {
                cpuOfCompleted.put(item.taskId(), item.cpuSeconds());
                cpu += item.cpuSeconds() == null ? 0 : item.cpuSeconds();
            }
        }
        tasks.endCompletedAttempts(cpuOfCompleted);
        metrics.cpu(cpu, 0);
        // Per study, the accepted result that finished its step (the last one of that step in the request).
        Set<Long> finishers = new HashSet<>();
        long events = 0;
        for (StudyRow study : locked.values()) {
            BulkCompleteItem last = null;
            long unfinished = -1;
            Map<Integer, BatchResult> known = new HashMap<>();
            for (BulkCompleteItem item : items) {
                TaskRepository.Stored done = stored.get(item.taskId());
                if (done != null && done.step() == study.step() && study.id().toString().equals(item.result().studyId())) {
                    last = item;
                    unfinished = done.unfinished();
                    known.put(item.result().batchIndex(), item.result());
                }
            }
            if (last != null && progress.advanceIfStepDone(study, study.step(), known, unfinished)) {
                finishers.add(last.taskId());
                tasks.setStepCompleted(last.taskId(), true);
            }
        }
        List<CompletionOutcome> outcomes = new ArrayList<>(items.size());
        for (BulkCompleteItem item : items) {
            if (stored.containsKey(item.taskId())) {
                workers.completed(workerId);
                events += item.result().events();
                boolean finished = finishers.contains(item.taskId());
                outcomes.add(new CompletionOutcome.Accepted(item.taskId(), finished));
            } else if (malformed.containsKey(item.taskId())) {
                outcomes.add(new CompletionOutcome.Rejected(item.taskId(), malformed.get(item.taskId())));
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
    private CompletionOutcome explainRefusal(long taskId, UUID token, BatchResult result) {
        TaskRow task = tasks.lock(taskId).orElse(null);
        if (task == null) {
            return new CompletionOutcome.UnknownTask(taskId, NotFoundException.task(taskId));
        }
        if (task.state() == TaskState.COMPLETED && token.equals(task.completedToken())) {
            return new CompletionOutcome.Accepted(taskId, Boolean.TRUE.equals(task.stepCompleted()));
        }
        if (!task.holds(token)) {
            return new CompletionOutcome.LeaseLost(taskId, new LeaseNotCurrentException(leaseProblem(task, token)));
        }
        return new CompletionOutcome.Rejected(taskId, new ResultRejectedException("result", "the result ("
                + result.coordinates().describe() + ") does not answer task " + taskId + " (" + task.coordinates().describe()
                + ")"));
    }

    @Transactional
    public void fail(String workerId, long taskId, UUID token, String reason, boolean preempted) {
        fail(workerId, taskId, token, reason, preempted, FailureDetails.NONE);
    }

    /**
     * What a worker reports with a failed attempt, kept on the attempt: the exception's class, or
     * the simulator program's exit code and the tail of its stderr, and the CPU seconds used.
     */
    public record FailureDetails(String exception, Integer exitCode, String stderrTail, Double cpuSeconds) {
        public static final FailureDetails NONE = new FailureDetails(null, null, null, null);
    }

    @Transactional
    public void fail(String workerId, long taskId, UUID token, String reason, boolean preempted, FailureDetails details) {
        UUID studyId = tasks.studyOf(taskId).orElseThrow(() -> NotFoundException.task(taskId));
        StudyRow study = studies.lock(studyId).orElseThrow(() -> NotFoundException.study(studyId));
        TaskRow task = tasks.lock(taskId).orElseThrow(() -> NotFoundException.task(taskId));
        if (!task.holds(token)) {
            throw new LeaseNotCurrentException(leaseProblem(task, token));
        }
        String why = reason == null || reason.isBlank() ? "no reason given" : reason;
        if (preempted) {
            tasks.requeue(taskId, token, true, false, null);
            endAttempt(new TaskRepository.AttemptEnd(taskId, "preempted", why, details.cpuSeconds(), true,
                    details.exception(), details.exitCode(), details.stderrTail()));
            workers.addPreemption(workerId);
            events.append(studyId, StudyEventType.PREEMPTED, "task " + taskId + " (step " + task.step() + ", batch "
                    + task.batchIndex() + ") preempted on worker " + workerId + ": " + why);
            metrics.preempted();
            signal.signalAfterCommit(1);
            return;
        }
        workers.addFailure(workerId);
        metrics.failed();
        int failures = task.failures() + 1;
        events.append(studyId, StudyEventType.TASK_FAILED, "task " + taskId + " (step " + task.step() + ", batch "
                + task.batchIndex() + ") failed on worker " + workerId + " (failure " + failures + " of at most "
                + properties.maxAttempts() + "): " + why);
        TaskRepository.AttemptEnd failed = new TaskRepository.AttemptEnd(taskId, "failed", why, details.cpuSeconds(), true,
                details.exception(), details.exitCode(), details.stderrTail());
        if (failures >= properties.maxAttempts()) {
            tasks.requeue(taskId, token, false, true, why);
            endAttempt(failed);
            progress.failStudy(study, "task " + taskId + " (step " + task.step() + ", batch " + task.batchIndex() + ") failed "
                    + failures + " times; last error: " + why);
        } else {
            tasks.requeue(taskId, token, false, true, why);
            endAttempt(failed);
            signal.signalAfterCommit(1);
        }
    }

    private void endAttempt(TaskRepository.AttemptEnd end) {
        TaskRepository.AttemptCpu cpu = tasks.endAttempt(end);
        metrics.cpu(cpu.cpuSeconds(), cpu.cpuSecondsLost());
    }

    @Transactional
    public int release(String workerId, List<LeaseReference> leases, boolean preempted) {
        int requeued = 0;
        for (LeaseReference lease : sortedByTask(leases)) {
            UUID studyId = tasks.studyOf(lease.taskId()).orElse(null);
            if (studyId != null && tasks.requeue(lease.taskId(), lease.leaseToken(), preempted, false, null)) {
                endAttempt(TaskRepository.AttemptEnd.of(lease.taskId(), preempted ? "preempted" : "released",
                        "released by the worker" + (preempted ? " (preempted)" : " (shutdown)"), lease.cpuSeconds(), true));
                events.append(studyId, preempted ? StudyEventType.PREEMPTED : StudyEventType.RELEASED, "task "
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
        signal.signalAfterCommit(requeued);
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
        List<LeaseReference> held = new ArrayList<>();
        for (TaskRow task : tasks.leasedBy(workerId)) {
            held.add(LeaseReference.of(task.id(), task.leaseToken()));
        }
        return release(workerId, held, preempted);
    }

    /** Leases whose answer could not be written to the worker: queued again at once, not counted as preemptions. */
    @Transactional
    public int releaseUndelivered(String workerId, List<Lease> leases) {
        int requeued = 0;
        for (Lease lease : leases) {
            if (tasks.requeue(lease.taskId(), lease.leaseToken(), false, false, null)) {
                endAttempt(TaskRepository.AttemptEnd.of(lease.taskId(), "undelivered",
                        "the lease could not be delivered to the worker", null, true));
                events.append(lease.studyId(), StudyEventType.RELEASED, "task " + lease.taskId()
                        + " requeued: its lease could not be delivered to worker " + workerId);
                requeued++;
            }
        }
        signal.signalAfterCommit(requeued);
        return requeued;
    }

    /** Requeues expired leases; returns how many. */
    @Transactional
    public int sweepExpiredLeases() {
        List<TaskRepository.Expired> expired = tasks.requeueExpired(1_000);
        for (TaskRepository.Expired lease : expired) {
            endAttempt(TaskRepository.AttemptEnd.of(lease.taskId(), "expired", "the lease expired (no heartbeat)", null, true));
            events.append(lease.studyId(), StudyEventType.LEASE_EXPIRED, "lease of task " + lease.taskId() + " (step "
                    + lease.step() + ", batch " + lease.batchIndex() + ", attempt " + lease.attempt() + ") held by worker "
                    + lease.worker() + " expired; requeued");
        }
        // One update per worker, in id order, so two replicas' sweeps cannot deadlock on worker rows.
        expired.stream().filter(lease -> lease.worker() != null)
                .collect(Collectors.groupingBy(TaskRepository.Expired::worker, TreeMap::new, Collectors.counting()))
                .forEach((worker, count) -> workers.addLeaseExpiries(worker, count.intValue()));
        if (!expired.isEmpty()) {
            metrics.expired(expired.size());
            signal.signalAfterCommit(expired.size());
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
            endAttempt(TaskRepository.AttemptEnd.of(lease.taskId(), "lost", reason, null, true));
            events.append(lease.studyId(), StudyEventType.LEASE_EXPIRED, "lease of task " + lease.taskId() + " (step "
                    + lease.step() + ", batch " + lease.batchIndex() + ", attempt " + lease.attempt() + ") held by worker "
                    + workerId + " requeued at once: its launcher saw it end (" + reason + ")");
        }
        if (!lost.isEmpty()) {
            workers.addLeaseExpiries(workerId, lost.size());
            metrics.expired(lost.size());
            signal.signalAfterCommit(lost.size());
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
