package dev.detopt.model.stats;


import java.util.List;

/**
 * Shape of the per-event samples of one run: m observables, n differentiated parameters, and
 * whether the estimator also reports a per-event score vector (score-function family).
 *
 * @param observables  number of per-event observables y_i
 * @param parameters   number of differentiated design parameters θ_j
 * @param gradientForm how per-event gradient samples combine into the gradient of E[y]
 * @param choices      the number of choices of each categorical design parameter the events draw (empty
 *                     without categoricals; the statistics then keep per-choice sums of every observable)
 */
public record SampleLayout(int observables, int parameters, GradientForm gradientForm,
                           List<Integer> choices) {
    public SampleLayout(int observables, int parameters, GradientForm gradientForm) {
        this(observables, parameters, gradientForm, List.of());
    }

    public SampleLayout {
        // layouts written before categorical parameters existed have no choices
        choices = choices == null ? List.of() : List.copyOf(choices);
        for (int count : choices) {
            if (count < 1) {
                throw new IllegalArgumentException("every categorical needs at least one choice, was " + choices);
            }
        }
        if (observables <= 0) {
            throw new IllegalArgumentException("observables must be positive, was " + observables);
        }
        if (parameters < 0) {
            throw new IllegalArgumentException("parameters must not be negative, was " + parameters);
        }
        if (gradientForm == null) {
            throw new IllegalArgumentException("gradientForm is required");
        }
    }

    public boolean hasScore() {
        return gradientForm == GradientForm.SCORE || gradientForm == GradientForm.SCORE_BASELINE;
    }

    /** Whether the gradient comes from a least-squares fit of y on the per-event design displacements. */
    public boolean fitsSurrogate() {
        return gradientForm == GradientForm.SURROGATE_LINEAR || gradientForm == GradientForm.SURROGATE_QUADRATIC;
    }

    /**
     * Regression features of the surrogate forms: 1, δ_1 … δ_n and, for the quadratic form,
     * δ_1² … δ_n²; 0 for the other forms.
     */
    public int surrogateFeatures() {
        return switch (gradientForm) {
            case SURROGATE_LINEAR -> 1 + parameters;
            case SURROGATE_QUADRATIC -> 1 + 2 * parameters;
            default -> 0;
        };
    }

    /** The same layout with the events' categorical choices (their counts per categorical). */
    public SampleLayout withChoices(List<Integer> counts) {
        return new SampleLayout(observables, parameters, gradientForm, counts);
    }

    public int categoricals() {
        return choices.size();
    }

    public int gradientEntries() {
        return observables * parameters;
    }

    /**
     * How a batch's per-event gradient samples g_ij estimate ∂E[y_i]/∂θ_j.
     */
    public enum GradientForm {
        /** mean of g (pathwise, finite differences, stochastic AD). */
        DIRECT,
        /** mean of g = y·s (score function; the score s is recorded too). */
        SCORE,
        /** score function with the batch-mean baseline: N/(N−1)·(mean(y·s) − mean(y)·mean(s)). */
        SCORE_BASELINE,
        /**
         * local surrogate: least squares of y on (1, δ) where δ = θ_event − θ is the event's design
         * displacement (recorded per event); the slopes estimate ∂E[y]/∂θ, the intercept E[y].
         */
        SURROGATE_LINEAR,
        /** local surrogate with a diagonal quadratic term: least squares of y on (1, δ, δ²). */
        SURROGATE_QUADRATIC
    }
}
