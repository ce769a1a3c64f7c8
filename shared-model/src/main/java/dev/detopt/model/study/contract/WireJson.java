package dev.detopt.model.study.contract;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one configured Jackson mapper for every detopt wire and storage type: batch tasks, results,
 * checkpoints, study specs, states and step records. Doubles are written in their shortest
 * round-trip form and read back exactly, so a value that goes through JSON (or PostgreSQL JSONB)
 * comes back bit-identical. Unknown properties are errors (types are versioned instead), and
 * records keep their declared property order.
 */
public final class WireJson {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private WireJson() {
    }

    /** Thread-safe and shared; do not reconfigure (use {@code mapper().rebuild()} for a variant). */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    public static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    public static <T> T read(String json, Class<T> type) {
        return MAPPER.readValue(json, type);
    }
}
