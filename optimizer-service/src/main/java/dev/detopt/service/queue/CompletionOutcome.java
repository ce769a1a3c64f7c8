package dev.detopt.service.queue;

import dev.detopt.service.domain.DomainException;
import dev.detopt.service.domain.LeaseNotCurrentException;
import dev.detopt.service.domain.NotFoundException;
import dev.detopt.service.domain.ResultRejectedException;

/**
 * The answer to one result of a (bulk) completion: accepted, or refused for one of three reasons.
 * A refused result changed nothing. The web layer maps each kind to the status a single
 * completion would have had.
 */
public sealed interface CompletionOutcome {

    long taskId();

    /** Stored now, or earlier under the same token (a retry); {@code stepCompleted}: it finished its step. */
    record Accepted(long taskId, boolean stepCompleted) implements CompletionOutcome {
    }

    /** No such task. */
    record UnknownTask(long taskId, NotFoundException reason) implements Refusal {
    }

    /** The token does not hold the task's current lease. */
    record LeaseLost(long taskId, LeaseNotCurrentException reason) implements Refusal {
    }

    /** The result does not answer its task, or its statistics do not have the study's shape. */
    record Rejected(long taskId, ResultRejectedException reason) implements Refusal {
    }

    /** A refused result and why. */
    sealed interface Refusal extends CompletionOutcome {
        DomainException reason();
    }
}
