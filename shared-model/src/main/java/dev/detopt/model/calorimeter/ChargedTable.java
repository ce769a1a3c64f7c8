package dev.detopt.model.calorimeter;

/**
 * Energy-loss tables of electrons or positrons in one material, on a logarithmic kinetic-energy
 * grid starting at the tracking cut (or, with residual ranges, at 10 keV). Between nodes every quantity is linear in the kinetic energy
 * t, so each inverse is exact and every function is continuous with a piecewise-constant slope:
 * <ul>
 *   <li>{@code range(t)}: path length (mm) from t down to the tracking cut, ∫ dt/S(t);</li>
 *   <li>{@code mfp[p](t)}: number of mean free paths of process p (0 bremsstrahlung, 1 delta
 *       rays) on that path, ∫ Σ_p(t)/S(t) dt. Where a discrete interaction happens follows from
 *       these alone, so it does not depend on how the track is split into steps (no step-limit
 *       artefacts).</li>
 * </ul>
 */
final class ChargedTable {
    static final int BINS_PER_DECADE = 50;
    private static final int SIMPSON_INTERVALS = 8;

    final double lowestEnergy;
    final double lnLowest;
    final double binsPerLn;
    final int nodes;
    final double[] energy;
    final double[] range;
    final double[] rangeSlope;
    static final int BREMSSTRAHLUNG = 0;
    static final int DELTA_RAY = 1;
    /** Mean free paths per process [process][node], and slopes per bin. */
    final double[][] mfp = new double[2][];
    final double[][] mfpSlope = new double[2][];
    /** Search start for {@link #bin}. */
    private final short[] energyGuide;
    /** Search starts for {@link #binOfValue} in range and in mfp[p]. */
    final short[] rangeGuide;
    final short[][] mfpGuide = new short[2][];
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
        mfp[BREMSSTRAHLUNG] = new double[nodes];
        mfp[DELTA_RAY] = new double[nodes];
        for (int i = 0; i < nodes; i++) {
            energy[i] = Math.exp(lnLowest + i / binsPerLn);
        }
        energy[0] = lowestEnergy;
        for (int i = 1; i < nodes; i++) {
            // Simpson's rule in ln t on each bin: ∫ t/S dln t and ∫ t Σ/S dln t
            double lo = Math.log(energy[i - 1]);
            double hi = Math.log(energy[i]);
            double h = (hi - lo) / SIMPSON_INTERVALS;
            double rangeSum = 0;
            double bremsstrahlungSum = 0;
            double deltaRaySum = 0;
            for (int j = 0; j <= SIMPSON_INTERVALS; j++) {
                double t = Math.exp(lo + j * h);
                double weight = j == 0 || j == SIMPSON_INTERVALS ? 1 : (j % 2 == 1 ? 4 : 2);
                double loss = physics.continuousLoss(t, positron, config.deltaCutMev(), config.deltaRays(), config.photonCutMev());
                rangeSum += weight * t / loss;
                bremsstrahlungSum += weight * t * discreteCrossSection(physics, t, positron, config, trackingCut, true) / loss;
                deltaRaySum += weight * t * discreteCrossSection(physics, t, positron, config, trackingCut, false) / loss;
            }
            range[i] = range[i - 1] + rangeSum * h / 3;
            mfp[BREMSSTRAHLUNG][i] = mfp[BREMSSTRAHLUNG][i - 1] + bremsstrahlungSum * h / 3;
            mfp[DELTA_RAY][i] = mfp[DELTA_RAY][i - 1] + deltaRaySum * h / 3;
        }
        rangeSlope = slopes(range);
        mfpSlope[BREMSSTRAHLUNG] = slopes(mfp[BREMSSTRAHLUNG]);
        mfpSlope[DELTA_RAY] = slopes(mfp[DELTA_RAY]);
        energyGuide = guide(energy);
        rangeGuide = guide(range);
        mfpGuide[BREMSSTRAHLUNG] = guide(mfp[BREMSSTRAHLUNG]);
        mfpGuide[DELTA_RAY] = guide(mfp[DELTA_RAY]);
        int cutBin = bin(trackingCut);
        trackingCutBin = cutBin;
        rangeAtTrackingCut = range[cutBin] + (trackingCut - energy[cutBin]) * rangeSlope[cutBin];
    }

    /** Bremsstrahlung or delta-ray cross section; zero below the tracking cut (no secondaries there). */
    private static double discreteCrossSection(ElectromagneticPhysics physics, double t, boolean positron,
                                               CalorimeterConfig config, double trackingCut, boolean bremsstrahlung) {
        if (t < trackingCut) {
            return 0.0;
        }
        if (bremsstrahlung) {
            return physics.bremsstrahlungCrossSection(t, config.photonCutMev());
        }
        return config.deltaRays() ? physics.deltaRayCrossSection(t, positron, config.deltaCutMev()) : 0.0;
    }

    private double[] slopes(double[] values) {
        double[] s = new double[nodes];
        for (int i = 0; i + 1 < nodes; i++) {
            s[i] = (values[i + 1] - values[i]) / (energy[i + 1] - energy[i]);
        }
        s[nodes - 1] = s[nodes - 2];
        return s;
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
