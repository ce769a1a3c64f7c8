package dev.detopt.model.calorimeter;

/**
 * The two calorimeter materials. Bulk constants are from the Particle Data Group, "Atomic and
 * Nuclear Properties of Materials" (Review of Particle Physics, PDG 2024, pdg.lbl.gov/AtomicNuclearProperties):
 * density, radiation length, mean excitation energy I, ⟨Z/A⟩ and the Rossi critical energy of
 * electrons. The PbWO4 density is the 8.28 g/cm³ of science.md (PDG 2024 lists 8.30; the length X0 =
 * 0.8903 cm is used as given). Photoelectric absorption is a power law μ_pe(E) = μ_pe(0.1 MeV)·(E/0.1 MeV)^−p
 * fitted by eye to NIST XCOM (Berger et al., NIST Standard Reference Database 8) between 0.1 and 1 MeV.
 */
public enum Material {
    /** Lead tungstate: ρ 8.28 g/cm³, X0 0.8903 cm, I 600.7 eV, ⟨Z/A⟩ 0.41315, Ec(e−) 9.64 MeV. */
    PBWO4("PbWO4", 8.28, 8.903, 600.7e-6, 0.41315, 76.0, 3.97, 2.44, 9.64),
    /** Liquid argon: ρ 1.396 g/cm³, X0 14.00 cm, I 188.0 eV, ⟨Z/A⟩ 0.45059, Ec(e−) 32.84 MeV. */
    LIQUID_ARGON("lAr", 1.396, 140.0, 188.0e-6, 0.45059, 18.0, 0.035, 2.8, 32.84);

    private final String label;
    private final double densityGPerCm3;
    private final double radiationLengthMm;
    private final double meanExcitationMev;
    private final double zOverA;
    private final double screeningZ;
    private final double photoelectricAt100KevCm2PerG;
    private final double photoelectricPowerLaw;
    private final double criticalEnergyMev;

    Material(String label, double densityGPerCm3, double radiationLengthMm, double meanExcitationMev, double zOverA,
             double screeningZ, double photoelectricAt100KevCm2PerG, double photoelectricPowerLaw, double criticalEnergyMev) {
        this.label = label;
        this.densityGPerCm3 = densityGPerCm3;
        this.radiationLengthMm = radiationLengthMm;
        this.meanExcitationMev = meanExcitationMev;
        this.zOverA = zOverA;
        this.screeningZ = screeningZ;
        this.photoelectricAt100KevCm2PerG = photoelectricAt100KevCm2PerG;
        this.photoelectricPowerLaw = photoelectricPowerLaw;
        this.criticalEnergyMev = criticalEnergyMev;
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

    /** Photoelectric macroscopic cross section in 1/mm at photon energy e (MeV). */
    public double photoelectricPerMm(double energyMev) {
        return photoelectricAt100KevCm2PerG * densityGPerCm3 / 10.0 * Math.pow(energyMev / 0.1, -photoelectricPowerLaw);
    }
}
