package dev.detopt.service.web.problem;

import dev.detopt.service.web.ApiProblem.FieldError;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.PropertyBindingException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;

/**
 * Turns Jackson's reading errors into a field path (as the client wrote it: {@code a.b[2].c}) and
 * a message a client can act on, without Java class names or stack traces.
 */
final class JsonBodyErrors {

    /** Field name used when the whole body is at fault (empty, not JSON, wrong top-level type). */
    static final String BODY = "body";

    private static final int MAX_MESSAGE = 200;
    private static final String NON_STANDARD_TOKEN = "Non-standard token";
    private static final String DUPLICATE_PROPERTY = "Duplicate Object property";

    private JsonBodyErrors() {
    }

    static FieldError describe(JacksonException error) {
        String field = path(error);
        return new FieldError(field, message(error));
    }

    static String path(JacksonException error) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : error.getPath()) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        if (error instanceof PropertyBindingException binding && binding.getPropertyName() != null
                && !path.toString().endsWith(binding.getPropertyName())) {
            if (!path.isEmpty()) {
                path.append('.');
            }
            path.append(binding.getPropertyName());
        }
        if (path.isEmpty() && error instanceof StreamReadException && error.processor() instanceof JsonParser parser
                && (String.valueOf(error.getOriginalMessage()).startsWith(NON_STANDARD_TOKEN)
                        || String.valueOf(error.getOriginalMessage()).startsWith(DUPLICATE_PROPERTY))) {
            // A bare NaN/Infinity, or a field given twice: name the field. Other syntax errors
            // concern the document (line and column are in the message).
            return fromPointer(parser.streamReadContext().pathAsPointer().toString());
        }
        return path.isEmpty() ? BODY : path.toString();
    }

    /** {@code /ranges/1/upper} → {@code ranges[1].upper}. */
    private static String fromPointer(String pointer) {
        StringBuilder path = new StringBuilder();
        for (String segment : pointer.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            String name = segment.replace("~1", "/").replace("~0", "~");
            if (name.chars().allMatch(Character::isDigit)) {
                path.append('[').append(name).append(']');
            } else {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(name);
            }
        }
        return path.isEmpty() ? BODY : path.toString();
    }

    private static String message(JacksonException error) {
        return switch (error) {
            case UnrecognizedPropertyException unknown -> "unknown field" + known(unknown.getKnownPropertyIds());
            case PropertyBindingException ignored -> "field not accepted here";
            case InvalidNullException ignored -> "must not be null";
            case ValueInstantiationException invalid -> invalid.getCause() != null && invalid.getCause().getMessage() != null
                    ? shorten(invalid.getCause().getMessage()) : "invalid value";
            case InvalidFormatException format -> format.getOriginalMessage().startsWith(FiniteNumbers.NOT_FINITE)
                    ? FiniteNumbers.NOT_FINITE
                    : "'" + shorten(String.valueOf(format.getValue())) + "' is not " + expected(format.getTargetType());
            case MismatchedInputException trailing when String.valueOf(trailing.getOriginalMessage()).startsWith("Trailing token")
                    -> "unexpected content after the JSON document";
            case MismatchedInputException nullValue when nullValue.getCurrentToken() == JsonToken.VALUE_NULL
                    -> "must not be null";
            case MismatchedInputException mismatch -> mismatch.getTargetType() == null
                    ? shorten(mismatch.getOriginalMessage())
                    : "must be " + expected(mismatch.getTargetType());
            case InputCoercionException coercion -> "number out of range" + coercionTarget(coercion);
            case UnexpectedEndOfInputException ignored -> "the JSON document ends too early" + at(error.getLocation());
            case StreamReadException duplicate when String.valueOf(duplicate.getOriginalMessage()).startsWith(DUPLICATE_PROPERTY)
                    -> "field given more than once";
            case StreamReadException ignored -> "malformed JSON" + at(error.getLocation()) + ": "
                    + shorten(syntaxMessage(firstLine(error.getOriginalMessage())));
            default -> "unreadable value";
        };
    }

    /** "a number", "an integer", … for the Java type a value was read into. */
    static String expected(Class<?> type) {
        if (type == null) {
            return "a valid value";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == short.class || type == Short.class || type == byte.class || type == Byte.class
                || type == java.math.BigInteger.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class
                || type == java.math.BigDecimal.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class || type == char.class || type == Character.class) {
            return "a string";
        }
        if (type == java.util.UUID.class) {
            return "a UUID";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.stream(type.getEnumConstants())
                    .map(constant -> constant.toString().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type.getName().startsWith("java.time.")) {
            return "an ISO-8601 " + type.getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
        }
        return "an object";
    }

    private static String coercionTarget(InputCoercionException coercion) {
        Class<?> target = coercion.getTargetType();
        return target == null ? "" : " for " + expected(target).replaceFirst("^an? ", "") + "";
    }

    private static String known(Collection<Object> knownFields) {
        if (knownFields == null || knownFields.isEmpty()) {
            return "";
        }
        return "; known fields: " + knownFields.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    private static String at(TokenStreamLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** Jackson's syntax message without its advice on parser features. */
    private static String syntaxMessage(String message) {
        if (message.startsWith(NON_STANDARD_TOKEN)) {
            return message.replaceFirst(": enable .*", "") + " (NaN and infinities are not JSON numbers; "
                    + FiniteNumbers.NOT_FINITE + ")";
        }
        return message.replaceFirst("(?i)[:;,]? *(enable|disable) `?[A-Za-z]+(Feature)?\\.[A-Z_]+.*$", "");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    static String shorten(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "…";
    }

    static List<FieldError> body(String message) {
        return List.of(new FieldError(BODY, message));
    }
}
