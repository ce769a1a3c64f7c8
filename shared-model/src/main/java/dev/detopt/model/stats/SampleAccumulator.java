package dev.detopt.model.stats;

import dev.detopt.model.categorical.ScoreFunctionSums;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sufficient statistics of a run of events: the event count and exact sums of y, y², g, g² and,
 * for score estimators, s, s² and g·s (y·s² in the pure score form); for the surrogate forms, instead
 * of g, the least-squares sums XᵀX and Xᵀy of the regression features x = (1, δ[, δ²]). Because every sum is an
 * {@link ExactSum}, accumulating events in any order, on any number of threads, across
 * checkpoints and merges gives bit-identical statistics. Not thread-safe: use one per thread and {@link #merge}.
 */
public final class SampleAccumulator {
    private final SampleLayout layout;
    private long events;
    private final ExactSum[] sumY;
    private final ExactSum[] sumY2;
    private final ExactSum[] sumG;
    private final ExactSum[] sumG2;
    private final ExactSum[] sumS;
    private final ExactSum[] sumS2;
    private final ExactSum[] sumYS2;
    /** Surrogate forms: Σ x_a·x_b for a ≤ b, packed row by row (upper triangle of XᵀX). */
    private final ExactSum[] sumXX;
    /** Surrogate forms: Σ y_i·x_a, row-major (i·d + a). */
    private final ExactSum[] sumXY;
    private final double[] features;
    /** Categorical parameters: per-choice sums of each observable, categorical-major (j·m + i). */
    private final ScoreFunctionSums[] choiceSums;

    public SampleAccumulator(SampleLayout layout) {
        this.layout = layout;
        int m = layout.observables();
        int mn = layout.fitsSurrogate() ? 0 : layout.gradientEntries();
        int n = layout.hasScore() ? layout.parameters() : 0;
        int d = layout.surrogateFeatures();
        sumY = fresh(m);
        sumY2 = fresh(m);
        sumG = fresh(mn);
        sumG2 = fresh(mn);
        sumS = fresh(n);
        sumS2 = fresh(n);
        sumYS2 = fresh(layout.hasScore() ? mn : 0);
        sumXX = fresh(d * (d + 1) / 2);
        sumXY = fresh(m * d);
        features = new double[d];
        choiceSums = new ScoreFunctionSums[layout.categoricals() * m];
        for (int j = 0; j < layout.categoricals(); j++) {
            for (int i = 0; i < m; i++) {
                choiceSums[j * m + i] = new ScoreFunctionSums(layout.choices().get(j));
            }
        }
    }

    private static ExactSum[] fresh(int size) {
        ExactSum[] sums = new ExactSum[size];
        for (int i = 0; i < size; i++) {
            sums[i] = new ExactSum();
        }
        return sums;
    }

    public SampleLayout layout() {
        return layout;
    }

    public long events() {
        return events;
    }

    public void add(EventSample sample) {
        if (sample.layout() != layout && !sample.layout().equals(layout)) {
            throw new IllegalArgumentException("sample layout " + sample.layout() + " does not match " + layout);
        }
        events++;
        double[] y = sample.observables;
        double[] g = sample.gradient;
        for (int i = 0; i < y.length; i++) {
            sumY[i].add(y[i]);
            sumY2[i].add(y[i] * y[i]);
        }
        for (int k = 0; k < sumG.length; k++) {
            sumG[k].add(g[k]);
            sumG2[k].add(g[k] * g[k]);
        }
        if (layout.fitsSurrogate()) {
            addFeatures(sample.displacement, y);
        }
        for (int j = 0; j < sample.choices.length; j++) {
            for (int i = 0; i < y.length; i++) {
                choiceSums[j * y.length + i].add(sample.choices[j], y[i]);
            }
        }
        if (layout.hasScore()) {
            double[] s = sample.score;
            int n = layout.parameters();
            for (int j = 0; j < n; j++) {
                sumS[j].add(s[j]);
                sumS2[j].add(s[j] * s[j]);
            }
            // Σ g·s (= Σ y·s² when g = y·s, the pure score form); with a pathwise term in g it
            // keeps the baseline's standard error exact
            for (int i = 0; i < y.length; i++) {
                for (int j = 0; j < n; j++) {
                    sumYS2[i * n + j].add(g[i * n + j] * s[j]);
                }
            }
        }
    }

    private void addFeatures(double[] delta, double[] y) {
        int n = layout.parameters();
        int d = features.length;
        features[0] = 1.0;
        for (int j = 0; j < n; j++) {
            features[1 + j] = delta[j];
            if (d > 1 + n) {
                features[1 + n + j] = delta[j] * delta[j];
            }
        }
        int packed = 0;
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                sumXX[packed++].add(features[a] * features[b]);
            }
        }
        for (int i = 0; i < y.length; i++) {
            for (int a = 0; a < d; a++) {
                sumXY[i * d + a].add(y[i] * features[a]);
            }
        }
    }

    /** Adds another accumulator's statistics (exact: the order of merges does not matter). */
    public void merge(SampleAccumulator other) {
        if (!other.layout.equals(layout)) {
            throw new IllegalArgumentException("cannot merge " + other.layout + " into " + layout);
        }
        events += other.events;
        mergeAll(sumY, other.sumY);
        mergeAll(sumY2, other.sumY2);
        mergeAll(sumG, other.sumG);
        mergeAll(sumG2, other.sumG2);
        mergeAll(sumS, other.sumS);
        mergeAll(sumS2, other.sumS2);
        mergeAll(sumYS2, other.sumYS2);
        mergeAll(sumXX, other.sumXX);
        mergeAll(sumXY, other.sumXY);
        for (int k = 0; k < choiceSums.length; k++) {
            choiceSums[k].add(other.choiceSums[k]);
        }
    }

    private static void mergeAll(ExactSum[] into, ExactSum[] from) {
        for (int i = 0; i < into.length; i++) {
            into[i].add(from[i]);
        }
    }

    /** Serial form of the statistics; {@link #restore} gives back an identical accumulator. */
    public AccumulatorState state() {
        return new AccumulatorState(layout, events, states(sumY), states(sumY2), states(sumG), states(sumG2),
                states(sumS), states(sumS2), states(sumYS2), states(sumXX), states(sumXY), choiceStates());
    }

    private List<ScoreFunctionSums.State> choiceStates() {
        List<ScoreFunctionSums.State> states = new ArrayList<>(choiceSums.length);
        for (ScoreFunctionSums sums : choiceSums) {
            states.add(sums.state());
        }
        return states;
    }

    private static ExactSum.State[] states(ExactSum[] sums) {
        ExactSum.State[] out = new ExactSum.State[sums.length];
        for (int i = 0; i < sums.length; i++) {
            out[i] = sums[i].state();
        }
        return out;
    }

    public static SampleAccumulator restore(AccumulatorState state) {
        SampleAccumulator acc = new SampleAccumulator(state.layout());
        if (state.events() < 0) {
            throw new IllegalArgumentException("events must not be negative");
        }
        acc.events = state.events();
        load(acc.sumY, state.sumY(), "sumY");
        load(acc.sumY2, state.sumY2(), "sumY2");
        load(acc.sumG, state.sumG(), "sumG");
        load(acc.sumG2, state.sumG2(), "sumG2");
        load(acc.sumS, state.sumS(), "sumS");
        load(acc.sumS2, state.sumS2(), "sumS2");
        load(acc.sumYS2, state.sumYS2(), "sumYS2");
        load(acc.sumXX, state.sumXX(), "sumXX");
        load(acc.sumXY, state.sumXY(), "sumXY");
        List<ScoreFunctionSums.State> choices = state.choiceSums();
        if (choices.size() != acc.choiceSums.length) {
            throw new IllegalArgumentException("choiceSums has " + choices.size() + " entries, the layout needs "
                    + acc.choiceSums.length);
        }
        int m = state.layout().observables();
        for (int k = 0; k < choices.size(); k++) {
            ScoreFunctionSums restored = ScoreFunctionSums.fromState(choices.get(k));
            int expected = state.layout().choices().get(k / m);
            if (restored.choices() != expected) {
                throw new IllegalArgumentException("choiceSums[" + k + "] has " + restored.choices() + " choices, the layout "
                        + expected);
            }
            if (restored.events() != acc.events) {
                throw new IllegalArgumentException("choiceSums[" + k + "] counts " + restored.events() + " events, the "
                        + "statistics " + acc.events);
            }
            acc.choiceSums[k] = restored;
        }
        return acc;
    }

    private static void load(ExactSum[] into, ExactSum.State[] from, String name) {
        if (from == null || from.length != into.length) {
            throw new IllegalArgumentException(name + " has " + (from == null ? "no" : from.length)
                    + " entries, the layout needs " + into.length);
        }
        for (int i = 0; i < into.length; i++) {
            into[i] = ExactSum.fromState(from[i]);
        }
    }

    /** The per-choice sums of observable {@code observable} for categorical {@code categorical}. */
    public ScoreFunctionSums choiceSums(int categorical, int observable) {
        return choiceSums[categorical * layout.observables() + observable];
    }

    public double sumObservable(int i) {
        return sumY[i].value();
    }

    /** Means and standard errors of the observables and of ∂E[y]/∂θ, per the layout's gradient form. */
    public SampleSummary summary() {
        int m = layout.observables();
        int n = layout.parameters();
        double count = events;
        double[] mean = new double[m];
        double[] meanStderr = new double[m];
        double[] secondMoment = new double[m];
        for (int i = 0; i < m; i++) {
            double s1 = sumY[i].value();
            double s2 = sumY2[i].value();
            mean[i] = s1 / count;
            secondMoment[i] = s2 / count;
            meanStderr[i] = standardError(s1, s2, count);
        }
        double[] grad = new double[m * n];
        double[] gradStderr = new double[m * n];
        if (layout.fitsSurrogate()) {
            SurrogateFit.fit(layout, events, sumXX, sumXY, sumY2, mean, meanStderr, grad, gradStderr);
            return new SampleSummary(layout, events, mean, meanStderr, secondMoment, grad, gradStderr);
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int k = i * n + j;
                double g1 = sumG[k].value();
                double g2 = sumG2[k].value();
                if (layout.gradientForm() == SampleLayout.GradientForm.SCORE_BASELINE) {
                    double yBar = mean[i];
                    double sBar = sumS[j].value() / count;
                    double correction = count / (count - 1);
                    grad[k] = correction * (g1 / count - yBar * sBar);
                    // per-event z = g − ȳ·s; Σz² = Σg² − 2ȳ Σg·s + ȳ² Σs²
                    double sumZ = g1 - yBar * sumS[j].value();
                    double sumZ2 = g2 - 2 * yBar * sumYS2[k].value() + yBar * yBar * sumS2[j].value();
                    gradStderr[k] = correction * standardError(sumZ, sumZ2, count);
                } else {
                    grad[k] = g1 / count;
                    gradStderr[k] = standardError(g1, g2, count);
                }
            }
        }
        return new SampleSummary(layout, events, mean, meanStderr, secondMoment, grad, gradStderr);
    }

    /** Standard error of the mean from Σx, Σx² over count samples (NaN below two samples). */
    static double standardError(double sum, double sumSquares, double count) {
        if (count < 2) {
            return Double.NaN;
        }
        double variance = (sumSquares - sum * sum / count) / (count - 1);
        return Math.sqrt(Math.max(variance, 0.0) / count);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleAccumulator other && state().equals(other.state());
    }

    @Override
    public int hashCode() {
        return state().hashCode();
    }

    @Override
    public String toString() {
        return "SampleAccumulator[" + layout + ", events=" + events + ", meanY=" + Arrays.toString(summary().mean()) + "]";
    }
}
