package dev.detopt.model.study.contract.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.WireJson;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One task leased to a worker ({@code POST /api/v1/workers/{id}/lease}). Two checkpoint keys
 * travel with it and must not be confused: {@link #resumeKey()} (wire name {@code checkpointKey})
 * is where an earlier attempt's newest checkpoint lies, to resume from; the task's own
 * {@code checkpointKey} ({@link #writeKey()}) is where this attempt writes its checkpoints.
 *
 * @param taskId         the task
 * @param leaseToken     proof of ownership in every later call about the task
 * @param leaseExpiresAt when the lease runs out without a heartbeat
 * @param attempt        1 for the first lease of the task, raised by every new lease
 * @param resumeKey      the checkpoint to resume from; null: start at the first event
 * @param task           the {@link BatchTask} document, as the service stored it (read it strictly
 *                       with {@link #batchTask()})
 */
@JsonPropertyOrder({"taskId", "leaseToken", "leaseExpiresAt", "attempt", "checkpointKey", "task"})
public record LeaseGrant(long taskId, UUID leaseToken, Instant leaseExpiresAt, int attempt,
                         @JsonProperty("checkpointKey") String resumeKey, JsonNode task) {

    /** The task, read strictly as the batch contract demands (unknown fields and versions are errors). */
    public BatchTask batchTask() {
        return WireJson.mapper().treeToValue(task, BatchTask.class);
    }

    /** Where this attempt writes its checkpoints (the task's {@code checkpointKey}); null if the service gave none. */
    public String writeKey() {
        return task == null || task.get("checkpointKey") == null || task.get("checkpointKey").isNull() ? null
                : task.get("checkpointKey").asString();
    }

    /** The reference that names this lease in heartbeats, releases and reports. */
    public LeaseReference reference() {
        return LeaseReference.of(taskId, leaseToken);
    }
}
