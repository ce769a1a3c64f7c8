package dev.detopt.model.study.contract.protocol;

import dev.detopt.model.study.contract.WireJson;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a client reads the service's answers: leniently (a newer service may add fields to an
 * envelope), unlike the batch contract's documents, which {@link WireJson} reads strictly
 * ({@link LeaseGrant#batchTask()}).
 */
public final class WorkerApiJson {
    private static final JsonMapper LENIENT = WireJson.mapper().rebuild()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private WorkerApiJson() {
    }

    public static JsonMapper lenient() {
        return LENIENT;
    }
}
