package dev.detopt.service.domain;

import dev.detopt.model.study.FieldProblem;
import java.util.List;

/** A study or task that does not exist. */
public final class NotFoundException extends DomainException {
    public NotFoundException(String what, Object id) {
        super(what + " " + id + " does not exist", List.of(new FieldProblem("id", "no " + what + " with id " + id)));
    }

    public static NotFoundException study(Object id) {
        return new NotFoundException("study", id);
    }

    public static NotFoundException task(long id) {
        return new NotFoundException("task", id);
    }
}
