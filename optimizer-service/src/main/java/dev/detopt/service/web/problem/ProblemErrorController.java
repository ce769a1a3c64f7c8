package dev.detopt.service.web.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Spring Boot's error page: errors raised outside Spring MVC (by a filter or the servlet
 * container) are rendered as problem documents too, with the status and no exception details.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    private final DatabaseUnavailableProblems databaseUnavailable;

    public ProblemErrorController(DatabaseUnavailableProblems databaseUnavailable) {
        this.databaseUnavailable = databaseUnavailable;
    }

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<java.util.Map<String, Object>> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatusCode status = code instanceof Integer value && value >= 400 && value < 600
                ? HttpStatusCode.valueOf(value) : HttpStatus.INTERNAL_SERVER_ERROR;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String instance = uri instanceof String path ? path : null;
        // e.g. the bearer-token filter looking a token up while PostgreSQL is down
        var unavailable = databaseUnavailable.answer((Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION), instance);
        if (unavailable.isPresent()) {
            return unavailable.get();
        }
        String detail = status.is5xxServerError() ? "the server could not handle this request; the error is logged"
                : Problems.titleOf(status);
        return ResponseEntity.status(status).contentType(Problems.MEDIA_TYPE)
                .body(Problems.asMap(Problems.ofStatus(status, detail, instance)));
    }
}
