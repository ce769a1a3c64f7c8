package dev.detopt.model.calorimeter;

/**
 * Energy-loss tables of electrons or positrons in one material, on a logarithmic kinetic-energy
 * grid starting at the tracking cut (or, with residual ranges, at 10 keV). Each quantity is the
 * integral of its integrand (1/S or Σ_p/S) interpolated linearly in t between the nodes, where the
 * integrand is exact: so it is quadratic in t within a bin, its slope is continuous across nodes
 * (C¹), and each inverse is the root of a quadratic, exact in closed form.
 * <p>Why C¹: the primary's energy e is not random, so the slopes at e enter every event's
 * derivative. With piecewise-linear tables the slopes jumped at each node and the mean deposits
 * had a kink there (1 and 10 GeV are nodes): pathwise took one side, central differences the
 * average of both (docs/simulation.md, "Table kinks").
 * <ul>
 *   <li>{@code range(t)}: path length (mm) from t down to the tracking cut, ∫ dt/S(t);</li>
 *   <li>{@code mfp[p](t)}: number of mean free paths of process p (0 bremsstrahlung, 1 delta
 *       rays, 2 annihilation in flight, positrons only) on that path, ∫ Σ_p(t)/S(t) dt. Where a
 *       discrete interaction happens follows from these alone, so it does not depend on how the
 *       track is split into steps (no step-limit artefacts).</li>
 * </ul>
 */
final class ChargedTable {
    static final int BINS_PER_DECADE = 50;

    final double lowestEnergy;
    final double lnLowest;
    final double binsPerLn;
    final int nodes;
    final double[] energy;
    final double[] range;
    static final int BREMSSTRAHLUNG = 0;
    static final int DELTA_RAY = 1;
    static final int ANNIHILATION = 2;
    static final int PROCESSES = 3;
    /** Mean free paths per process [process][node] (for the searches; the lookups read {@link #coefficients}). */
    final double[][] mfp = new double[PROCESSES][];
    /**
     * Per bin, everything a lookup at that bin reads, side by side (one or two cache lines instead
     * of one per array): energy, range and its slope and curvature, then mfp, slope and curvature
     * of each process. energy, range and mfp stay as arrays for the searches. Per node the slopes are
     * dRange/dt = 1/S and dMfp_p/dt = Σ_p/S, per bin the curvature c: range = range[i] + x·(slope[i] +
     * c·x), x = t − energy[i].
     */
    private final double[] coefficients;
    private static final int STRIDE = 16;
    private static final int RANGE = 1;
    private static final int RANGE_SLOPE = 2;
    private static final int RANGE_CURVATURE = 3;
    private static final int MFP = 4;

    /** Search start for {@link #bin}. */
    private final short[] energyGuide;
    /** Search starts for {@link #binOfValue} in range and in mfp[p]. */
    final short[] rangeGuide;
    final short[][] mfpGuide = new short[PROCESSES][];
    /**
     * Annihilation mean free paths from the lowest energy t₀ = 10 keV down to rest, Λ₀. Below the
     * lowest node the tables stop; there Λ(t) = Λ₀ (t/t₀)^{3/2}, the non-relativistic limit
     * (Heitler's σ → π r_e²/β, the stopping power ∝ 1/β², so Σ/S ∝ β ∝ √t, logarithms neglected),
     * with Λ₀ = (2/3) t₀ Σ/S(t₀) so that the slope is continuous at t₀. 0 for electrons.
     */
    final double annihilationBelowLowest;
    /**
     * Without residual ranges the tables start at the tracking cut, but positrons below it still
     * annihilate in flight: this positron table from 10 keV up to the cut carries their clock on
     * (null with residual ranges, and for electrons).
     */
    final ChargedTable annihilationTail;
    /** range(tracking cut): the residual range starts there. */
    final double rangeAtTrackingCut;
    final int trackingCutBin;

    ChargedTable(ElectromagneticPhysics physics, boolean positron, CalorimeterConfig config, double highestEnergy) {
        lowestEnergy = config.residualRange() ? CalorimeterConfig.RESIDUAL_RANGE_FLOOR_MEV : config.electronTrackingCutMev();
        double trackingCut = config.electronTrackingCutMev();
        lnLowest = Math.log(lowestEnergy);
        binsPerLn = BINS_PER_DECADE / Math.log(10.0);
        nodes = (int) Math.ceil((Math.log(highestEnergy) - lnLowest) * binsPerLn) + 2;
        energy = new double[nodes];
        range = new double[nodes];
        double[][] mfpSlope = new double[PROCESSES][];
        double[][] mfpCurvature = new double[PROCESSES][];
        for (int p = 0; p < PROCESSES; p++) {
            mfp[p] = new double[nodes];
            mfpSlope[p] = new double[nodes];
        }
        for (int i = 0; i < nodes; i++) {
            energy[i] = Math.exp(lnLowest + i / binsPerLn);
        }
        energy[0] = lowestEnergy;
        double[] rangeSlope = new double[nodes];
        for (int i = 0; i < nodes; i++) {
            double t = energy[i];
            double loss = loss(physics, t, positron, config);
            rangeSlope[i] = 1 / loss;
            // Below the tracking cut the processes go on (the residual range is tracked along ±z):
            // a rate that stopped at the cut would make the mean deposits jump where a clock runs
            // out just above it (the end-of-track race, docs/simulation.md). Each rate falls to 0
            // by itself, at the photon cut or at the delta-ray threshold; annihilation's at rest,
            // below the table (annihilationBelowLowest).
            mfpSlope[BREMSSTRAHLUNG][i] = discreteCrossSection(physics, t, positron, config, true) / loss;
            mfpSlope[DELTA_RAY][i] = discreteCrossSection(physics, t, positron, config, false) / loss;
            mfpSlope[ANNIHILATION][i] = positron ? physics.annihilationCrossSection(t) / loss : 0.0;
        }
        double[] rangeCurvature = integrate(range, rangeSlope);
        for (int p = 0; p < PROCESSES; p++) {
            mfpCurvature[p] = integrate(mfp[p], mfpSlope[p]);
            mfpGuide[p] = guide(mfp[p]);
        }
        annihilationBelowLowest = 2.0 / 3.0 * lowestEnergy * mfpSlope[ANNIHILATION][0];
        annihilationTail = positron && lowestEnergy > CalorimeterConfig.RESIDUAL_RANGE_FLOOR_MEV
                ? new ChargedTable(physics, true, config.withResidualRange(true), lowestEnergy) : null;
        coefficients = new double[nodes * STRIDE];
        for (int i = 0; i < nodes; i++) {
            int o = i * STRIDE;
            coefficients[o] = energy[i];
            coefficients[o + RANGE] = range[i];
            coefficients[o + RANGE_SLOPE] = rangeSlope[i];
            coefficients[o + RANGE_CURVATURE] = rangeCurvature[i];
            for (int p = 0; p < PROCESSES; p++) {
                coefficients[o + MFP + 3 * p] = mfp[p][i];
                coefficients[o + MFP + 3 * p + 1] = mfpSlope[p][i];
                coefficients[o + MFP + 3 * p + 2] = mfpCurvature[p][i];
            }
        }
        energyGuide = guide(energy);
        rangeGuide = guide(range);
        int cutBin = bin(trackingCut);
        trackingCutBin = cutBin;
        rangeAtTrackingCut = rangeAt(cutBin, trackingCut);
    }

    /**
     * Fills values (0 at the first node) with the integral of the slope interpolated linearly in t
     * (the trapezoid rule is then exact) and returns the curvature per bin.
     */
    private double[] integrate(double[] values, double[] slope) {
        double[] curvature = new double[nodes];
        values[0] = 0;
        for (int i = 0; i + 1 < nodes; i++) {
            double h = energy[i + 1] - energy[i];
            values[i + 1] = values[i] + 0.5 * h * (slope[i] + slope[i + 1]);
            curvature[i] = 0.5 * (slope[i + 1] - slope[i]) / h;
        }
        return curvature;
    }

    /** Range at kinetic energy t in bin i. */
    double rangeAt(int i, double t) {
        int o = i * STRIDE;
        double x = t - coefficients[o];
        return coefficients[o + RANGE] + x * (coefficients[o + RANGE_SLOPE] + x * coefficients[o + RANGE_CURVATURE]);
    }

    /** dRange/dt = 1/S at t in bin i (continuous across nodes). */
    double rangeSlopeAt(int i, double t) {
        int o = i * STRIDE;
        return coefficients[o + RANGE_SLOPE] + 2 * (t - coefficients[o]) * coefficients[o + RANGE_CURVATURE];
    }

    /** The kinetic energy in bin i whose range is r. */
    double energyAtRange(int i, double r) {
        int o = i * STRIDE;
        return coefficients[o] + inverse(r - coefficients[o + RANGE], coefficients[o + RANGE_SLOPE], coefficients[o + RANGE_CURVATURE]);
    }

    /** Mean free paths of process p at t in bin i. */
    double mfpAt(int p, int i, double t) {
        int o = i * STRIDE;
        int c = o + MFP + 3 * p;
        double x = t - coefficients[o];
        return coefficients[c] + x * (coefficients[c + 1] + x * coefficients[c + 2]);
    }

    /** dMfp_p/dt = Σ_p/S at t in bin i (continuous across nodes). */
    double mfpSlopeAt(int p, int i, double t) {
        int o = i * STRIDE;
        int c = o + MFP + 3 * p;
        return coefficients[c + 1] + 2 * (t - coefficients[o]) * coefficients[c + 2];
    }

    /** The kinetic energy in bin i at which process p's mean free paths are v. */
    double energyAtMfp(int p, int i, double v) {
        int o = i * STRIDE;
        int c = o + MFP + 3 * p;
        return coefficients[o] + inverse(v - coefficients[c], coefficients[c + 1], coefficients[c + 2]);
    }

    /** The root x ≥ 0 of slope·x + curvature·x² = delta (delta ≥ 0, the quadratic increasing on the bin), in a form without cancellation. */
    private static double inverse(double delta, double slope, double curvature) {
        double denominator = slope + Math.sqrt(Math.max(0.0, slope * slope + 4 * curvature * delta));
        return denominator > 0 ? 2 * delta / denominator : 0.0;
    }

    private static double loss(ElectromagneticPhysics physics, double t, boolean positron, CalorimeterConfig config) {
        return physics.continuousLoss(t, positron, config.deltaCutMev(), config.deltaRays(), config.photonCutMev());
    }

    /** Bremsstrahlung or delta-ray cross section (1/mm). */
    private static double discreteCrossSection(ElectromagneticPhysics physics, double t, boolean positron,
                                               CalorimeterConfig config, boolean bremsstrahlung) {
        if (bremsstrahlung) {
            return physics.bremsstrahlungCrossSection(t, config.photonCutMev());
        }
        return config.deltaRays() ? physics.deltaRayCrossSection(t, positron, config.deltaCutMev()) : 0.0;
    }

    /** Bin i with energy[i] ≤ t &lt; energy[i+1] (clamped to the table). */
    int bin(double t) {
        // from the guide (no logarithm), up: at most one node per guide bucket
        int key = guideKey(t) - GUIDE_LOWEST_KEY;
        if (!(t > 0) || key < 0) {
            return 0;
        }
        int i = energyGuide[Math.min(key, energyGuide.length - 1)];
        while (i + 2 < nodes && t >= energy[i + 1]) {
            i++;
        }
        return i;
    }

    // A positive value is bucketed by the top bits of its IEEE-754 representation (exponent and six
    // mantissa bits: 64 buckets per octave, in the order of the values); a guide holds, per bucket,
    // the largest node whose value is at most the bucket's lowest value.
    private static final int GUIDE_SHIFT = 46;
    private static final int GUIDE_LOWEST_KEY = guideKey(1e-6);

    private static int guideKey(double v) {
        return (int) (Double.doubleToRawLongBits(v) >>> GUIDE_SHIFT);
    }

    private static short[] guide(double[] values) {
        short[] guide = new short[Math.max(1, guideKey(values[values.length - 1]) - GUIDE_LOWEST_KEY + 1)];
        int j = 0;
        for (int k = 0; k < guide.length; k++) {
            double lowest = Double.longBitsToDouble((long) (k + GUIDE_LOWEST_KEY) << GUIDE_SHIFT);
            while (j + 2 < values.length && values[j + 1] <= lowest) {
                j++;
            }
            guide[k] = (short) j;
        }
        return guide;
    }

    /**
     * The bin at or below {@code start} whose [values[i], values[i+1]) contains v (values
     * increasing; guide from {@link #guide} of the same values).
     */
    static int binOfValue(double[] values, short[] guide, double v, int start) {
        int i = start;
        // usually v lies in the start bin or the one below; otherwise scan up from the guide's node
        if (i > 0 && v < values[i]) {
            if (v >= values[i - 1]) {
                return i - 1;
            }
            int key = guideKey(v) - GUIDE_LOWEST_KEY;
            if (v > 0 && key >= 0) {
                int j = guide[Math.min(key, guide.length - 1)];
                while (j + 1 < i && values[j + 1] <= v) {
                    j++;
                }
                return j;
            }
            // below the guides' range (values ≤ 1e-6): bisect
            int lo = 0;
            int hi = i - 1;  // values[hi] > v
            while (hi - lo > 1) {
                int mid = (lo + hi) >>> 1;
                if (values[mid] <= v) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
        while (i + 2 < values.length && v >= values[i + 1]) {
            i++;
        }
        return i;
    }
}
