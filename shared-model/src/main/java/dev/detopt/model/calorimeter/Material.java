package dev.detopt.model.calorimeter;

/**
 * The calorimeter materials. Bulk constants are from the Particle Data Group, "Atomic and
 * Nuclear Properties of Materials" (Review of Particle Physics, PDG 2024, pdg.lbl.gov/AtomicNuclearProperties):
 * density, radiation length, mean excitation energy I, ⟨Z/A⟩ and the Rossi critical energy of
 * electrons. The PbWO4 density is the 8.28 g/cm³ of science.md (PDG 2024 lists 8.30; the length X0 =
 * 0.8903 cm is used as given). Photoelectric absorption sums the elements' cross sections by mass
 * fraction ({@link PhotoelectricCrossSections}: Scofield's, which the Sandia parametrisation of
 * Geant4 follows).
 */
public enum Material {
    /** Lead tungstate: ρ 8.28 g/cm³, X0 0.8903 cm, I 600.7 eV, ⟨Z/A⟩ 0.41315, Ec(e−) 9.64 MeV. */
    PBWO4("PbWO4", 8.28, 8.903, 600.7e-6, 0.41315, 76.0, 9.64,
            new int[]{82, 74, 8}, new double[]{1, 1, 4}, 455.04),
    /** Liquid argon: ρ 1.396 g/cm³, X0 14.00 cm, I 188.0 eV, ⟨Z/A⟩ 0.45059, Ec(e−) 32.84 MeV. */
    LIQUID_ARGON("lAr", 1.396, 140.0, 188.0e-6, 0.45059, 18.0, 32.84,
            new int[]{18}, new double[]{1}, 39.948),
    // Further absorbers and active media for categorical design choices (same PDG 2024 tables; X0 is the
    // PDG length in cm ×10).
    /** Lead: ρ 11.35 g/cm³, X0 0.5612 cm, I 823.0 eV, ⟨Z/A⟩ 0.39575, Ec(e−) 7.43 MeV. */
    LEAD("Pb", 11.35, 5.612, 823.0e-6, 0.39575, 82.0, 7.43,
            new int[]{82}, new double[]{1}, 207.2),
    /** Tungsten: ρ 19.30 g/cm³, X0 0.3504 cm, I 727.0 eV, ⟨Z/A⟩ 0.40250, Ec(e−) 7.97 MeV. */
    TUNGSTEN("W", 19.30, 3.504, 727.0e-6, 0.40250, 74.0, 7.97,
            new int[]{74}, new double[]{1}, 183.84),
    /** Copper: ρ 8.960 g/cm³, X0 1.436 cm, I 322.0 eV, ⟨Z/A⟩ 0.45636, Ec(e−) 19.42 MeV. */
    COPPER("Cu", 8.960, 14.36, 322.0e-6, 0.45636, 29.0, 19.42,
            new int[]{29}, new double[]{1}, 63.546),
    /** Iron: ρ 7.874 g/cm³, X0 1.757 cm, I 286.0 eV, ⟨Z/A⟩ 0.46557, Ec(e−) 21.68 MeV. */
    IRON("Fe", 7.874, 17.57, 286.0e-6, 0.46557, 26.0, 21.68,
            new int[]{26}, new double[]{1}, 55.845),
    /** Silicon: ρ 2.329 g/cm³, X0 9.370 cm, I 173.0 eV, ⟨Z/A⟩ 0.49848, Ec(e−) 40.19 MeV. */
    SILICON("Si", 2.329, 93.70, 173.0e-6, 0.49848, 14.0, 40.19,
            new int[]{14}, new double[]{1}, 28.0855),
    /**
     * Plastic scintillator (polyvinyltoluene, C9H10): ρ 1.032 g/cm³, X0 42.54 cm, I 64.7 eV, ⟨Z/A⟩ 0.54141,
     * Ec(e−) 94.11 MeV; screening Z of carbon, which carries 92 % of the mass.
     */
    PLASTIC_SCINTILLATOR("plastic", 1.032, 425.4, 64.7e-6, 0.54141, 6.0, 94.11,
            new int[]{6, 1}, new double[]{9, 10}, 118.18);

    /** Absorber choices of a categorical calorimeter study. */
    public static final java.util.List<Material> ABSORBERS = java.util.List.of(PBWO4, LEAD, TUNGSTEN, COPPER, IRON);
    /** Active-medium choices of a categorical calorimeter study. */
    public static final java.util.List<Material> ACTIVE_MEDIA = java.util.List.of(LIQUID_ARGON, PLASTIC_SCINTILLATOR, SILICON);

    /** The material with this label (as in specs, e.g. "PbWO4", "lAr"), or empty. */
    public static java.util.Optional<Material> byLabel(String label) {
        for (Material m : values()) {
            if (m.label.equals(label)) {
                return java.util.Optional.of(m);
            }
        }
        return java.util.Optional.empty();
    }

    private final String label;
    private final double densityGPerCm3;
    private final double radiationLengthMm;
    private final double meanExcitationMev;
    private final double zOverA;
    private final double screeningZ;
    private final double criticalEnergyMev;
    /** Atomic numbers of the elements, their atoms per formula unit and the formula unit's molar mass (g/mol). */
    private final int[] elementZ;
    private final double[] atomsPerUnit;
    private final double molarMassGPerMol;

    Material(String label, double densityGPerCm3, double radiationLengthMm, double meanExcitationMev, double zOverA,
             double screeningZ, double criticalEnergyMev,
             int[] elementZ, double[] atomsPerUnit, double molarMassGPerMol) {
        this.label = label;
        this.densityGPerCm3 = densityGPerCm3;
        this.radiationLengthMm = radiationLengthMm;
        this.meanExcitationMev = meanExcitationMev;
        this.zOverA = zOverA;
        this.screeningZ = screeningZ;
        this.criticalEnergyMev = criticalEnergyMev;
        this.elementZ = elementZ;
        this.atomsPerUnit = atomsPerUnit;
        this.molarMassGPerMol = molarMassGPerMol;
    }

    /** Number of elements in the material. */
    public int elements() {
        return elementZ.length;
    }

    /** Atomic number of element i. */
    public int elementZ(int i) {
        return elementZ[i];
    }

    /** Atoms of element i per mm³: ρ N_A n_i / M. */
    public double atomsPerMm3(int i) {
        return densityGPerCm3 * PhysicsConstants.AVOGADRO * atomsPerUnit[i] / molarMassGPerMol / 1000.0;
    }

    public String label() {
        return label;
    }

    public double densityGPerCm3() {
        return densityGPerCm3;
    }

    public double radiationLengthMm() {
        return radiationLengthMm;
    }

    public double meanExcitationMev() {
        return meanExcitationMev;
    }

    public double zOverA() {
        return zOverA;
    }

    /** Effective Z in the pair-production screening factor ln(183 Z^−1/3) (PbWO4: about that of Pb/W). */
    public double screeningZ() {
        return screeningZ;
    }

    /** Rossi critical energy of electrons, PDG (for the shower-maximum check and docs). */
    public double criticalEnergyMev() {
        return criticalEnergyMev;
    }

    /** Electrons per mm³. */
    public double electronDensityPerMm3() {
        return densityGPerCm3 * PhysicsConstants.AVOGADRO * zOverA / 1000.0;
    }

    /**
     * Photoelectric macroscopic cross section in 1/mm at photon energy e (MeV): the elements'
     * μ_pe/ρ ({@link PhotoelectricCrossSections}) weighted by their mass fractions, times the density.
     */
    public double photoelectricPerMm(double energyMev) {
        double cm2PerG = 0;
        for (int i = 0; i < elementZ.length; i++) {
            double massFraction = atomsPerUnit[i] * PhotoelectricCrossSections.atomicWeight(elementZ[i]) / molarMassGPerMol;
            cm2PerG += massFraction * PhotoelectricCrossSections.cm2PerG(elementZ[i], energyMev);
        }
        return cm2PerG * densityGPerCm3 / 10.0;
    }
}
