package dev.detopt.worker;

import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.protocol.BulkCompleteAnswer;
import dev.detopt.model.study.contract.protocol.BulkCompleteItem;
import dev.detopt.model.study.contract.protocol.CompleteResponse;
import dev.detopt.model.study.contract.protocol.WorkerApiLimits;
import dev.detopt.worker.ServiceClient.CallPolicy;
import dev.detopt.worker.ServiceClient.LeaseLostException;
import dev.detopt.worker.ServiceClient.ServiceException;
import dev.detopt.worker.ServiceClient.ServiceUnavailableException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Sends finished batches' results on its own thread, so the next lease is already polling while a
 * result is on its way: one result the usual way, several that waited (the service answered slower
 * than the batches ran) in one bulk request. {@link #settle} is the one place an answer is
 * classified and acted on.
 */
final class CompletionSender {
    private static final System.Logger LOG = System.getLogger(CompletionSender.class.getName());
    static final CallPolicy COMPLETE = new CallPolicy(Duration.ofSeconds(60), false);
    private static final CallPolicy COMPLETE_WHILE_STOPPING = new CallPolicy(Duration.ofSeconds(5), false);
    private static final CallPolicy REPORT = new CallPolicy(Duration.ofSeconds(10), false);
    /** Half the service's limit per bulk completion: calorimeter results are large, requests stay small. */
    static final int MAX_RESULTS_PER_REQUEST = WorkerApiLimits.MAX_RESULTS_PER_REQUEST / 2;

    /** What became of a result. */
    enum Verdict {
        /** Stored (or stored before, under the same lease). */
        ACCEPTED,
        /** The lease is no longer ours: the batch is someone else's; nothing to do. */
        LEASE_LOST,
        /** The service did not answer in time: the lease will expire and the batch run again. */
        NOT_TAKEN,
        /** The service refused the result itself: reported as a failure of the attempt. */
        REFUSED;

        static Verdict ofStatus(int status) {
            return switch (status) {
                case BulkCompleteAnswer.ACCEPTED -> ACCEPTED;
                case BulkCompleteAnswer.LEASE_NOT_CURRENT -> LEASE_LOST;
                default -> REFUSED;
            };
        }
    }

    /** A simulated batch whose result waits to be sent. */
    private record Finished(ActiveTask task, BatchExecutor.Run run) {
    }

    private final ServiceClient client;
    private final CheckpointSchedule checkpoints;
    private final Supplier<String> workerId;
    private final BooleanSupplier stopping;
    private final ExecutorService completer;
    private final LinkedBlockingQueue<Finished> finished = new LinkedBlockingQueue<>();

    CompletionSender(ServiceClient client, CheckpointSchedule checkpoints, Supplier<String> workerId, BooleanSupplier stopping,
                     ExecutorService completer) {
        this.client = client;
        this.checkpoints = checkpoints;
        this.workerId = workerId;
        this.stopping = stopping;
        this.completer = completer;
    }

    /** Queues a finished batch's result; the sender thread takes it with any others waiting. */
    void submit(ActiveTask task, BatchExecutor.Run run) {
        finished.add(new Finished(task, run));
        completer.execute(this::sendWaiting);
    }

    /** Waits for the results on their way (or gives up after the completion budget). */
    void close() throws InterruptedException {
        completer.shutdown();
        completer.awaitTermination(COMPLETE.budget().toMillis(), TimeUnit.MILLISECONDS);
    }

    private CallPolicy policy() {
        return stopping.getAsBoolean() ? COMPLETE_WHILE_STOPPING : COMPLETE;
    }

    /** Sends every result waiting at this moment. */
    private void sendWaiting() {
        List<Finished> batch = new ArrayList<>();
        finished.drainTo(batch, MAX_RESULTS_PER_REQUEST);
        if (!finished.isEmpty()) {
            completer.execute(this::sendWaiting);
        }
        if (batch.size() == 1) {
            sendOne(batch.getFirst());
        } else if (batch.size() > 1) {
            sendAll(batch);
        }
    }

    private void sendAll(List<Finished> batch) {
        List<BulkCompleteItem> results = new ArrayList<>(batch.size());
        for (Finished item : batch) {
            results.add(new BulkCompleteItem(item.task().taskId(), item.task().ref.leaseToken(), item.run().result(),
                    item.task().finalCpuSeconds));
        }
        List<BulkCompleteAnswer> answers;
        try {
            answers = client.completeAll(workerId.get(), results, policy());
        } catch (ServiceException e) {
            // An older service without the bulk endpoint, or a refused request: one by one.
            LOG.log(Level.INFO, "bulk completion refused (" + e.getMessage() + "); sending the results one by one");
            batch.forEach(this::sendOne);
            return;
        } catch (ServiceUnavailableException e) {
            batch.forEach(item -> settle(item, Verdict.NOT_TAKEN, e.getMessage(), false));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            BulkCompleteAnswer answer = i < answers.size() ? answers.get(i) : null;
            if (answer == null) {
                settle(batch.get(i), Verdict.REFUSED, "no answer for it", false);
            } else {
                Verdict verdict = Verdict.ofStatus(answer.status());
                settle(batch.get(i), verdict, verdict == Verdict.REFUSED ? answer.status() + ": " + answer.detail()
                        : answer.detail(), answer.stepCompleted());
            }
        }
    }

    private void sendOne(Finished item) {
        try {
            CompleteResponse answer = client.complete(workerId.get(), item.task().ref, item.run().result(),
                    item.task().finalCpuSeconds, policy());
            settle(item, Verdict.ACCEPTED, null, answer.stepCompleted());
        } catch (LeaseLostException e) {
            settle(item, Verdict.LEASE_LOST, e.getMessage(), false);
        } catch (ServiceUnavailableException e) {
            settle(item, Verdict.NOT_TAKEN, e.getMessage(), false);
        } catch (RuntimeException e) {
            settle(item, Verdict.REFUSED, e.getMessage(), false);
        }
    }

    /** The one place a result's fate is acted on. */
    private void settle(Finished item, Verdict verdict, String detail, boolean stepCompleted) {
        long taskId = item.task().taskId();
        switch (verdict) {
            case ACCEPTED -> {
                LOG.log(Level.INFO, "task " + taskId + " complete: " + item.run().result().events() + " events in "
                        + item.run().result().wallTimeMillis() + " ms" + (stepCompleted ? " (step completed)" : ""));
                checkpoints.deleteAfterCompletion(item.task().task);
            }
            case LEASE_LOST -> LOG.log(Level.WARNING, "task " + taskId + ": result refused, the lease is no longer ours ("
                    + detail + ")");
            case NOT_TAKEN -> LOG.log(Level.WARNING, "task " + taskId + ": the service did not take the result (" + detail
                    + "); the lease will expire and the batch run again");
            case REFUSED -> {
                LOG.log(Level.ERROR, "task " + taskId + ": the result was refused (" + detail + ")");
                try {
                    client.fail(workerId.get(), item.task().ref, "result refused: " + detail, false, REPORT);
                } catch (RuntimeException reportFailure) {
                    LOG.log(Level.WARNING, "could not report the failure of task " + taskId + ": " + reportFailure.getMessage());
                }
            }
        }
    }
}
