package dev.detopt.model.calorimeter;

/** Physical constants (CODATA 2018, as tabulated in PDG 2024 "Physical constants"). */
final class PhysicsConstants {
    /** m_e c² in MeV. */
    static final double ELECTRON_MASS_MEV = 0.51099895;
    /** Classical electron radius in mm. */
    static final double CLASSICAL_ELECTRON_RADIUS_MM = 2.8179403262e-12;
    static final double AVOGADRO = 6.02214076e23;
    /** 2π r_e² m_e c² in MeV·mm². */
    static final double TWO_PI_RE2_MC2 = 2 * Math.PI * CLASSICAL_ELECTRON_RADIUS_MM * CLASSICAL_ELECTRON_RADIUS_MM
            * ELECTRON_MASS_MEV;

    private PhysicsConstants() {
    }
}
