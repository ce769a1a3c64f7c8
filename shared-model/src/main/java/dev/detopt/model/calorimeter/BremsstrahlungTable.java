package dev.detopt.model.calorimeter;

/**
 * Inversion table of the bremsstrahlung photon spectrum ({@link ElectromagneticPhysics#bremsstrahlungSpectrum})
 * of one material above the photon cut kc. The photon energy is written k = kc·(t/kc)^s with s in
 * [0, 1] (the spectrum is nearly flat in ln k); for kinetic energies t on a grid in ln t the table
 * holds the cumulative distribution F(s; t) at fixed s nodes. Between nodes F is bilinear in
 * (s, ln t), so the sample s(u, t) solving F = u is continuous in u and t and its derivative
 * ds/dt = −(∂F/∂t)/(∂F/∂s) is exact for the interpolated F: the pathwise tangent of a sampled photon
 * is well defined everywhere (piecewise smooth, as for the other samplers). Immutable, shared by threads.
 */
final class BremsstrahlungTable {
    /** s nodes per row; the quantile error of the linear interpolation in s is ~1e-5. */
    static final int COLUMNS = 128;
    /** Rows per unit of ln t; the spectrum's shape changes on the scale of ln t ~ 1. */
    static final double ROWS_PER_LN = 8;
    private static final int SUBSTEPS = 4;
    private static final int LAST_COLUMN_SUBSTEPS = 256;

    private final double lnCut;
    private final int rows;
    /** F(s_j; t_i) at [i·(COLUMNS + 1) + j], 0 at j = 0 and 1 at j = COLUMNS. */
    private final double[] cdf;
    /** Search start per row and u bucket: the largest column j with F(s_j; t_i) ≤ k/GUIDE_BUCKETS, at [i·(GUIDE_BUCKETS + 1) + k]. */
    private final short[] guide;
    static final int GUIDE_BUCKETS = 128;

    BremsstrahlungTable(ElectromagneticPhysics physics, double photonCut, double highestEnergy) {
        lnCut = Math.log(photonCut);
        rows = (int) Math.ceil((Math.log(highestEnergy) - lnCut) * ROWS_PER_LN) + 2;
        cdf = new double[rows * (COLUMNS + 1)];
        double[] row = new double[COLUMNS + 1];
        for (int i = 0; i < rows; i++) {
            double lnT = lnCut + i / ROWS_PER_LN;
            double t = Math.exp(lnT);
            double span = lnT - lnCut;
            // ∫ k dσ/dk d ln k = span·∫ spectrum ds, Simpson on SUBSTEPS sub-intervals per column
            row[0] = 0;
            for (int j = 1; j <= COLUMNS; j++) {
                // the spectrum falls steeply over the last few m_e below the tip: resolve the last column finely
                int substeps = j == COLUMNS ? LAST_COLUMN_SUBSTEPS : SUBSTEPS;
                double h = 1.0 / (COLUMNS * substeps);
                double s0 = (double) (j - 1) / COLUMNS;
                double previous = physics.bremsstrahlungSpectrum(Math.exp(lnCut + s0 * span), t);
                double sum = 0;
                for (int q = 0; q < substeps; q += 2) {
                    double mid = physics.bremsstrahlungSpectrum(Math.exp(lnCut + (s0 + (q + 1) * h) * span), t);
                    double end = physics.bremsstrahlungSpectrum(Math.exp(lnCut + (s0 + (q + 2) * h) * span), t);
                    sum += (previous + 4 * mid + end) * h / 3;
                    previous = end;
                }
                row[j] = row[j - 1] + sum;
            }
            double total = row[COLUMNS];
            for (int j = 0; j <= COLUMNS; j++) {
                // a row without spectrum (t at the cut, or above the table) is uniform in s
                cdf[i * (COLUMNS + 1) + j] = total > 0 ? row[j] / total : (double) j / COLUMNS;
            }
            cdf[i * (COLUMNS + 1) + COLUMNS] = 1.0;
        }
        guide = new short[rows * (GUIDE_BUCKETS + 1)];
        for (int i = 0; i < rows; i++) {
            int j = 0;
            for (int k = 0; k <= GUIDE_BUCKETS; k++) {
                double u = (double) k / GUIDE_BUCKETS;
                while (j + 1 < COLUMNS && cdf[i * (COLUMNS + 1) + j + 1] <= u) {
                    j++;
                }
                guide[i * (GUIDE_BUCKETS + 1) + k] = (short) j;
            }
        }
    }

    /**
     * Photon energy fraction y = k/t above kc/t for the uniform u (0 &lt; u &lt; 1); if sink is not
     * null, dy/dt goes into it.
     */
    double sample(double t, double u, SlopeSink sink) {
        double lnT = Math.log(t);
        double span = lnT - lnCut;
        double x = Math.max(0.0, Math.min(rows - 1.000001, span * ROWS_PER_LN));
        int i = (int) x;
        double f = x - i;
        int lo = i * (COLUMNS + 1);
        int hi = lo + COLUMNS + 1;
        // largest column j with F_j ≤ u (F interpolated between the two rows): F_j lies between the
        // rows' values, so it is ≤ u at the column both rows' guides give for u's bucket; scan up from there
        int bucket = (int) (u * GUIDE_BUCKETS);
        int a = Math.min(guide[i * (GUIDE_BUCKETS + 1) + bucket], guide[(i + 1) * (GUIDE_BUCKETS + 1) + bucket]);
        while (a + 1 < COLUMNS && cdf[lo + a + 1] + f * (cdf[hi + a + 1] - cdf[lo + a + 1]) <= u) {
            a++;
        }
        double f0 = cdf[lo + a] + f * (cdf[hi + a] - cdf[lo + a]);
        double f1 = cdf[lo + a + 1] + f * (cdf[hi + a + 1] - cdf[lo + a + 1]);
        double width = f1 - f0;
        double r = width > 0 ? (u - f0) / width : 0.0;
        double s = (a + r) / COLUMNS;
        double k = Math.exp(lnCut + s * span);
        double y = k / t;
        if (sink != null) {
            // F(s, ln t) bilinear: ∂F/∂ln t at fixed s and ∂F/∂s within the cell
            double dFdLnT = x > 0 && x < rows - 1.000001
                    ? ((1 - r) * (cdf[hi + a] - cdf[lo + a]) + r * (cdf[hi + a + 1] - cdf[lo + a + 1])) * ROWS_PER_LN
                    : 0.0;
            double dFds = width * COLUMNS;
            double dsDLnT = dFds > 0 ? -dFdLnT / dFds : 0.0;
            // ln k = ln kc + s·(ln t − ln kc): d ln y / d ln t = ds/dln t·span + s − 1
            sink.slope = y * (dsDLnT * span + s - 1) / t;
        }
        return y;
    }

    /** Receives dy/dt of a sample. */
    static final class SlopeSink {
        double slope;
    }
}
