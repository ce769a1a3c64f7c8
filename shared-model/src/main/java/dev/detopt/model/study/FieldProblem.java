package dev.detopt.model.study;

/**
 * One problem with a study specification.
 *
 * @param field   path of the offending field, e.g. {@code parameters[1].lower} or {@code optimizer.beta1};
 *                {@code $} for the document as a whole
 * @param message what is wrong, in words a physicist can act on
 */
public record FieldProblem(String field, String message) {
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
