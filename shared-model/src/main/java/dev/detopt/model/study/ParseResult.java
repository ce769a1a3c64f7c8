package dev.detopt.model.study;

import java.util.List;
import java.util.stream.Collectors;

/** Either a valid {@link StudySpec} or every problem found in the input (never both). */
public record ParseResult(StudySpec spec, List<FieldProblem> problems) {
    public ParseResult {
        problems = List.copyOf(problems);
        if ((spec == null) == problems.isEmpty()) {
            throw new IllegalArgumentException("a parse result has either a spec or problems");
        }
    }

    public static ParseResult valid(StudySpec spec) {
        return new ParseResult(spec, List.of());
    }

    public static ParseResult invalid(List<FieldProblem> problems) {
        return new ParseResult(null, problems);
    }

    public boolean isValid() {
        return spec != null;
    }

    /** The spec, or an {@link InvalidStudySpecException} listing every problem. */
    public StudySpec orThrow() {
        if (spec == null) {
            throw new InvalidStudySpecException(problems);
        }
        return spec;
    }

    public String describeProblems() {
        return problems.stream().map(FieldProblem::toString).collect(Collectors.joining("\n"));
    }
}
