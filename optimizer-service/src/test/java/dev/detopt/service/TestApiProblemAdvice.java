package dev.detopt.service;

import dev.detopt.service.web.ApiProblem;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Test-only stand-in that renders {@link ApiProblem} until the service's own problem-details
 * advice (task F, dev.detopt.service.web.problem) is merged; it has the lowest precedence, so
 * that advice wins once present. Delete this class then.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class TestApiProblemAdvice {

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<ProblemDetail> problem(ApiProblem problem) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(problem.status(), problem.getMessage());
        detail.setTitle(problem.title());
        detail.setType(problem.type());
        detail.setProperty("errors", problem.errors());
        return ResponseEntity.status(problem.status()).body(detail);
    }
}
