package dev.detopt.service.domain;

import dev.detopt.model.study.FieldProblem;
import java.util.List;

/** A result that does not answer its task, or whose statistics do not have the study's shape. Nothing was stored. */
public final class ResultRejectedException extends DomainException {
    public ResultRejectedException(String field, String message) {
        super(field + ": " + message, List.of(new FieldProblem(field, message)));
    }
}
