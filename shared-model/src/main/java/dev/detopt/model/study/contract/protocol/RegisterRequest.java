package dev.detopt.model.study.contract.protocol;

/**
 * {@code POST /api/v1/workers/register}: who the worker is. Every field may be null; the service
 * chooses an id when {@code workerId} is null.
 *
 * @param workerId stable id to register with (re-registering it counts as a restart)
 * @param host     host name
 * @param pod      Kubernetes pod name (downward API)
 * @param node     Kubernetes node name
 * @param threads  simulation threads
 */
public record RegisterRequest(String workerId, String host, String pod, String node, Integer threads) {
}
