package dev.detopt.model.study;

import tools.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * Which simulator and its fixed configuration. In a parsed spec the configuration is complete
 * (the simulator's defaults filled in), so a stored study does not change when defaults change.
 */
public record SimulatorSpec(String name, ObjectNode config) {
    public SimulatorSpec {
        Objects.requireNonNull(name, "name");
        config = config == null ? null : config.deepCopy();
    }

    /** A copy: the spec stays immutable. */
    @Override
    public ObjectNode config() {
        return config == null ? null : config.deepCopy();
    }
}
