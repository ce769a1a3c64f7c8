package dev.detopt.model.study.contract.protocol;

import dev.detopt.model.study.contract.BatchResult;
import java.util.UUID;

/**
 * One result of a bulk completion: the task, the lease token that claims it, the result, and the
 * CPU seconds the attempt used (null: not measured).
 */
public record BulkCompleteItem(Long taskId, UUID leaseToken, BatchResult result, Double cpuSeconds) {

    public BulkCompleteItem(Long taskId, UUID leaseToken, BatchResult result) {
        this(taskId, leaseToken, result, null);
    }
}
