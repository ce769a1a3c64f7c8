package dev.detopt.service.domain;

import dev.detopt.model.study.FieldProblem;
import java.util.List;

/**
 * Why the service refused a request, said in the service's own terms (no HTTP here): thrown by
 * the lifecycle, the queue and the study service, turned into RFC 9457 problem documents in one
 * place ({@code web.problem.DomainProblems}). Sealed, so that mapping is exhaustive.
 */
public abstract sealed class DomainException extends RuntimeException
        permits NotFoundException, IllegalTransitionException, LeaseNotCurrentException, ResultRejectedException,
        InvalidInputException, MalformedJsonException {
    private final List<FieldProblem> problems;

    protected DomainException(String detail, List<FieldProblem> problems) {
        super(detail);
        this.problems = List.copyOf(problems);
    }

    /** The offending fields (may be empty). */
    public List<FieldProblem> problems() {
        return problems;
    }

    /** "field: message" of a single problem, else "n fields are invalid". */
    protected static String summary(List<FieldProblem> problems) {
        return problems.size() == 1 ? problems.getFirst().field() + ": " + problems.getFirst().message()
                : problems.size() + " fields are invalid";
    }
}
