package dev.detopt.model.calorimeter;

/**
 * Photon cross sections (1/mm) of one material on a logarithmic energy grid from the photon
 * tracking cut, linear in ln E between nodes (continuous, with slope per bin).
 */
final class PhotonTable {
    static final int BINS_PER_DECADE = 50;

    final double lnLowest;
    final double binsPerLn;
    final int nodes;
    final double[] lnEnergy;
    final double[] photoelectric;
    final double[] compton;
    final double[] pair;
    final double[] photoelectricSlope;
    final double[] comptonSlope;
    final double[] pairSlope;
    final double[] totalSlope;

    PhotonTable(ElectromagneticPhysics physics, double lowestEnergy, double highestEnergy) {
        lnLowest = Math.log(lowestEnergy);
        binsPerLn = BINS_PER_DECADE / Math.log(10.0);
        nodes = (int) Math.ceil((Math.log(highestEnergy) - lnLowest) * binsPerLn) + 2;
        lnEnergy = new double[nodes];
        photoelectric = new double[nodes];
        compton = new double[nodes];
        pair = new double[nodes];
        for (int i = 0; i < nodes; i++) {
            lnEnergy[i] = lnLowest + i / binsPerLn;
            double e = Math.exp(lnEnergy[i]);
            photoelectric[i] = physics.photoelectricCrossSection(e);
            compton[i] = physics.comptonCrossSection(e);
            pair[i] = physics.pairCrossSection(e);
        }
        photoelectricSlope = slopes(photoelectric);
        comptonSlope = slopes(compton);
        pairSlope = slopes(pair);
        totalSlope = new double[nodes];
        for (int i = 0; i < nodes; i++) {
            totalSlope[i] = photoelectricSlope[i] + comptonSlope[i] + pairSlope[i];
        }
    }

    private double[] slopes(double[] values) {
        double[] s = new double[nodes];
        for (int i = 0; i + 1 < nodes; i++) {
            s[i] = (values[i + 1] - values[i]) / (lnEnergy[i + 1] - lnEnergy[i]);
        }
        s[nodes - 1] = s[nodes - 2];
        return s;
    }

    int bin(double lnE) {
        int i = (int) ((lnE - lnLowest) * binsPerLn);
        return Math.max(0, Math.min(nodes - 2, i));
    }
}
