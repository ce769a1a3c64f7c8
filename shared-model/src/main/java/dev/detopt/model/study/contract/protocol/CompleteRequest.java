package dev.detopt.model.study.contract.protocol;

import dev.detopt.model.study.contract.BatchResult;
import java.util.UUID;

/**
 * {@code POST /api/v1/workers/{id}/tasks/{taskId}/complete}: one result.
 *
 * @param leaseToken the lease the result is claimed under
 * @param result     the batch's statistics
 * @param cpuSeconds CPU seconds the attempt used (null: not measured)
 */
public record CompleteRequest(UUID leaseToken, BatchResult result, Double cpuSeconds) {

    public CompleteRequest(UUID leaseToken, BatchResult result) {
        this(leaseToken, result, null);
    }
}
