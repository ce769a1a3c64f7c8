package dev.detopt.model.calorimeter;

import static dev.detopt.model.calorimeter.PhysicsConstants.ELECTRON_MASS_MEV;
import static dev.detopt.model.calorimeter.PhysicsConstants.TWO_PI_RE2_MC2;

/**
 * Analytic cross sections and stopping powers of one material (lengths in mm, energies in MeV).
 * They are evaluated once per simulator to fill {@link MaterialTables}; the event loop only
 * interpolates.
 */
final class ElectromagneticPhysics {
    private static final double LN10 = Math.log(10.0);
    private final Material material;
    private final double electronDensity;
    private final double meanExcitationOverMass;
    private final double densityEffectConstant;

    ElectromagneticPhysics(Material material) {
        this.material = material;
        this.electronDensity = material.electronDensityPerMm3();
        this.meanExcitationOverMass = material.meanExcitationMev() / ELECTRON_MASS_MEV;
        // plasma energy ħω_p = 28.816 eV · sqrt(ρ ⟨Z/A⟩) (PDG passage-of-particles review, eq. 34.6)
        double plasmaEnergyMev = 28.816e-6 * Math.sqrt(material.densityGPerCm3() * material.zOverA());
        this.densityEffectConstant = 2 * Math.log(material.meanExcitationMev() / plasmaEnergyMev) + 1;
    }

    Material material() {
        return material;
    }

    /**
     * Density-effect correction in its high-energy form δ = 2 ln(βγ) − C̄, C̄ = 2 ln(I/ħω_p) + 1,
     * clamped at zero (Sternheimer's intermediate region is not modelled).
     */
    double densityEffect(double betaGammaSquared) {
        return Math.max(0.0, Math.log(betaGammaSquared) - densityEffectConstant);
    }

    /**
     * Restricted collision stopping power (MeV/mm) of an electron or positron of kinetic energy t
     * for energy transfers below {@code cut} (Berger–Seltzer form with the Møller/Bhabha
     * restriction; with cut ≥ the largest transfer it is the full mean ionisation loss).
     */
    double restrictedIonisation(double t, boolean positron, double cut) {
        double tau = t / ELECTRON_MASS_MEV;
        double gamma = tau + 1;
        double gamma2 = gamma * gamma;
        double betaGamma2 = tau * (tau + 2);
        double beta2 = betaGamma2 / gamma2;
        double maxTransfer = positron ? t : 0.5 * t;
        double d = Math.min(cut, maxTransfer) / ELECTRON_MASS_MEV;
        double eexc2 = meanExcitationOverMass * meanExcitationOverMass;
        double bracket;
        if (!positron) {
            bracket = Math.log(2 * (tau + 2) / eexc2) - 1 - beta2 + Math.log((tau - d) * d) + tau / (tau - d)
                    + (0.5 * d * d + (2 * tau + 1) * Math.log(1 - d / tau)) / gamma2;
        } else {
            double d2 = d * d * 0.5;
            double d3 = d2 * d / 1.5;
            double d4 = d3 * d * 0.75;
            double y = 1 / (1 + gamma);
            bracket = Math.log(2 * (tau + 2) / eexc2) + Math.log(tau * d)
                    - beta2 * (tau + 2 * d - y * (3 * d2 + y * (d - d3 + y * (d2 - tau * d3 + d4)))) / tau;
        }
        bracket -= densityEffect(betaGamma2);
        return Math.max(0.0, TWO_PI_RE2_MC2 * electronDensity * bracket / beta2);
    }

    /**
     * Bremsstrahlung, complete screening, dσ/dk ∝ (1/k)(4/3 − 4/3 y + y²) with y = k/t normalised
     * so that the radiated energy per length is t/X0. Cross section (1/mm) for photons above kc.
     */
    double bremsstrahlungCrossSection(double t, double kc) {
        double yc = kc / t;
        if (yc >= 1) {
            return 0.0;
        }
        return (-4.0 / 3.0 * Math.log(yc) - 4.0 / 3.0 * (1 - yc) + 0.5 * (1 - yc * yc)) / material.radiationLengthMm();
    }

    /** Energy radiated per mm in photons below kc (treated as a continuous loss). */
    double subCutBremsstrahlungLoss(double t, double kc) {
        double yc = Math.min(1.0, kc / t);
        return t * (4.0 / 3.0 * yc - 2.0 / 3.0 * yc * yc + yc * yc * yc / 3.0) / material.radiationLengthMm();
    }

    /** Møller (electron) or Bhabha (positron) cross section (1/mm) for delta rays above cut. */
    double deltaRayCrossSection(double t, boolean positron, double cut) {
        double xmin = cut / t;
        double xmax = positron ? 1.0 : 0.5;
        if (xmin >= xmax) {
            return 0.0;
        }
        double gamma = t / ELECTRON_MASS_MEV + 1;
        double gamma2 = gamma * gamma;
        double beta2 = 1 - 1 / gamma2;
        double cross;
        if (!positron) {
            double gg = (2 * gamma - 1) / gamma2;
            cross = ((xmax - xmin) * (1 - gg + 1 / (xmin * xmax) + 1 / ((1 - xmin) * (1 - xmax)))
                    - gg * Math.log(xmax * (1 - xmin) / (xmin * (1 - xmax)))) / beta2;
        } else {
            BhabhaCoefficients b = BhabhaCoefficients.of(gamma);
            cross = (xmax - xmin) * (1 / (beta2 * xmin * xmax) + b.b2() - 0.5 * b.b3() * (xmin + xmax)
                    + b.b4() * (xmin * xmin + xmin * xmax + xmax * xmax) / 3) - b.b1() * Math.log(xmax / xmin);
        }
        return Math.max(0.0, TWO_PI_RE2_MC2 * electronDensity * cross / t);
    }

    /** Continuous energy loss per mm: restricted ionisation plus sub-cut bremsstrahlung. */
    double continuousLoss(double t, boolean positron, double deltaCut, boolean deltaRays, double photonCut) {
        double ionisationCut = deltaRays ? deltaCut : Double.POSITIVE_INFINITY;
        return restrictedIonisation(t, positron, ionisationCut) + subCutBremsstrahlungLoss(t, photonCut);
    }

    /** Klein–Nishina Compton cross section (1/mm) of photons of energy e. */
    double comptonCrossSection(double e) {
        double k = e / ELECTRON_MASS_MEV;
        double l = Math.log1p(2 * k);
        double perElectron = (1 + k) / (k * k) * (2 * (1 + k) / (1 + 2 * k) - l / k) + l / (2 * k)
                - (1 + 3 * k) / ((1 + 2 * k) * (1 + 2 * k));
        // 2π r_e² is the prefactor of the bracket
        return TWO_PI_RE2_MC2 / ELECTRON_MASS_MEV * electronDensity * perElectron;
    }

    /** Softness of the pair-production threshold (see {@link #pairCrossSection}). */
    static final double PAIR_THRESHOLD_SOFTNESS = 0.3;

    /**
     * Pair production (1/mm): 7/(9 X0) at high energy times the ratio of the unscreened to the
     * complete-screening Bethe–Heitler cross sections, U/S with U = 28/9 ln(2E/m) − 218/27, capped
     * at 1. Where U falls to zero (3.4 MeV) it is replaced by U²/(U + c), c = 0.3, so the cross
     * section vanishes quadratically (a smooth stand-in for the physical (E − 2m)³ threshold):
     * a linearly vanishing rate would give the pair clock an infinite-variance pathwise derivative.
     */
    double pairCrossSection(double e) {
        double unscreened = 28.0 / 9.0 * Math.log(2 * e / ELECTRON_MASS_MEV) - 218.0 / 27.0;
        if (unscreened <= 0) {
            return 0.0;
        }
        double screened = 28.0 / 9.0 * Math.log(183.0 / Math.cbrt(material.screeningZ())) - 2.0 / 27.0;
        double softened = unscreened * unscreened / (unscreened + PAIR_THRESHOLD_SOFTNESS);
        return 7.0 / (9.0 * material.radiationLengthMm()) * Math.min(1.0, softened / screened);
    }

    double photoelectricCrossSection(double e) {
        return material.photoelectricPerMm(e);
    }

    /** Bhabha cross-section coefficients (Geant4 physics reference manual notation) and their γ-derivatives. */
    record BhabhaCoefficients(double b1, double b2, double b3, double b4,
                              double db1, double db2, double db3, double db4) {
        static BhabhaCoefficients of(double gamma) {
            double y = 1 / (gamma + 1);
            double dy = -y * y;
            double y2 = y * y;
            double q = 1 - 2 * y;
            double dq = -2 * dy;
            double b1 = 2 - y2;
            double b2 = q * (3 + y2);
            double b4 = q * q * q;
            double b3 = b4 + q * q;
            double db1 = -2 * y * dy;
            double db2 = dq * (3 + y2) + q * 2 * y * dy;
            double db4 = 3 * q * q * dq;
            double db3 = db4 + 2 * q * dq;
            return new BhabhaCoefficients(b1, b2, b3, b4, db1, db2, db3, db4);
        }
    }

    static double log10(double x) {
        return Math.log(x) / LN10;
    }
}
