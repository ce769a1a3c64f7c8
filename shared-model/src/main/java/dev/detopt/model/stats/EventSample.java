package dev.detopt.model.stats;

/**
 * The output of simulating one event under one gradient estimator: the observables y (length m),
 * a per-event gradient sample g (m×n, row-major: g[i·n + j] estimates ∂y_i/∂θ_j in expectation), and,
 * for score-function estimators, the score s_j = ∂ log p(ω; θ)/∂θ_j (length n), and, for the
 * surrogate estimator, the event's design displacement δ_j = θ_event,j − θ_j (length n). Reused between
 * events to keep the hot path free of allocations.
 */
public final class EventSample {
    private final SampleLayout layout;
    public final double[] observables;
    public final double[] gradient;
    public final double[] score;
    public final double[] displacement;
    /** The event's choice (index) of each categorical design parameter. */
    public final int[] choices;

    public EventSample(SampleLayout layout) {
        this.layout = layout;
        this.observables = new double[layout.observables()];
        this.gradient = new double[layout.gradientEntries()];
        this.score = new double[layout.hasScore() ? layout.parameters() : 0];
        this.displacement = new double[layout.fitsSurrogate() ? layout.parameters() : 0];
        this.choices = new int[layout.categoricals()];
    }

    public SampleLayout layout() {
        return layout;
    }

    public void clear() {
        java.util.Arrays.fill(observables, 0.0);
        java.util.Arrays.fill(gradient, 0.0);
        java.util.Arrays.fill(score, 0.0);
        java.util.Arrays.fill(displacement, 0.0);
    }
}
