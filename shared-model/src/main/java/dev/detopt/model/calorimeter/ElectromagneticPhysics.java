package dev.detopt.model.calorimeter;

import static dev.detopt.model.calorimeter.PhysicsConstants.CLASSICAL_ELECTRON_RADIUS_MM;
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
        this.z = material.screeningZ();
        this.cbrtZ = Math.cbrt(z);
        double logZ = Math.log(z);
        // Coulomb correction f(Z), a = αZ (PDG "Passage of particles through matter", eq. 34.27)
        double a2 = (z / 137.035999) * (z / 137.035999);
        double coulomb = a2 * (1 / (1 + a2) + 0.20206 - 0.0369 * a2 + 0.0083 * a2 * a2 - 0.002 * a2 * a2 * a2);
        this.nuclearLogTerm = logZ / 3 + coulomb;
        this.electronLogTerm = 2 * logZ / 3;
        // the bracket of bremsstrahlungSpectrum at γ = ε = 0 (complete screening), times 3/4
        this.completeScreening = 0.75 * ((0.25 * 20.863 - nuclearLogTerm) + (0.25 * 28.34 - electronLogTerm) / z);
    }

    private final double z;
    private final double cbrtZ;
    private final double nuclearLogTerm;
    private final double electronLogTerm;
    private final double completeScreening;

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
     * Bremsstrahlung photon spectrum, k·dσ/dk in units of 1/X0, of an electron or positron of kinetic
     * energy t emitting a photon of energy k: the Bethe–Heitler cross section with Tsai's screening
     * functions of the Thomas–Fermi atom and the Coulomb correction (Tsai, Rev. Mod. Phys. 46 (1974)
     * 815, eqs. 3.9 and 3.38–3.41 in his analytic approximations, as used by Geant4's relativistic
     * bremsstrahlung model: Geant4 Physics Reference Manual, "Bremsstrahlung", and G4HepEm). It is
     * divided by the complete-screening constant, so that where screening is complete (high t, or
     * soft photons) it is 4/3 − 4/3 y + y² (y = k/t, PDG "Passage of particles through matter",
     * eq. 34.29) plus Tsai's small (1 − y)/9-type term, and the radiated energy per length is t/X0.
     * Below ~1 GeV the nucleus is no longer screened for the harder photons, which suppresses them:
     * the spectrum of electrons of a few to a few hundred MeV is softer than complete screening
     * (issue 14: this alone made the shower too long). One effective Z per material
     * ({@link Material#screeningZ()}).
     */
    double bremsstrahlungSpectrum(double k, double t) {
        double total = t + ELECTRON_MASS_MEV;
        double y = k / total;
        double oneMinusY = 1 - y;
        double main = oneMinusY + 0.75 * y * y;
        // screening variables of the nucleus (γ) and of the atomic electrons (ε), Tsai eq. 3.30
        double gamma = 100 * ELECTRON_MASS_MEV * y / ((total - k) * cbrtZ);
        double epsilon = gamma / cbrtZ;
        double gamma2 = gamma * gamma;
        double epsilon2 = epsilon * epsilon;
        double phi1 = 16.863 - 2.0 * Math.log(1.0 + 0.311877 * gamma2) + 2.4 * Math.exp(-0.9 * gamma) + 1.6 * Math.exp(-1.5 * gamma);
        double phi1MinusPhi2 = 2.0 / (3.0 + 19.5 * gamma + 18.0 * gamma2);
        double psi1 = 24.34 - 2.0 * Math.log(1.0 + 13.111641 * epsilon2) + 2.8 * Math.exp(-8.0 * epsilon) + 1.2 * Math.exp(-29.2 * epsilon);
        double psi1MinusPsi2 = 2.0 / (3.0 + 120.0 * epsilon + 1200.0 * epsilon2);
        double value = main * ((0.25 * phi1 - nuclearLogTerm) + (0.25 * psi1 - electronLogTerm) / z)
                + 0.125 * oneMinusY * (phi1MinusPhi2 + psi1MinusPsi2 / z);
        return Math.max(0.0, value / completeScreening);
    }

    /**
     * Bremsstrahlung cross section (1/mm) for photons above kc: ∫ (k dσ/dk) dk/k from kc to t. Below
     * t/2 in ln k; above it in ln(E − k) (E the total energy), which resolves the fall of the
     * spectrum over the last few m_e below the tip.
     */
    double bremsstrahlungCrossSection(double t, double kc) {
        if (kc >= t) {
            return 0.0;
        }
        return bremsstrahlungIntegrals(t, kc)[0];
    }

    /** Energy radiated per mm in photons below kc (treated as a continuous loss): ∫ (k dσ/dk) dk from 0 to kc. */
    double subCutBremsstrahlungLoss(double t, double kc) {
        return bremsstrahlungIntegrals(t, kc)[1];
    }

    /**
     * {cross section above kc, loss below kc} at t, remembered: the electron and positron tables of a
     * material ask for the same energies (construction only; concurrent use is safe).
     */
    private double[] bremsstrahlungIntegrals(double t, double kc) {
        double[] known = integralCache.get(t);
        if (known != null && known[2] == kc) {
            return known;
        }
        double[] computed = {kc >= t ? 0.0 : integrateCrossSection(t, kc), integrateSubCutLoss(t, kc), kc};
        if (integralCache.size() < 100_000) {
            integralCache.put(t, computed);
        }
        return computed;
    }

    private final java.util.concurrent.ConcurrentHashMap<Double, double[]> integralCache = new java.util.concurrent.ConcurrentHashMap<>();

    private double integrateCrossSection(double t, double kc) {
        double middle = Math.max(kc, 0.5 * t);
        double sum = 0;
        if (kc < middle) {
            double lo = Math.log(kc);
            double h = (Math.log(middle) - lo) / SPECTRUM_INTERVALS;
            double part = 0;
            for (int j = 0; j <= SPECTRUM_INTERVALS; j++) {
                double weight = j == 0 || j == SPECTRUM_INTERVALS ? 1 : (j % 2 == 1 ? 4 : 2);
                part += weight * bremsstrahlungSpectrum(Math.exp(lo + j * h), t);
            }
            sum += part * h / 3;
        }
        double total = t + ELECTRON_MASS_MEV;
        double lo = Math.log(ELECTRON_MASS_MEV);
        double h = (Math.log(total - middle) - lo) / SPECTRUM_INTERVALS;
        double part = 0;
        for (int j = 0; j <= SPECTRUM_INTERVALS; j++) {
            double weight = j == 0 || j == SPECTRUM_INTERVALS ? 1 : (j % 2 == 1 ? 4 : 2);
            double rest = Math.exp(lo + j * h);
            double k = total - rest;
            part += weight * bremsstrahlungSpectrum(k, t) * rest / k;
        }
        sum += part * h / 3;
        return sum / material.radiationLengthMm();
    }

    private double integrateSubCutLoss(double t, double kc) {
        double top = Math.min(kc, t);
        double h = top / SPECTRUM_INTERVALS;
        double sum = 0;
        for (int j = 0; j <= SPECTRUM_INTERVALS; j++) {
            double weight = j == 0 || j == SPECTRUM_INTERVALS ? 1 : (j % 2 == 1 ? 4 : 2);
            sum += weight * bremsstrahlungSpectrum(j * h, t);
        }
        return sum * h / 3 / material.radiationLengthMm();
    }

    /** Simpson intervals of each spectrum integral (the integrands are smooth there: ~1e-6). */
    private static final int SPECTRUM_INTERVALS = 16;

    /**
     * Two-photon annihilation in flight (1/mm) of a positron of kinetic energy t on the material's
     * electrons: Heitler's cross section per electron, σ = π r_e² / ((γ+1)(γ²−1)) · [(γ²+4γ+1)
     * ln(γ + √(γ²−1)) − (γ+3) √(γ²−1)], γ the positron's Lorentz factor (W. Heitler, The Quantum
     * Theory of Radiation, 3rd ed. 1954, §26; Geant4 Physics Reference Manual, "Positron - Electron
     * Annihilation into Two Gammas", the model G4HepEm uses), times the electron density. It grows
     * as π r_e²/β for t → 0, but per unit energy lost, σ/S, it falls to 0 there.
     */
    double annihilationCrossSection(double t) {
        if (!(t > 0)) {
            return 0.0;
        }
        double tau = t / ELECTRON_MASS_MEV;
        double gamma = tau + 1;
        double betaGamma = Math.sqrt(tau * (tau + 2));
        double bracket = (gamma * gamma + 4 * gamma + 1) * Math.log1p(tau + betaGamma) - (gamma + 3) * betaGamma;
        return Math.PI * CLASSICAL_ELECTRON_RADIUS_MM * CLASSICAL_ELECTRON_RADIUS_MM * electronDensity
                * bracket / ((gamma + 1) * betaGamma * betaGamma);
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

    /** Lowest energy of the pair cross-section parametrisation, MeV (Geant4 Physics Reference Manual). */
    static final double PAIR_FIT_LOWEST_MEV = 1.5;
    /** Coefficients (microbarn) of F1, F2, F3 as polynomials in X = ln(E/m c²), Geant4 PRM "Gamma conversion". */
    private static final double[] PAIR_F1 = {8.7842e+2, -1.9625e+3, 1.2949e+3, -2.0028e+2, 1.2575e+1, -2.8333e-1};
    private static final double[] PAIR_F2 = {-1.0342e+1, 1.7692e+1, -8.2381, 1.3063, -9.0815e-2, 2.3586e-3};
    private static final double[] PAIR_F3 = {-4.5263e+2, 1.1161e+3, -8.6749e+2, 2.1773e+2, -2.0467e+1, 6.5372e-1};
    private static final double MICROBARN_MM2 = 1e-28;

    /**
     * Pair production (1/mm), nuclear and electron fields: Σ_i n_i σ(Z_i, E) with L. Urban's
     * parametrisation of the per-atom cross section, σ(Z, E) = (Z + 1)(F1(X) Z + F2(X) Z² + F3(X)),
     * X = ln(E/m c²), fitted to the Hubbell–Gimm–Øverbø data (J. Phys. Chem. Ref. Data 9 (1980) 1023)
     * between 1.5 MeV and 100 GeV (Geant4 Physics Reference Manual, "Gamma conversion into an e+e−
     * pair", the cross section G4HepEm's Bethe–Heitler model tabulates). Below 1.5 MeV it falls as
     * ((E − 2m)/(1.5 MeV − 2m))³ to zero at threshold, the (k − 2)³ threshold law of the Born cross
     * section (Maximon, J. Res. NBS 72B (1968) 79; Hubbell, Gimm, Øverbø), where Geant4 interpolates
     * quadratically. The pair clock's position moves as d ln Σ/dE = 3/(E − 2m) near threshold, so a
     * conversion just above it has a huge pathwise derivative; the faster the rate vanishes, the rarer
     * such conversions: the cubic law cuts the largest per-event tangents (docs/simulation.md). Compared with
     * the former 7/(9 X0)·U/S form it is up to 20% lower at 50–100 MeV and non-zero between 2m and 3.4 MeV.
     */
    double pairCrossSection(double e) {
        if (e <= 2 * ELECTRON_MASS_MEV) {
            return 0.0;
        }
        double fitEnergy = Math.max(e, PAIR_FIT_LOWEST_MEV);
        double x = Math.log(fitEnergy / ELECTRON_MASS_MEV);
        double f1 = polynomial(PAIR_F1, x);
        double f2 = polynomial(PAIR_F2, x);
        double f3 = polynomial(PAIR_F3, x);
        double sigma = 0;
        for (int i = 0; i < material.elements(); i++) {
            double z = material.elementZ(i);
            double perAtom = Math.max(0.0, (z + 1) * (f1 * z + f2 * z * z + f3)) * MICROBARN_MM2;
            sigma += material.atomsPerMm3(i) * perAtom;
        }
        if (e < PAIR_FIT_LOWEST_MEV) {
            double q = (e - 2 * ELECTRON_MASS_MEV) / (PAIR_FIT_LOWEST_MEV - 2 * ELECTRON_MASS_MEV);
            sigma *= q * q * q;
        }
        return sigma;
    }

    private static double polynomial(double[] c, double x) {
        double r = 0;
        for (int i = c.length - 1; i >= 0; i--) {
            r = r * x + c[i];
        }
        return r;
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
