package dev.detopt.service.web.problem;

import dev.detopt.service.web.ApiProblem;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * Building the RFC 9457 documents of the API: {@code type}, {@code title}, {@code status},
 * {@code detail}, {@code instance} and an {@code errors} array of {@code {field, message}} (empty
 * when no single field is at fault).
 */
public final class Problems {

    /** Base of every {@code type} URI; {@link ApiProblem} uses the same. */
    public static final String TYPE_BASE = "https://detopt.dev/problems/";

    public static final MediaType MEDIA_TYPE = MediaType.APPLICATION_PROBLEM_JSON;

    private Problems() {
    }

    public static ProblemDetail of(HttpStatusCode status, String type, String title, String detail,
            List<ApiProblem.FieldError> errors, String instance) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_BASE + type));
        problem.setTitle(title);
        if (instance != null) {
            problem.setInstance(URI.create(instance));
        }
        problem.setProperty("errors", errors.stream().map(Problems::errorEntry).toList());
        return problem;
    }

    /** A problem for a status with no particular field at fault, e.g. 401, 404, 405. */
    public static ProblemDetail ofStatus(HttpStatusCode status, String detail, String instance) {
        return of(status, typeOf(status), titleOf(status), detail, List.of(), instance);
    }

    public static ProblemDetail of(ApiProblem problem, String instance) {
        return of(problem.status(), problem.type().toString().substring(TYPE_BASE.length()), problem.title(),
                problem.getMessage(), problem.errors(), instance);
    }

    /** The {@code type} suffix used for a status when nothing more specific applies. */
    public static String typeOf(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> "bad-request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 409 -> "conflict";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            case 422 -> "invalid";
            case 500 -> "internal-error";
            case 503 -> "unavailable";
            default -> "http-" + status.value();
        };
    }

    public static String titleOf(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known == null ? "HTTP " + status.value() : known.getReasonPhrase();
    }

    /** The document as an ordered map, for writers that work outside Spring MVC (security filters). */
    public static Map<String, Object> asMap(ProblemDetail problem) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("type", problem.getType().toString());
        map.put("title", problem.getTitle());
        map.put("status", problem.getStatus());
        map.put("detail", problem.getDetail());
        if (problem.getInstance() != null) {
            map.put("instance", problem.getInstance().toString());
        }
        if (problem.getProperties() != null) {
            map.putAll(problem.getProperties());
        }
        return map;
    }

    private static Map<String, String> errorEntry(ApiProblem.FieldError error) {
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put("field", error.field());
        entry.put("message", error.message());
        return entry;
    }
}
