package dev.detopt.service.api;

import dev.detopt.model.study.FieldProblem;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.domain.InvalidInputException;
import dev.detopt.service.domain.MalformedJsonException;
import dev.detopt.service.web.ApiProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Reads small JSON request bodies field by field, so each wrong field is named in the problem (422). */
final class JsonBodies {
    static final int MAX_BODY_CHARS = 1 << 20;

    private JsonBodies() {
    }

    /** The body as an object; 400 when it is not JSON, 422 when it is not an object or has unknown fields. */
    static ObjectNode object(String body, Set<String> known) {
        if (body != null && body.length() > MAX_BODY_CHARS) {
            throw new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, "too-large", "Request too large",
                    "a request body may have at most " + MAX_BODY_CHARS + " characters",
                    List.of(new ApiProblem.FieldError("$", "larger than " + MAX_BODY_CHARS + " characters")));
        }
        JsonNode node;
        try {
            node = body == null || body.isBlank() ? WireJson.mapper().createObjectNode() : WireJson.mapper().readTree(body);
        } catch (JacksonException e) {
            throw new MalformedJsonException(new FieldProblem("$", "not valid JSON: " + e.getOriginalMessage()));
        }
        if (node == null || !node.isObject()) {
            throw InvalidInputException.of("$", "must be a JSON object");
        }
        List<FieldProblem> unknown = new ArrayList<>();
        for (String name : node.propertyNames()) {
            if (!known.contains(name)) {
                unknown.add(new FieldProblem(name, "unknown field; known: " + known));
            }
        }
        if (!unknown.isEmpty()) {
            throw new InvalidInputException(unknown);
        }
        return (ObjectNode) node;
    }

    static Integer integer(ObjectNode body, String field, List<FieldProblem> problems) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            problems.add(new FieldProblem(field, "must be an integer, was " + value));
            return null;
        }
        return value.intValue();
    }

    static Long longValue(ObjectNode body, String field, List<FieldProblem> problems) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            problems.add(new FieldProblem(field, "must be an integer, was " + value));
            return null;
        }
        return value.longValue();
    }

    static boolean bool(ObjectNode body, String field, boolean otherwise, List<FieldProblem> problems) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isBoolean()) {
            problems.add(new FieldProblem(field, "must be true or false, was " + value));
            return otherwise;
        }
        return value.booleanValue();
    }

    static String string(ObjectNode body, String field, int maxLength, List<FieldProblem> problems) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            problems.add(new FieldProblem(field, "must be a string, was " + value));
            return null;
        }
        if (value.asString().length() > maxLength) {
            problems.add(new FieldProblem(field, "must have at most " + maxLength + " characters"));
            return null;
        }
        return value.asString();
    }

    static void check(List<FieldProblem> problems) {
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
    }
}
