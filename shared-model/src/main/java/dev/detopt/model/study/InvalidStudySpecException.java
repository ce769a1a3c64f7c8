package dev.detopt.model.study;

import java.util.List;
import java.util.stream.Collectors;

/** A study specification failed validation; {@link #problems()} lists every problem. */
public final class InvalidStudySpecException extends IllegalArgumentException {
    private final List<FieldProblem> problems;

    public InvalidStudySpecException(List<FieldProblem> problems) {
        super("invalid study specification:\n  " + problems.stream().map(FieldProblem::toString)
                .collect(Collectors.joining("\n  ")));
        this.problems = List.copyOf(problems);
    }

    public List<FieldProblem> problems() {
        return problems;
    }
}
