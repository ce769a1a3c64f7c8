package dev.detopt.service.web;

import java.net.URI;
import java.util.List;

import org.springframework.http.HttpStatus;

/**
 * A client error the API reports as an RFC 9457 problem document: thrown by controllers and
 * services, rendered by the problem-details advice. Carries the offending fields so clients (and
 * the dashboard) can show the error next to the field.
 */
public class ApiProblem extends RuntimeException {

    /** One offending field: a JSON path such as {@code parameters[1].lower}, or a parameter name. */
    public record FieldError(String field, String message) {
    }

    private final HttpStatus status;
    private final String title;
    private final URI type;
    private final List<FieldError> errors;

    public ApiProblem(HttpStatus status, String type, String title, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.type = URI.create("https://detopt.dev/problems/" + type);
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public static ApiProblem notFound(String what, Object id) {
        return new ApiProblem(HttpStatus.NOT_FOUND, "not-found", "Not found",
                what + " " + id + " does not exist", List.of(new FieldError("id", "no " + what + " with id " + id)));
    }

    public static ApiProblem conflict(String detail) {
        return new ApiProblem(HttpStatus.CONFLICT, "conflict", "Conflict", detail, List.of());
    }

    public static ApiProblem conflict(String field, String detail) {
        return new ApiProblem(HttpStatus.CONFLICT, "conflict", "Conflict", detail, List.of(new FieldError(field, detail)));
    }

    public static ApiProblem invalid(List<FieldError> errors) {
        return new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "invalid", "Invalid request",
                errors.size() == 1 ? errors.getFirst().field() + ": " + errors.getFirst().message()
                        : errors.size() + " fields are invalid", errors);
    }

    public static ApiProblem badRequest(String field, String message) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", field + ": " + message,
                List.of(new FieldError(field, message)));
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    public URI type() {
        return type;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
