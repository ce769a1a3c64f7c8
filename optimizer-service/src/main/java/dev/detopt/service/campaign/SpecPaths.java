package dev.detopt.service.campaign;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Dotted paths into a spec document, as a group's {@code vary} names them: {@code seed},
 * {@code cost.budget}, {@code estimator.kind}, {@code parameters[0].initial}, and, in a list of
 * named objects, the element by its name: {@code parameters.mu.initial}.
 */
public final class SpecPaths {
    private static final Pattern INDEXED = Pattern.compile("([^\\[\\]]+)\\[(\\d+)]");

    private SpecPaths() {
    }

    /** Where a path points: the container holding the value and its key (objects) or index (arrays). */
    public record Location(JsonNode container, String key, int index) {
        public JsonNode value() {
            return key != null ? container.get(key) : container.get(index);
        }

        public void set(JsonNode value) {
            if (key != null) {
                ((ObjectNode) container).set(key, value);
            } else {
                ((ArrayNode) container).set(index, value);
            }
        }
    }

    /** The location of an existing scalar field (number, string or boolean), or null when there is none. */
    public static Location find(JsonNode root, String path) {
        if (path == null || path.isBlank()) {
            return null;
        }
        String[] segments = path.split("\\.", -1);
        JsonNode node = root;
        Location location = null;
        for (String segment : segments) {
            if (segment.isEmpty() || node == null) {
                return null;
            }
            Matcher indexed = INDEXED.matcher(segment);
            if (indexed.matches()) {
                JsonNode list = node.isObject() ? node.get(indexed.group(1)) : null;
                int index = Integer.parseInt(indexed.group(2));
                if (list == null || !list.isArray() || index >= list.size()) {
                    return null;
                }
                location = new Location(list, null, index);
            } else if (node.isObject()) {
                if (!node.has(segment)) {
                    return null;
                }
                location = new Location(node, segment, -1);
            } else if (node.isArray()) {
                location = null;
                for (int i = 0; i < node.size(); i++) {
                    JsonNode name = node.get(i).get("name");
                    if (name != null && name.isString() && name.asString().equals(segment)) {
                        location = new Location(node, null, i);
                        break;
                    }
                }
                if (location == null) {
                    return null;
                }
            } else {
                return null;
            }
            node = location.value();
        }
        return node != null && (node.isNumber() || node.isString() || node.isBoolean()) ? location : null;
    }

    /** Why {@code value} cannot replace {@code current} (another JSON type, or a fraction for an integer), or null. */
    public static String typeMismatch(JsonNode current, JsonNode value) {
        if (current.isNumber()) {
            if (!value.isNumber()) {
                return "must be a number, was " + value;
            }
            if (current.isIntegralNumber() && !value.isIntegralNumber()) {
                return "must be an integer, was " + value;
            }
            return null;
        }
        if (current.isString()) {
            return value.isString() ? null : "must be a string, was " + value;
        }
        if (current.isBoolean()) {
            return value.isBoolean() ? null : "must be true or false, was " + value;
        }
        return "cannot be varied";
    }
}
