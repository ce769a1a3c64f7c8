package dev.detopt.model.stats;

/**
 * Ordinary least squares of each observable on the surrogate features x = (1, δ[, δ²]) from the
 * exact sums XᵀX, Xᵀy and Σy²: β = (XᵀX)⁻¹Xᵀy, the intercept estimates E[y] at θ, the slopes
 * ∂E[y]/∂θ. Standard errors are the usual s²·(XᵀX)⁻¹ with s² = RSS/(N − d) (homoscedastic
 * residuals: the design is only a small neighbourhood of θ). Everything is a function of the sums
 * alone, so it does not depend on how the events were split into batches.
 */
final class SurrogateFit {
    private SurrogateFit() {
    }

    static void fit(SampleLayout layout, long events, ExactSum[] sumXX, ExactSum[] sumXY, ExactSum[] sumY2,
                    double[] mean, double[] meanStderr, double[] gradient, double[] gradientStderr) {
        int m = layout.observables();
        int n = layout.parameters();
        int d = layout.surrogateFeatures();
        double[][] normal = new double[d][d];
        int packed = 0;
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                normal[a][b] = sumXX[packed].value();
                normal[b][a] = normal[a][b];
                packed++;
            }
        }
        double[][] inverse = invert(normal);
        double residualDegrees = events - d;
        for (int i = 0; i < m; i++) {
            double[] xy = new double[d];
            for (int a = 0; a < d; a++) {
                xy[a] = sumXY[i * d + a].value();
            }
            double[] beta = new double[d];
            double explained = 0;
            for (int a = 0; a < d; a++) {
                double sum = 0;
                for (int b = 0; b < d; b++) {
                    sum += inverse == null ? Double.NaN : inverse[a][b] * xy[b];
                }
                beta[a] = sum;
                explained += sum * xy[a];
            }
            double residualVariance = residualDegrees > 0
                    ? Math.max(sumY2[i].value() - explained, 0.0) / residualDegrees : Double.NaN;
            mean[i] = beta[0];
            meanStderr[i] = standardError(residualVariance, inverse, 0);
            for (int j = 0; j < n; j++) {
                gradient[i * n + j] = beta[1 + j];
                gradientStderr[i * n + j] = standardError(residualVariance, inverse, 1 + j);
            }
        }
    }

    private static double standardError(double residualVariance, double[][] inverse, int index) {
        if (inverse == null) {
            return Double.NaN;
        }
        return Math.sqrt(residualVariance * Math.max(inverse[index][index], 0.0));
    }

    /**
     * Inverse of a symmetric positive semi-definite matrix by Gauss–Jordan elimination with partial
     * pivoting on the unit-diagonal rescaled matrix (the features have very different units, e.g.
     * 1 against δ² in mm²); null when it is singular (fewer events than features, or a degenerate design).
     */
    static double[][] invert(double[][] matrix) {
        int d = matrix.length;
        double[] scale = new double[d];
        for (int a = 0; a < d; a++) {
            if (!(matrix[a][a] > 0) || !Double.isFinite(matrix[a][a])) {
                return null;
            }
            scale[a] = 1 / Math.sqrt(matrix[a][a]);
        }
        double[][] work = new double[d][2 * d];
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                work[a][b] = matrix[a][b] * scale[a] * scale[b];
            }
            work[a][d + a] = 1.0;
        }
        for (int column = 0; column < d; column++) {
            int pivot = column;
            for (int row = column + 1; row < d; row++) {
                if (Math.abs(work[row][column]) > Math.abs(work[pivot][column])) {
                    pivot = row;
                }
            }
            if (!(Math.abs(work[pivot][column]) > 1e-12)) {
                return null;
            }
            double[] swap = work[column];
            work[column] = work[pivot];
            work[pivot] = swap;
            double divisor = work[column][column];
            for (int b = 0; b < 2 * d; b++) {
                work[column][b] /= divisor;
            }
            for (int row = 0; row < d; row++) {
                if (row != column && work[row][column] != 0) {
                    double factor = work[row][column];
                    for (int b = 0; b < 2 * d; b++) {
                        work[row][b] -= factor * work[column][b];
                    }
                }
            }
        }
        double[][] inverse = new double[d][d];
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                inverse[a][b] = work[a][d + b] * scale[a] * scale[b];
            }
        }
        return inverse;
    }
}
