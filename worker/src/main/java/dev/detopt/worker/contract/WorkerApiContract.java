package dev.detopt.worker.contract;

import dev.detopt.model.study.contract.protocol.BulkCompleteAnswer;
import dev.detopt.model.study.contract.protocol.BulkCompleteItem;
import dev.detopt.model.study.contract.protocol.CheckpointKeys;
import dev.detopt.model.study.contract.protocol.LeaseGrant;
import dev.detopt.model.study.contract.protocol.LeaseReference;
import dev.detopt.model.study.contract.protocol.RegisterResponse;
import dev.detopt.model.study.contract.protocol.ReleaseRequest;
import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.worker.ServiceClient;
import dev.detopt.worker.ServiceClient.CallPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * What every implementation of the worker API must do, checked through the worker's own
 * {@link ServiceClient}: the backend-neutral contract that the real service and the worker tests'
 * fake are both held to (each module has a test that runs {@link #checks()} against its side), so
 * the two cannot drift apart. It lives with the client rather than in test code because both
 * modules' tests use it. Each check throws {@link AssertionError} when the implementation differs.
 */
public abstract class WorkerApiContract {
    private static final CallPolicy QUICK = new CallPolicy(Duration.ofSeconds(10), false);
    private static final int WAIT_SECONDS = 10;

    /** Base URL of the implementation under test. */
    protected abstract String url();

    /** A bearer token with the worker role. */
    protected abstract String workerToken();

    /**
     * Leaves exactly {@code count} tasks queued: batches 0 … count−1 of one step of a fresh study,
     * nothing else leasable. Each task's result must pass the implementation's checks when
     * computed with {@link BatchExecutor#execute}.
     */
    protected abstract void queueFreshTasks(int count);

    /** One named check. */
    public record Check(String name, Runnable body) {
    }

    public final List<Check> checks() {
        return List.of(
                new Check("registration assigns an id and the lease timings", this::registration),
                new Check("a lease grants queued tasks with token, attempt and write key", this::leaseGrants),
                new Check("an empty queue answers an empty lease after the wait", this::emptyLease),
                new Check("a heartbeat extends current leases and abandons others", this::heartbeat),
                new Check("a checkpoint report needs the current lease", this::checkpointReport),
                new Check("a released task is leased again with its checkpoint to resume from", this::releaseResumes),
                new Check("a completion is idempotent for its token and refused for a stale one", this::completion),
                new Check("a result that does not answer its task is refused with 422", this::wrongResult),
                new Check("an unknown task is 404", this::unknownTask),
                new Check("a bulk completion answers each result on its own", this::bulkCompletion),
                new Check("a failed task is queued again", this::failRequeues),
                new Check("releasing nothing hands back every lease of the worker", this::releaseEverything));
    }

    private ServiceClient client() {
        return new ServiceClient(url(), workerToken(), new CompletableFuture<>());
    }

    private String registered(ServiceClient client, String id) {
        return client.register(id, "contract-host", null, null, 1, QUICK).workerId();
    }

    private List<LeaseGrant> lease(ServiceClient client, String worker, int max, int expected) {
        List<LeaseGrant> grants = client.lease(worker, max, WAIT_SECONDS, QUICK);
        check(grants.size() == expected, "expected " + expected + " leases, got " + grants.size());
        return grants;
    }

    private static BatchResult result(LeaseGrant grant) {
        return new BatchExecutor(1, "contract").execute(grant.batchTask());
    }

    private void registration() {
        ServiceClient client = client();
        RegisterResponse chosen = client.register(null, "contract-host", null, null, 1, QUICK);
        check(chosen.workerId() != null && !chosen.workerId().isBlank(), "no worker id chosen");
        RegisterResponse given = client.register("contract-named", "contract-host", "pod-1", "node-1", 2, QUICK);
        check(given.workerId().equals("contract-named"), "the given id is kept");
        check(given.leaseSeconds() > 0 && given.heartbeatSeconds() > 0 && given.heartbeatSeconds() < given.leaseSeconds(),
                "heartbeat more often than the lease runs out: " + given);
    }

    private void leaseGrants() {
        queueFreshTasks(2);
        ServiceClient client = client();
        String worker = registered(client, "contract-lease");
        List<LeaseGrant> grants = lease(client, worker, 2, 2);
        check(!grants.get(0).leaseToken().equals(grants.get(1).leaseToken()), "distinct lease tokens");
        for (LeaseGrant grant : grants) {
            BatchTask task = grant.batchTask();
            check(grant.attempt() == 1, "first attempt is 1: " + grant.attempt());
            check(grant.resumeKey() == null, "nothing to resume from on the first attempt");
            check(grant.leaseExpiresAt().isAfter(Instant.now()), "the lease runs into the future");
            check(Objects.equals(grant.writeKey(), CheckpointKeys.attempt(task.studyId(), task.step(), task.batchIndex(), 1)),
                    "the first attempt writes to attempt-1: " + grant.writeKey());
        }
    }

    private void emptyLease() {
        queueFreshTasks(0);
        ServiceClient client = client();
        String worker = registered(client, "contract-empty");
        check(client.lease(worker, 1, 1, QUICK).isEmpty(), "nothing to lease");
    }

    private void heartbeat() {
        queueFreshTasks(1);
        ServiceClient client = client();
        String worker = registered(client, "contract-heartbeat");
        LeaseGrant grant = lease(client, worker, 1, 1).getFirst();
        long unknown = Long.MAX_VALUE - 7;
        Set<Long> abandon = client.heartbeat(worker, List.of(grant.reference().withEventsDone(3),
                new LeaseReference(unknown, UUID.randomUUID(), 0L)), QUICK);
        check(abandon.equals(Set.of(unknown)), "only the unknown lease is abandoned: " + abandon);
    }

    private void checkpointReport() {
        queueFreshTasks(1);
        ServiceClient client = client();
        String worker = registered(client, "contract-checkpoint");
        LeaseGrant grant = lease(client, worker, 1, 1).getFirst();
        BatchTask task = grant.batchTask();
        client.checkpoint(worker, grant.reference(), grant.writeKey(), task.eventFrom() + 1, null, QUICK);
        expectStatus(409, () -> client.checkpoint(worker, LeaseReference.of(grant.taskId(), UUID.randomUUID()),
                grant.writeKey(), task.eventFrom() + 1, null, QUICK));
        // Nothing a worker reports is trusted: a key outside the task's own prefix, or a next event
        // outside its batch, is refused (422), even under the current lease.
        String otherBatch = dev.detopt.model.study.contract.protocol.CheckpointKeys.attempt(task.studyId(), task.step(),
                task.batchIndex() + 1, grant.attempt());
        expectStatus(422, () -> client.checkpoint(worker, grant.reference(), otherBatch, task.eventFrom() + 1, null, QUICK));
        expectStatus(422, () -> client.checkpoint(worker, grant.reference(), grant.writeKey(), task.eventTo() + 1, null, QUICK));
    }

    private void releaseResumes() {
        queueFreshTasks(1);
        ServiceClient client = client();
        String worker = registered(client, "contract-release");
        LeaseGrant first = lease(client, worker, 1, 1).getFirst();
        BatchTask task = first.batchTask();
        client.checkpoint(worker, first.reference(), first.writeKey(), task.eventFrom() + 1, null, QUICK);
        client.release(worker, List.of(first.reference()), ReleaseRequest.PREEMPTED, QUICK);
        LeaseGrant second = lease(client, worker, 1, 1).getFirst();
        check(second.taskId() == first.taskId(), "the same task again");
        check(second.attempt() == 2, "second attempt: " + second.attempt());
        check(Objects.equals(second.resumeKey(), first.writeKey()), "resumes from the reported checkpoint: "
                + second.resumeKey());
        check(Objects.equals(second.writeKey(), CheckpointKeys.attempt(task.studyId(), task.step(), task.batchIndex(), 2)),
                "writes to attempt-2: " + second.writeKey());
    }

    private void completion() {
        queueFreshTasks(2);
        ServiceClient client = client();
        String worker = registered(client, "contract-complete");
        List<LeaseGrant> grants = lease(client, worker, 2, 2);
        LeaseGrant done = grants.get(0);
        BatchResult result = result(done);
        check(client.complete(worker, done.reference(), result, QUICK).accepted(), "accepted");
        check(client.complete(worker, done.reference(), result, QUICK).accepted(), "a retry gets the same answer");
        LeaseGrant released = grants.get(1);
        client.release(worker, List.of(released.reference()), ReleaseRequest.SHUTDOWN, QUICK);
        expectStatus(409, () -> client.complete(worker, released.reference(), result(released), QUICK));
    }

    private void wrongResult() {
        queueFreshTasks(2);
        ServiceClient client = client();
        String worker = registered(client, "contract-wrong");
        List<LeaseGrant> grants = lease(client, worker, 2, 2);
        // The other batch's result, under this batch's lease.
        expectStatus(422, () -> client.complete(worker, grants.get(0).reference(), result(grants.get(1)), QUICK));
    }

    private void unknownTask() {
        queueFreshTasks(1);
        ServiceClient client = client();
        String worker = registered(client, "contract-unknown");
        LeaseGrant grant = lease(client, worker, 1, 1).getFirst();
        expectStatus(404, () -> client.complete(worker, LeaseReference.of(Long.MAX_VALUE - 3, UUID.randomUUID()),
                result(grant), QUICK));
    }

    private void bulkCompletion() {
        queueFreshTasks(2);
        ServiceClient client = client();
        String worker = registered(client, "contract-bulk");
        List<LeaseGrant> grants = lease(client, worker, 2, 2);
        LeaseGrant current = grants.get(0);
        LeaseGrant stale = grants.get(1);
        List<BulkCompleteAnswer> answers = client.completeAll(worker, List.of(
                new BulkCompleteItem(current.taskId(), current.leaseToken(), result(current)),
                new BulkCompleteItem(stale.taskId(), UUID.randomUUID(), result(stale)),
                new BulkCompleteItem(Long.MAX_VALUE - 5, UUID.randomUUID(), result(stale))), QUICK);
        check(answers.size() == 3, "one answer per result: " + answers);
        check(answers.get(0).status() == 200 && answers.get(0).accepted(), "the current lease's result is accepted: "
                + answers.get(0));
        check(answers.get(1).status() == 409 && !answers.get(1).accepted(), "a stale token is 409: " + answers.get(1));
        check(answers.get(2).status() == 404, "an unknown task is 404: " + answers.get(2));
        check(answers.get(0).taskId() == current.taskId() && answers.get(1).taskId() == stale.taskId(),
                "answers in request order");
    }

    private void failRequeues() {
        queueFreshTasks(1);
        ServiceClient client = client();
        String worker = registered(client, "contract-fail");
        LeaseGrant first = lease(client, worker, 1, 1).getFirst();
        client.fail(worker, first.reference(), "contract check", false, QUICK);
        LeaseGrant second = lease(client, worker, 1, 1).getFirst();
        check(second.taskId() == first.taskId() && second.attempt() == 2, "the failed task, second attempt: " + second);
    }

    private void releaseEverything() {
        queueFreshTasks(2);
        ServiceClient client = client();
        String worker = registered(client, "contract-stopping");
        Set<Long> held = new HashSet<>();
        lease(client, worker, 2, 2).forEach(grant -> held.add(grant.taskId()));
        client.release(worker, List.of(), ReleaseRequest.SHUTDOWN, QUICK);
        String other = registered(client, "contract-successor");
        Set<Long> again = new HashSet<>();
        lease(client, other, 2, 2).forEach(grant -> again.add(grant.taskId()));
        check(again.equals(held), "the same tasks go to the next worker");
    }

    private static void expectStatus(int status, Runnable call) {
        try {
            call.run();
        } catch (ServiceClient.ServiceException e) {
            check(e.status() == status, "expected " + status + ", got " + e.status() + ": " + e.getMessage());
            return;
        }
        throw new AssertionError("expected " + status + ", the call succeeded");
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
