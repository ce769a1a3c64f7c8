package dev.detopt.model.study.contract.protocol;

import java.util.List;

/**
 * {@code POST /api/v1/workers/{id}/complete}: several results in one request (at most
 * {@link WorkerApiLimits#MAX_RESULTS_PER_REQUEST}), each answered on its own.
 */
public record BulkCompleteRequest(List<BulkCompleteItem> results) {
}
