package dev.detopt.model.study.contract.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.UUID;

/**
 * A lease a worker holds, as it names it in heartbeats and releases. Boxed so that the service can
 * name a missing field; {@code eventsDone} only in heartbeats (left out of the JSON when null).
 *
 * @param taskId     the task
 * @param leaseToken the token of the lease
 * @param eventsDone events of the batch simulated so far (heartbeats)
 * @param cpuSeconds CPU seconds this attempt has used so far (heartbeats and releases; may be null)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LeaseReference(Long taskId, UUID leaseToken, Long eventsDone, Double cpuSeconds) {

    public LeaseReference(Long taskId, UUID leaseToken, Long eventsDone) {
        this(taskId, leaseToken, eventsDone, null);
    }

    public static LeaseReference of(long taskId, UUID leaseToken) {
        return new LeaseReference(taskId, leaseToken, null, null);
    }

    public LeaseReference withEventsDone(long events) {
        return new LeaseReference(taskId, leaseToken, events, cpuSeconds);
    }

    public LeaseReference withCpuSeconds(double seconds) {
        return new LeaseReference(taskId, leaseToken, eventsDone, seconds);
    }
}
