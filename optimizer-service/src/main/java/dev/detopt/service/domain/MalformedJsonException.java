package dev.detopt.service.domain;

import dev.detopt.model.study.FieldProblem;
import java.util.List;

/** A document that is not JSON at all (as opposed to JSON with wrong fields). */
public final class MalformedJsonException extends DomainException {
    public MalformedJsonException(FieldProblem problem) {
        super(problem.message(), List.of(problem));
    }
}
