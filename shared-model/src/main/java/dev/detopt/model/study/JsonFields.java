package dev.detopt.model.study;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the fields of one JSON object, recording a {@link FieldProblem} (instead of throwing) for
 * every missing, mistyped or non-finite value, and, at {@link #finish}, for every field nobody read.
 */
final class JsonFields {
    private final JsonNode node;
    private final String path;
    private final List<FieldProblem> problems;
    private final Set<String> known = new LinkedHashSet<>();

    private JsonFields(JsonNode node, String path, List<FieldProblem> problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    /** Fields of {@code node}, or null (with a problem) when it is not an object. */
    static JsonFields of(JsonNode node, String path, List<FieldProblem> problems) {
        if (node == null || !node.isObject()) {
            problems.add(new FieldProblem(path.isEmpty() ? "$" : path, "must be a JSON object"));
            return null;
        }
        return new JsonFields(node, path, problems);
    }

    String path() {
        return path;
    }

    String at(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    void problem(String field, String message) {
        problems.add(new FieldProblem(field == null ? (path.isEmpty() ? "$" : path) : at(field), message));
    }

    /** The raw node of a field (null when absent or JSON null); marks the field as known. */
    JsonNode raw(String field) {
        known.add(field);
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    boolean has(String field) {
        return raw(field) != null;
    }

    String string(String field, boolean required) {
        JsonNode value = raw(field);
        if (value == null) {
            return missing(field, required);
        }
        if (!value.isString()) {
            problem(field, "must be a string");
            return null;
        }
        return value.stringValue();
    }

    Double number(String field, boolean required) {
        JsonNode value = raw(field);
        if (value == null) {
            return missing(field, required);
        }
        return number(value, at(field), problems);
    }

    static Double number(JsonNode value, String path, List<FieldProblem> problems) {
        if (!value.isNumber()) {
            problems.add(new FieldProblem(path, "must be a number"));
            return null;
        }
        double d = value.doubleValue();
        if (!Double.isFinite(d)) {
            problems.add(new FieldProblem(path, "must be a finite number (NaN and ±Infinity are not allowed)"));
            return null;
        }
        return d;
    }

    Long integer(String field, boolean required) {
        JsonNode value = raw(field);
        if (value == null) {
            return missing(field, required);
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            problem(field, value.isNumber() ? "must be a whole number (64-bit integer)" : "must be an integer");
            return null;
        }
        return value.longValue();
    }

    Boolean bool(String field, boolean required) {
        JsonNode value = raw(field);
        if (value == null) {
            return missing(field, required);
        }
        if (!value.isBoolean()) {
            problem(field, "must be true or false");
            return null;
        }
        return value.booleanValue();
    }

    JsonFields object(String field, boolean required) {
        JsonNode value = raw(field);
        if (value == null) {
            return missing(field, required);
        }
        return of(value, at(field), problems);
    }

    /** Elements of an array field (null when absent or not an array). */
    List<JsonNode> array(String field, boolean required) {
        JsonNode value = raw(field);
        if (value == null) {
            return missing(field, required);
        }
        if (!value.isArray()) {
            problem(field, "must be an array");
            return null;
        }
        List<JsonNode> elements = new ArrayList<>();
        value.forEach(elements::add);
        return elements;
    }

    private <T> T missing(String field, boolean required) {
        if (required) {
            problem(field, "is required");
        }
        return null;
    }

    /** Reports fields that were never read as unknown. */
    void finish() {
        for (String name : node.propertyNames()) {
            if (!known.contains(name)) {
                problem(name, "unknown field; expected one of: " + String.join(", ", known));
            }
        }
    }
}
