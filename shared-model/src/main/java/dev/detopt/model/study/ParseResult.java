package dev.detopt.model.study;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Either a valid {@link StudySpec} or every problem found in the input (never both).
 * {@code malformedJson}: the input was not JSON at all (one problem, at {@code $}), as opposed to
 * JSON with wrong fields.
 */
public record ParseResult(StudySpec spec, List<FieldProblem> problems, boolean malformedJson) {
    public ParseResult {
        problems = List.copyOf(problems);
        if ((spec == null) == problems.isEmpty()) {
            throw new IllegalArgumentException("a parse result has either a spec or problems");
        }
    }

    public ParseResult(StudySpec spec, List<FieldProblem> problems) {
        this(spec, problems, false);
    }

    public static ParseResult valid(StudySpec spec) {
        return new ParseResult(spec, List.of());
    }

    public static ParseResult invalid(List<FieldProblem> problems) {
        return new ParseResult(null, problems);
    }

    /** The input is not JSON: {@code problem} says where the parser stopped. */
    public static ParseResult malformed(FieldProblem problem) {
        return new ParseResult(null, List.of(problem), true);
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
