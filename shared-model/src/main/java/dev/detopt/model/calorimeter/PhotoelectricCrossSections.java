package dev.detopt.model.calorimeter;

import java.util.Map;

/**
 * Photoelectric mass attenuation coefficients μ_pe/ρ (cm²/g) of the elements the materials are
 * made of: J. H. Scofield's photoionisation cross sections (Theoretical photoionization cross
 * sections from 1 to 1500 keV, Lawrence Livermore Laboratory report UCRL-51326, 1973), as
 * tabulated by xraylib 4.0 (T. Schoonjans et al., Spectrochim. Acta B 66 (2011) 776, CS_Photo, and
 * EdgeEnergy for the K-edges), from 20 keV to 0.8 MeV. They agree with the Sandia parametrisation
 * Geant4 uses (F. Biggs and R. Lighthill, Sandia report SAND87-0070, 1988) within ~3% for PbWO4 and
 * argon (docs/simulation.md).
 * <ul>
 *   <li>between the points: log-log interpolation;</li>
 *   <li>the K-edges of W (69.525 keV) and Pb (88.0045 keV) are two points at the same energy, the
 *       value just below the edge and the value at it, so no interval spans an edge;</li>
 *   <li>below 20 keV the first interval's power law continues (no L-edges: those of W and Pb,
 *       10–16 keV, lie below the 20 keV photon tracking cut);</li>
 *   <li>from 0.8 to 1 MeV the last interval's power law; above 1 MeV E^−1.6, the fall of lead's
 *       photo-effect in NIST XCOM between 1 and 10 MeV as it flattens towards Sauter's
 *       high-energy E^−1 (Heitler, The Quantum Theory of Radiation, §21).</li>
 * </ul>
 */
final class PhotoelectricCrossSections {
    /** K-edges of W and Pb (xraylib EdgeEnergy), MeV. */
    static final double TUNGSTEN_K_EDGE_MEV = 0.069525;
    static final double LEAD_K_EDGE_MEV = 0.0880045;
    /** The tabulated photon energies, MeV; each K-edge twice (below it, at it). */
    private static final double[] ENERGY_MEV = {0.02, 0.03, 0.04, 0.05, 0.06, TUNGSTEN_K_EDGE_MEV, TUNGSTEN_K_EDGE_MEV, 0.08,
            LEAD_K_EDGE_MEV, LEAD_K_EDGE_MEV, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8};
    /** Above this energy the photo-effect falls as E^−{@link #HIGH_ENERGY_POWER}. */
    static final double KNEE_MEV = 1.0;
    static final double HIGH_ENERGY_POWER = 1.6;

    /** Standard atomic weight (g/mol, CIAAW 2021 abridged) and μ_pe/ρ at {@link #ENERGY_MEV}, per atomic number. */
    private record Element(double atomicWeight, double[] cm2PerG) {
    }

    private static final Map<Integer, Element> ELEMENTS = Map.of(
            1, new Element(1.008, new double[] {0.00024987, 6.1672e-05, 2.2839e-05, 1.0582e-05, 5.6492e-06, 3.4055e-06, 3.4055e-06, 2.1051e-06, 1.5191e-06, 1.5191e-06, 9.8218e-07, 2.4951e-07, 9.626e-08, 2.6371e-08, 1.1101e-08, 5.932e-09, 3.6796e-09, 1.8631e-09}),
            6, new Element(12.011, new double[] {0.21765, 0.057067, 0.021928, 0.010425, 0.0056707, 0.0034665, 0.0034665, 0.0021696, 0.0015783, 0.0015783, 0.0010313, 0.00027061, 0.00010635, 2.98e-05, 1.2715e-05, 6.8395e-06, 4.2531e-06, 2.1447e-06}),
            8, new Element(15.999, new double[] {0.6124, 0.16414, 0.063943, 0.030682, 0.016806, 0.010329, 0.010329, 0.006497, 0.0047415, 0.0047415, 0.0031103, 0.00082283, 0.00032512, 9.1868e-05, 3.9333e-05, 2.1209e-05, 1.3208e-05, 6.6664e-06}),
            14, new Element(28.085, new double[] {4.0891, 1.1608, 0.46867, 0.23073, 0.12885, 0.080356, 0.080356, 0.051207, 0.037681, 0.037681, 0.024978, 0.0068059, 0.0027363, 0.00078813, 0.00034091, 0.00018494, 0.00011564, 5.8541e-05}),
            18, new Element(39.948, new double[] {8.2068, 2.4033, 0.99077, 0.49464, 0.27934, 0.17564, 0.17564, 0.11275, 0.083387, 0.083387, 0.055637, 0.015437, 0.0062808, 0.0018314, 0.00079787, 0.0004345, 0.00027211, 0.00013807}),
            26, new Element(55.845, new double[] {25.05, 7.7639, 3.3155, 1.6974, 0.97761, 0.62399, 0.62399, 0.40601, 0.30293, 0.30293, 0.20443, 0.058609, 0.024329, 0.007265, 0.0032089, 0.0017622, 0.0011096, 0.00056508}),
            29, new Element(63.546, new double[] {33.084, 10.454, 4.52, 2.3352, 1.3533, 0.86816, 0.86816, 0.5676, 0.42479, 0.42479, 0.28779, 0.083456, 0.034878, 0.010509, 0.0046633, 0.0025685, 0.0016206, 0.00082654}),
            74, new Element(183.84, new double[] {63.612, 21.441, 9.7799, 5.2904, 3.1911, 2.1233, 10.798, 7.4424, 5.7994, 5.7994, 4.1531, 1.3951, 0.63977, 0.21656, 0.10327, 0.059621, 0.038752, 0.020425}),
            82, new Element(207.2, new double[] {83.967, 28.862, 13.348, 7.2927, 4.4323, 2.9581, 2.9581, 2.0125, 1.5515, 7.3205, 5.2371, 1.8148, 0.84642, 0.29294, 0.14171, 0.082579, 0.054061, 0.028712}));

    private PhotoelectricCrossSections() {
    }

    static boolean knows(int z) {
        return ELEMENTS.containsKey(z);
    }

    static double atomicWeight(int z) {
        return element(z).atomicWeight();
    }

    /** μ_pe/ρ of element z at energyMev, cm²/g. */
    static double cm2PerG(int z, double energyMev) {
        double[] values = element(z).cm2PerG();
        int last = ENERGY_MEV.length - 1;
        if (energyMev > KNEE_MEV) {
            return cm2PerG(z, KNEE_MEV) * Math.pow(energyMev / KNEE_MEV, -HIGH_ENERGY_POWER);
        }
        int i = 0;
        while (i < last - 1 && energyMev > ENERGY_MEV[i + 1]) {
            i++;
        }
        // log-log between points i and i+1 (the first or last interval continued outside the table);
        // the search stops at the first point at or above the energy, so it never picks an edge's zero-width interval
        double slope = Math.log(values[i + 1] / values[i]) / Math.log(ENERGY_MEV[i + 1] / ENERGY_MEV[i]);
        return values[i] * Math.pow(energyMev / ENERGY_MEV[i], slope);
    }

    private static Element element(int z) {
        Element element = ELEMENTS.get(z);
        if (element == null) {
            throw new IllegalArgumentException("no photoelectric cross sections for Z = " + z);
        }
        return element;
    }
}
