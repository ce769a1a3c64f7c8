package dev.detopt.model.study.contract.protocol;

import dev.detopt.model.study.FieldProblem;
import java.util.List;

/**
 * One answer of a bulk completion; {@code status} is what the single completion would have
 * answered: {@value #ACCEPTED} accepted (or a retry of an accepted result), {@value #UNKNOWN_TASK}
 * unknown task, {@value #LEASE_NOT_CURRENT} lease not current, {@value #REJECTED} the result does
 * not answer its task or has the wrong shape.
 */
public record BulkCompleteAnswer(long taskId, int status, boolean accepted, boolean stepCompleted, String detail,
                                 List<FieldProblem> errors) {
    public static final int ACCEPTED = 200;
    public static final int UNKNOWN_TASK = 404;
    public static final int LEASE_NOT_CURRENT = 409;
    public static final int REJECTED = 422;
}
