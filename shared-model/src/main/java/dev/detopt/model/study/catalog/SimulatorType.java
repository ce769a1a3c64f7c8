package dev.detopt.model.study.catalog;

import dev.detopt.model.sim.Simulator;
import dev.detopt.model.study.FieldProblem;
import dev.detopt.model.study.contract.WireJson;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One entry of the {@link SimulatorCatalog}: how a JSON configuration becomes a simulator and its
 * detector geometry. The configuration is a record with a defaults instance; a user's JSON object
 * overrides individual fields of the defaults.
 *
 * @param <C> the configuration record
 */
public final class SimulatorType<C> {
    private final String name;
    private final Class<C> configType;
    private final C defaults;
    private final Function<C, List<String>> problems;
    private final Function<C, Simulator> factory;
    private final BiFunction<C, Simulator, DetectorGeometry> geometry;
    private final boolean openConfig;

    public SimulatorType(String name, Class<C> configType, C defaults, Function<C, List<String>> problems,
                         Function<C, Simulator> factory, BiFunction<C, Simulator, DetectorGeometry> geometry) {
        this(name, configType, defaults, problems, factory, geometry, false);
    }

    private SimulatorType(String name, Class<C> configType, C defaults, Function<C, List<String>> problems,
                          Function<C, Simulator> factory, BiFunction<C, Simulator, DetectorGeometry> geometry,
                          boolean openConfig) {
        this.openConfig = openConfig;
        this.name = Objects.requireNonNull(name);
        this.configType = Objects.requireNonNull(configType);
        this.defaults = Objects.requireNonNull(defaults);
        this.problems = Objects.requireNonNull(problems);
        this.factory = Objects.requireNonNull(factory);
        this.geometry = Objects.requireNonNull(geometry);
    }

    public String name() {
        return name;
    }

    /**
     * A simulator whose configuration is any JSON object, passed on unchanged (external programs check
     * their own configuration), without materials or channels.
     */
    public static SimulatorType<ObjectNode> open(String name, Function<ObjectNode, Simulator> factory) {
        return new SimulatorType<>(name, ObjectNode.class, WireJson.mapper().createObjectNode(), config -> List.of(),
                factory, (config, simulator) -> DetectorGeometry.none(), true);
    }

    public ObjectNode defaults() {
        if (defaults instanceof ObjectNode node) {
            return node.deepCopy();
        }
        return (ObjectNode) WireJson.mapper().valueToTree(defaults);
    }

    /** A configured simulator: the complete configuration, the simulator and its geometry. */
    public record Configured(ObjectNode effectiveConfig, Simulator simulator, DetectorGeometry geometry) {
        @Override
        public ObjectNode effectiveConfig() {
            return effectiveConfig.deepCopy();
        }
    }

    /**
     * Overlays {@code config} (null or an object) on the defaults and builds the simulator.
     * Problems are added to {@code problemsOut} with paths under {@code path}; the configuration
     * is valid only if none were added. Returns null when no simulator could be built.
     */
    public Configured configure(JsonNode config, String path, List<FieldProblem> problemsOut) {
        ObjectNode merged = defaults();
        List<FieldProblem> found = new ArrayList<>();
        if (config != null && !config.isNull()) {
            if (!config.isObject()) {
                found.add(new FieldProblem(path, "must be a JSON object"));
            } else {
                for (Map.Entry<String, JsonNode> field : config.properties()) {
                    if (!openConfig && !merged.has(field.getKey())) {
                        found.add(new FieldProblem(path + "." + field.getKey(), "unknown configuration field of simulator '"
                                + name + "'; known: " + String.join(", ", merged.propertyNames())));
                    } else {
                        merged.set(field.getKey(), field.getValue().deepCopy());
                    }
                }
            }
        }
        // Unknown fields are reported, but the simulator is still built from the known ones so
        // that the rest of a spec can be checked against it.
        problemsOut.addAll(found);
        found.clear();
        C value;
        try {
            value = WireJson.mapper().treeToValue(merged, configType);
        } catch (JacksonException e) {
            problemsOut.add(new FieldProblem(path + describePath(e), "invalid value: " + e.getOriginalMessage()));
            return null;
        }
        for (String problem : problems.apply(value)) {
            found.add(new FieldProblem(path, problem));
        }
        if (!found.isEmpty()) {
            problemsOut.addAll(found);
            return null;
        }
        try {
            Simulator simulator = factory.apply(value);
            return new Configured((ObjectNode) WireJson.mapper().valueToTree(value), simulator, geometry.apply(value, simulator));
        } catch (IllegalArgumentException e) {
            problemsOut.add(new FieldProblem(path, e.getMessage()));
            return null;
        }
    }

    private static String describePath(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append('.').append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
