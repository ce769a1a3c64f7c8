package dev.detopt.model.calorimeter;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

class ElectromagneticPhysicsTest {
    private static final double M = PhysicsConstants.ELECTRON_MASS_MEV;
    private final ElectromagneticPhysics pbwo4 = new ElectromagneticPhysics(Material.PBWO4);
    private final ElectromagneticPhysics argon = new ElectromagneticPhysics(Material.LIQUID_ARGON);

    /** Berger–Seltzer (ICRU 37) unrestricted collision stopping power, written out independently. */
    private static double bergerSeltzer(Material material, double t, boolean positron, double delta) {
        double tau = t / M;
        double beta2 = tau * (tau + 2) / ((tau + 1) * (tau + 1));
        double iOverM = material.meanExcitationMev() / M;
        double f;
        if (positron) {
            double p = tau + 2;
            f = 2 * Math.log(2) - beta2 / 12 * (23 + 14 / p + 10 / (p * p) + 4 / (p * p * p));
        } else {
            f = 1 - beta2 + (tau * tau / 8 - (2 * tau + 1) * Math.log(2)) / ((tau + 1) * (tau + 1));
        }
        double bracket = Math.log(tau * tau * (tau + 2) / (2 * iOverM * iOverM)) + f - delta;
        // 2π r_e² m c² n_e / β² with n_e in 1/mm³ gives MeV/mm
        return PhysicsConstants.TWO_PI_RE2_MC2 * material.electronDensityPerMm3() * bracket / beta2;
    }

    @Test
    void unrestrictedIonisationIsBergerSeltzer() {
        for (ElectromagneticPhysics physics : new ElectromagneticPhysics[] {pbwo4, argon}) {
            for (double t : new double[] {0.05, 1, 10, 1000}) {
                for (boolean positron : new boolean[] {false, true}) {
                    double delta = physics.densityEffect(t / M * (t / M + 2));
                    assertThat(physics.restrictedIonisation(t, positron, Double.POSITIVE_INFINITY))
                            .isCloseTo(bergerSeltzer(physics.material(), t, positron, delta),
                                    within(1e-9 * bergerSeltzer(physics.material(), t, positron, delta)));
                }
            }
        }
    }

    @Test
    void ionisationLossesAreNearThePdgMinimumIonisation() {
        // PDG minimum ionisation: PbWO4 1.229 MeV cm²/g · 8.28, liquid argon 2.105 MeV/cm; electrons of a few
        // MeV lose about that much (within the 20% by which electrons differ from heavy particles)
        assertThat(pbwo4.restrictedIonisation(3, false, Double.POSITIVE_INFINITY) * 10).isBetween(0.8 * 10.18, 1.2 * 10.18);
        assertThat(argon.restrictedIonisation(3, false, Double.POSITIVE_INFINITY) * 10).isBetween(0.8 * 2.105, 1.2 * 2.105);
    }

    @Test
    void restrictingTheLossRemovesWhatDeltaRaysCarry() {
        double t = 50;
        double cut = 1;
        double full = pbwo4.restrictedIonisation(t, false, Double.POSITIVE_INFINITY);
        double restricted = pbwo4.restrictedIonisation(t, false, cut);
        // energy carried by Møller delta rays above the cut, ∫ T dσ, integrated numerically
        double gamma = t / M + 1;
        double g2 = gamma * gamma;
        double beta2 = 1 - 1 / g2;
        int steps = 20_000;
        double lo = cut / t;
        double h = (0.5 - lo) / steps;
        double sum = 0;
        for (int i = 0; i <= steps; i++) {
            double x = lo + i * h;
            double density = (gamma - 1) * (gamma - 1) / g2 + 1 / (x * x) + 1 / ((1 - x) * (1 - x))
                    - (2 * gamma - 1) / g2 / (x * (1 - x));
            double weight = i == 0 || i == steps ? 1 : (i % 2 == 1 ? 4 : 2);
            sum += weight * density * x * t;
        }
        double carried = PhysicsConstants.TWO_PI_RE2_MC2 * Material.PBWO4.electronDensityPerMm3() / (beta2 * t) * sum * h / 3;
        assertThat(full - restricted).isCloseTo(carried, within(0.01 * carried));
    }

    @Test
    void comptonCrossSectionIsKleinNishina() {
        // Klein–Nishina per electron at 1 MeV: 0.2112 b (e.g. Evans, The Atomic Nucleus, table 23.1)
        double perElectronBarn = argon.comptonCrossSection(1.0) / Material.LIQUID_ARGON.electronDensityPerMm3() / 1e-22;
        assertThat(perElectronBarn).isCloseTo(0.2112, within(0.0005));
        // Thomson limit at low energy: 8π/3 r_e² = 0.6652 b
        double thomson = argon.comptonCrossSection(1e-5) / Material.LIQUID_ARGON.electronDensityPerMm3() / 1e-22;
        assertThat(thomson).isCloseTo(0.6652, within(0.001));
    }

    @Test
    void pairCrossSectionVanishesCubicallyAtThresholdAndIsContinuousAtTheFitsEnd() {
        double threshold = 2 * PhysicsConstants.ELECTRON_MASS_MEV;
        assertThat(pbwo4.pairCrossSection(threshold)).isZero();
        double delta = 0.01;
        // the Born threshold law (k − 2)³ (Maximon 1968)
        assertThat(pbwo4.pairCrossSection(threshold + 2 * delta) / pbwo4.pairCrossSection(threshold + delta))
                .isCloseTo(8.0, within(1e-9));
        double end = ElectromagneticPhysics.PAIR_FIT_LOWEST_MEV;
        assertThat(pbwo4.pairCrossSection(end - 1e-9)).isCloseTo(pbwo4.pairCrossSection(end + 1e-9), withinPercentage(1e-4));
        // rises monotonically from threshold to 2 GeV (above, the fit wiggles by < 1% around its plateau)
        double previous = 0;
        for (double e = 1.03; e < 2e3; e *= 1.05) {
            double sigma = pbwo4.pairCrossSection(e);
            assertThat(sigma).as("E = %s MeV", e).isGreaterThan(previous);
            previous = sigma;
        }
    }

    @Test
    void radiativeLossIsCompleteScreeningAtHighEnergyAndLowerBelow() {
        double x0 = Material.PBWO4.radiationLengthMm();
        // complete screening at 1 GeV and above: the radiated energy per length is t/X0
        assertThat(pbwo4.screeningRatio(1000)).isEqualTo(1.0);
        assertThat(pbwo4.subCutBremsstrahlungLoss(2000, 2000)).isCloseTo(2000 / x0, withinPercentage(1e-9));
        // a 10 MeV electron radiates ~10% less in PbWO4, and less still in argon (screening completes later for low Z)
        assertThat(pbwo4.screeningRatio(10)).isBetween(0.85, 0.95);
        assertThat(argon.screeningRatio(10)).isBetween(0.7, 0.85);
        // the ratio rises with energy
        assertThat(pbwo4.screeningRatio(5)).isLessThan(pbwo4.screeningRatio(10));
    }

    @Test
    void photoEffectFlattensAboveOneMevAndStaysContinuous() {
        double knee = Material.PHOTOELECTRIC_KNEE_MEV;
        assertThat(pbwo4.photoelectricCrossSection(knee * (1 + 1e-12)))
                .isCloseTo(pbwo4.photoelectricCrossSection(knee), withinPercentage(1e-6));
        // local power above and below the knee: ~E^-2.44 below (fit 0.1–1 MeV), ~E^-1.6 above (XCOM Pb 1–10 MeV)
        double below = Math.log(pbwo4.photoelectricCrossSection(0.5) / pbwo4.photoelectricCrossSection(0.9)) / Math.log(0.9 / 0.5);
        double above = Math.log(pbwo4.photoelectricCrossSection(2) / pbwo4.photoelectricCrossSection(5)) / Math.log(5 / 2.0);
        assertThat(below).isCloseTo(2.44, within(0.01));
        assertThat(above).isCloseTo(1.6, within(0.01));
    }

    @Test
    void highEnergyLimitsAreTheRadiationLengthScalings() {
        double x0 = Material.PBWO4.radiationLengthMm();
        // PDG "Passage of particles through matter": σ_pair → 7/(9 n X0) at high energy; the
        // parametrised cross section is within a few % of it at 10 GeV (screening is complete there)
        assertThat(pbwo4.pairCrossSection(1e4)).isCloseTo(7.0 / (9.0 * x0), withinPercentage(4));
        double argonX0 = Material.LIQUID_ARGON.radiationLengthMm();
        assertThat(argon.pairCrossSection(1e4)).isCloseTo(7.0 / (9.0 * argonX0), withinPercentage(4));
        assertThat(pbwo4.pairCrossSection(1.0)).isZero();
        // energy radiated per length by bremsstrahlung (above + below the cut) is t / X0
        double t = 5000;
        double kc = 1;
        int steps = 200_000;
        double lo = kc / t;
        double h = (Math.log(1) - Math.log(lo)) / steps;
        double sum = 0;
        for (int i = 0; i <= steps; i++) {
            double y = Math.exp(Math.log(lo) + i * h);
            double weight = i == 0 || i == steps ? 1 : (i % 2 == 1 ? 4 : 2);
            sum += weight * (4.0 / 3 - 4.0 / 3 * y + y * y) * y; // y·(1/y)(…)·y in ln y
        }
        double above = t / x0 * sum * h / 3;
        assertThat(above + pbwo4.subCutBremsstrahlungLoss(t, kc)).isCloseTo(t / x0, within(1e-6 * t / x0));
        assertThat(pbwo4.bremsstrahlungCrossSection(0.5, kc)).isZero();
    }
}
