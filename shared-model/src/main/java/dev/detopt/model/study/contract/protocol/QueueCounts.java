package dev.detopt.model.study.contract.protocol;

/**
 * {@code GET /api/v1/workers/queue}: tasks waiting for a lease (of running studies) and tasks leased.
 */
public record QueueCounts(long queued, long leased) {
}
