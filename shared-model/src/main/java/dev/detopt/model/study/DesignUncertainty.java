package dev.detopt.model.study;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An uncertainty for each free parameter of a study's answer, from its recorded steps
 * (docs/study-model.md, "The answer and its uncertainty"):
 * <ul>
 *   <li>{@code gauss-newton}, for a profile match whose newest step recorded the Jacobian
 *       J_ik = ∂E[y_i]/∂θ_k of its compared observables: covariance ≈ (JᵀWJ)⁻¹ with
 *       W = diag(1/σ_i²), σ_i the standard errors of those observables' means at that step. It says
 *       how tightly one step's sample of the profile pins the design.</li>
 *   <li>{@code spread}, otherwise (or when JᵀWJ is singular or an input is not finite): the sample
 *       standard deviation of θ_k over the last {@value #SPREAD_WINDOW} steps (at least
 *       {@value #SPREAD_MINIMUM}); it measures how much the design still moves, not a statistical
 *       error.</li>
 *   <li>{@code none}: too few steps for either.</li>
 * </ul>
 */
public final class DesignUncertainty {
    /** Steps the spread is taken over. */
    public static final int SPREAD_WINDOW = 10;
    /** Fewest steps a spread is given for. */
    public static final int SPREAD_MINIMUM = 3;

    /**
     * @param method     {@code gauss-newton}, {@code spread} or {@code none}
     * @param steps      the steps used: the newest (Gauss–Newton) or the window (spread)
     * @param stderr     one standard uncertainty per free parameter (empty for {@code none})
     * @param covariance the Gauss–Newton covariance (row by row, in free-parameter order), else null
     */
    public record Estimate(String method, List<Integer> steps, Map<String, Double> stderr, double[][] covariance) {
    }

    private DesignUncertainty() {
    }

    /**
     * @param profileMatch   whether the study's objective is a profile match
     * @param freeParameters the free parameters, in simulator order
     * @param recent         the newest steps, oldest first (at least the last {@value #SPREAD_WINDOW} if there are that many)
     */
    public static Estimate of(boolean profileMatch, List<String> freeParameters, List<StepRecord> recent) {
        if (recent.isEmpty() || freeParameters.isEmpty()) {
            return new Estimate("none", List.of(), Map.of(), null);
        }
        StepRecord newest = recent.getLast();
        if (profileMatch) {
            double[][] covariance = gaussNewtonCovariance(freeParameters, newest);
            if (covariance != null) {
                Map<String, Double> stderr = new LinkedHashMap<>();
                for (int k = 0; k < freeParameters.size(); k++) {
                    stderr.put(freeParameters.get(k), Math.sqrt(covariance[k][k]));
                }
                return new Estimate("gauss-newton", List.of(newest.step()), stderr, covariance);
            }
        }
        List<StepRecord> window = recent.subList(Math.max(0, recent.size() - SPREAD_WINDOW), recent.size());
        if (window.size() < SPREAD_MINIMUM) {
            return new Estimate("none", List.of(), Map.of(), null);
        }
        Map<String, Double> stderr = new LinkedHashMap<>();
        for (String name : freeParameters) {
            double mean = 0;
            for (StepRecord record : window) {
                mean += record.theta().get(name);
            }
            mean /= window.size();
            double squares = 0;
            for (StepRecord record : window) {
                double d = record.theta().get(name) - mean;
                squares += d * d;
            }
            stderr.put(name, Math.sqrt(squares / (window.size() - 1)));
        }
        return new Estimate("spread", window.stream().map(StepRecord::step).toList(), stderr, null);
    }

    /** (JᵀWJ)⁻¹ from the record's Jacobian rows, or null when it cannot be formed or inverted. */
    static double[][] gaussNewtonCovariance(List<String> freeParameters, StepRecord record) {
        if (record.observables() == null) {
            return null;
        }
        int p = freeParameters.size();
        double[][] information = new double[p][p];
        int rows = 0;
        for (StepRecord.ObservableEstimate estimate : record.observables().values()) {
            if (estimate.gradient() == null) {
                continue;
            }
            double sigma = estimate.stderr();
            if (!(sigma > 0) || !Double.isFinite(sigma)) {
                return null;
            }
            double[] row = new double[p];
            for (int k = 0; k < p; k++) {
                Double value = estimate.gradient().get(freeParameters.get(k));
                if (value == null || !Double.isFinite(value)) {
                    return null;
                }
                row[k] = value;
            }
            double weight = 1 / (sigma * sigma);
            for (int a = 0; a < p; a++) {
                for (int b = 0; b < p; b++) {
                    information[a][b] += row[a] * weight * row[b];
                }
            }
            rows++;
        }
        return rows == 0 ? null : inverseOfPositiveDefinite(information);
    }

    /** The inverse of a symmetric positive-definite matrix by Cholesky, or null when it is not one. */
    static double[][] inverseOfPositiveDefinite(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i][j];
                for (int k = 0; k < j; k++) {
                    sum -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    // Relative pivot check: a pivot lost to rounding means J has (nearly) dependent columns.
                    if (!(sum > 1e-12 * Math.abs(a[i][i]))) {
                        return null;
                    }
                    l[i][i] = Math.sqrt(sum);
                } else {
                    l[i][j] = sum / l[j][j];
                }
            }
        }
        // inverse = L⁻ᵀ L⁻¹: solve L y = e_c, then Lᵀ x = y, column by column.
        double[][] inverse = new double[n][n];
        for (int c = 0; c < n; c++) {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                double sum = i == c ? 1 : 0;
                for (int k = 0; k < i; k++) {
                    sum -= l[i][k] * y[k];
                }
                y[i] = sum / l[i][i];
            }
            for (int i = n - 1; i >= 0; i--) {
                double sum = y[i];
                for (int k = i + 1; k < n; k++) {
                    sum -= l[k][i] * inverse[k][c];
                }
                inverse[i][c] = sum / l[i][i];
            }
        }
        return inverse;
    }
}
