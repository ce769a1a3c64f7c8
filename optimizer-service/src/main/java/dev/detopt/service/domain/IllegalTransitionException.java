package dev.detopt.service.domain;

import dev.detopt.model.study.FieldProblem;
import java.util.List;

/** An action the study's status does not allow (start a running study, delete a running one). */
public final class IllegalTransitionException extends DomainException {
    public IllegalTransitionException(String detail) {
        super(detail, List.of(new FieldProblem("status", detail)));
    }
}
