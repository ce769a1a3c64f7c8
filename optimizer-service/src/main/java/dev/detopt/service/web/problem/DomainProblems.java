package dev.detopt.service.web.problem;

import dev.detopt.service.domain.DomainException;
import dev.detopt.service.domain.IllegalTransitionException;
import dev.detopt.service.domain.InvalidInputException;
import dev.detopt.service.domain.LeaseNotCurrentException;
import dev.detopt.service.domain.MalformedJsonException;
import dev.detopt.service.domain.NotFoundException;
import dev.detopt.service.domain.ResultRejectedException;
import dev.detopt.service.web.ApiProblem;
import org.springframework.http.HttpStatus;

/** The one place where a domain refusal becomes an HTTP status and a problem document. */
public final class DomainProblems {
    private DomainProblems() {
    }

    public static HttpStatus status(DomainException refusal) {
        return switch (refusal) {
            case NotFoundException ignored -> HttpStatus.NOT_FOUND;
            case IllegalTransitionException ignored -> HttpStatus.CONFLICT;
            case LeaseNotCurrentException ignored -> HttpStatus.CONFLICT;
            case ResultRejectedException ignored -> HttpStatus.UNPROCESSABLE_CONTENT;
            case InvalidInputException ignored -> HttpStatus.UNPROCESSABLE_CONTENT;
            case MalformedJsonException ignored -> HttpStatus.BAD_REQUEST;
        };
    }

    public static ApiProblem of(DomainException refusal) {
        var errors = refusal.problems().stream().map(p -> new ApiProblem.FieldError(p.field(), p.message())).toList();
        String detail = refusal.getMessage();
        return switch (refusal) {
            case NotFoundException ignored -> new ApiProblem(status(refusal), "not-found", "Not found", detail, errors);
            case IllegalTransitionException ignored -> new ApiProblem(status(refusal), "conflict", "Conflict", detail, errors);
            case LeaseNotCurrentException ignored -> new ApiProblem(status(refusal), "conflict", "Conflict", detail, errors);
            case ResultRejectedException ignored -> new ApiProblem(status(refusal), "invalid", "Invalid request", detail, errors);
            case InvalidInputException ignored -> new ApiProblem(status(refusal), "invalid", "Invalid request", detail, errors);
            case MalformedJsonException ignored -> new ApiProblem(status(refusal), "malformed-json", "Malformed JSON", detail,
                    errors);
        };
    }
}
