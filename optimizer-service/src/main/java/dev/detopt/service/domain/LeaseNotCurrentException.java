package dev.detopt.service.domain;

import dev.detopt.model.study.FieldProblem;
import java.util.List;

/** A lease token that no longer holds its task: expired, superseded, completed under another lease, or cancelled. */
public final class LeaseNotCurrentException extends DomainException {
    public LeaseNotCurrentException(String detail) {
        super(detail, List.of(new FieldProblem("leaseToken", detail)));
    }
}
