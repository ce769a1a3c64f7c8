package dev.detopt.service.domain;

import dev.detopt.model.study.FieldProblem;
import java.util.List;

/** Input that is well-formed but wrong: every offending field at once (a study spec, a request's items). */
public final class InvalidInputException extends DomainException {
    public InvalidInputException(List<FieldProblem> problems) {
        super(summary(problems), problems);
    }

    public static InvalidInputException of(String field, String message) {
        return new InvalidInputException(List.of(new FieldProblem(field, message)));
    }
}
