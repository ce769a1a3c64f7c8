package dev.detopt.model.calorimeter;

/**
 * Energy-loss tables of electrons or positrons in one material, on a logarithmic kinetic-energy
 * grid starting at the tracking cut (or, with residual ranges, at 10 keV). Between nodes every quantity is linear in the kinetic energy
 * t, so each inverse is exact and every function is continuous with a piecewise-constant slope:
 * <ul>
 *   <li>{@code range(t)}: path length (mm) from t down to the tracking cut, ∫ dt/S(t);</li>
 *   <li>{@code mfp(t)}: number of mean free paths of the discrete processes on that path,
 *       ∫ Σ(t)/S(t) dt. Where a discrete interaction happens follows from these two alone, so it
 *       does not depend on how the track is split into steps (no step-limit artefacts);</li>
 *   <li>the bremsstrahlung and delta-ray cross sections, to choose the process.</li>
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
    final double[] mfp;
    final double[] mfpSlope;
    final double[] bremsstrahlung;
    final double[] bremsstrahlungSlope;
    final double[] deltaRay;
    final double[] deltaRaySlope;
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
        mfp = new double[nodes];
        bremsstrahlung = new double[nodes];
        deltaRay = new double[nodes];
        for (int i = 0; i < nodes; i++) {
            energy[i] = Math.exp(lnLowest + i / binsPerLn);
        }
        energy[0] = lowestEnergy;
        for (int i = 0; i < nodes; i++) {
            bremsstrahlung[i] = discreteCrossSection(physics, energy[i], positron, config, trackingCut, true);
            deltaRay[i] = discreteCrossSection(physics, energy[i], positron, config, trackingCut, false);
        }
        for (int i = 1; i < nodes; i++) {
            // Simpson's rule in ln t on each bin: ∫ t/S dln t and ∫ t Σ/S dln t
            double lo = Math.log(energy[i - 1]);
            double hi = Math.log(energy[i]);
            double h = (hi - lo) / SIMPSON_INTERVALS;
            double rangeSum = 0;
            double mfpSum = 0;
            for (int j = 0; j <= SIMPSON_INTERVALS; j++) {
                double t = Math.exp(lo + j * h);
                double weight = j == 0 || j == SIMPSON_INTERVALS ? 1 : (j % 2 == 1 ? 4 : 2);
                double loss = physics.continuousLoss(t, positron, config.deltaCutMev(), config.deltaRays(), config.photonCutMev());
                double sigma = discreteCrossSection(physics, t, positron, config, trackingCut, true)
                        + discreteCrossSection(physics, t, positron, config, trackingCut, false);
                rangeSum += weight * t / loss;
                mfpSum += weight * t * sigma / loss;
            }
            range[i] = range[i - 1] + rangeSum * h / 3;
            mfp[i] = mfp[i - 1] + mfpSum * h / 3;
        }
        rangeSlope = slopes(range);
        mfpSlope = slopes(mfp);
        bremsstrahlungSlope = slopes(bremsstrahlung);
        deltaRaySlope = slopes(deltaRay);
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
        int i = (int) ((Math.log(t) - lnLowest) * binsPerLn);
        if (i < 0) {
            return 0;
        }
        if (i > nodes - 2) {
            return nodes - 2;
        }
        // guard against rounding of the logarithm at a node
        if (t < energy[i] && i > 0) {
            return i - 1;
        }
        if (i + 1 < nodes - 1 && t >= energy[i + 1]) {
            return i + 1;
        }
        return i;
    }

    /** The bin at or below {@code start} whose [values[i], values[i+1]) contains v (values increasing). */
    static int binOfValue(double[] values, double v, int start) {
        int i = start;
        // usually v lies in the start bin or the one below; otherwise search the bins below
        if (i > 0 && v < values[i]) {
            if (v >= values[i - 1]) {
                return i - 1;
            }
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
