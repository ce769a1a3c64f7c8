package dev.detopt.service.queue;

import dev.detopt.model.study.contract.BatchCoordinates;
import java.time.Instant;
import java.util.UUID;

/** One row of {@code tasks} (without the task and result JSON). */
public record TaskRow(
        long id,
        UUID studyId,
        int step,
        int batchIndex,
        long eventFrom,
        long eventTo,
        TaskState state,
        int attempt,
        String leaseOwner,
        UUID leaseToken,
        Instant leaseExpiresAt,
        boolean leaseExpired,
        String checkpointKey,
        UUID completedToken,
        Boolean stepCompleted,
        int failures,
        int preemptions,
        int expiries) {

    public BatchCoordinates coordinates() {
        return new BatchCoordinates(studyId.toString(), step, batchIndex, eventFrom, eventTo);
    }

    public boolean holds(UUID token) {
        return state == TaskState.LEASED && token.equals(leaseToken) && !leaseExpired;
    }
}
