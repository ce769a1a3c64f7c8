package dev.detopt.model.calorimeter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Two-photon annihilation of positrons in flight (Heitler; Geant4 Physics Reference Manual,
 * "Positron - Electron Annihilation into Two Gammas"): the cross section, the sampled photon-energy
 * fraction, its limit at rest, and the exactness of the tangents of showers in which positrons
 * annihilate in flight.
 */
class AnnihilationTest {
    private static final double M = PhysicsConstants.ELECTRON_MASS_MEV;
    private static final double BARN_MM2 = 1e-22;

    /**
     * Heitler's cross section per electron, σ = π r_e²/(γ+1) [(γ²+4γ+1)/(γ²−1) ln(γ+√(γ²−1)) −
     * (γ+3)/√(γ²−1)], evaluated by hand (Python, r_e = 2.8179403262 fm) at 1, 10 and 1000 MeV, and
     * its non-relativistic limit π r_e²/β at 10 keV (1.2794 b; Heitler gives 1.2791 b there).
     */
    @Test
    void crossSectionIsHeitlersPerElectronTimesTheElectronDensity() {
        double[][] byHand = {{0.01, 1.2791284}, {1, 0.17192957}, {10, 0.038296190}, {1000, 9.2812949e-4}};
        for (Material material : new Material[] {Material.PBWO4, Material.LIQUID_ARGON}) {
            ElectromagneticPhysics physics = new ElectromagneticPhysics(material);
            for (double[] point : byHand) {
                double expected = point[1] * BARN_MM2 * material.electronDensityPerMm3();
                assertThat(physics.annihilationCrossSection(point[0])).as("%s at %s MeV", material, point[0])
                        .isCloseTo(expected, within(1e-6 * expected));
            }
        }
    }

    /** Heitler's S(ε) = −(γ+1)² + (γ²+4γ+1)/ε − 1/ε² integrated from ε_min: the analytic CDF. */
    private static double cdf(double t, double epsilon) {
        double gamma = t / M + 1;
        double s = Math.sqrt((gamma - 1) / (gamma + 1));
        double lo = 0.5 * (1 - s);
        double hi = 0.5 * (1 + s);
        return (primitive(gamma, epsilon) - primitive(gamma, lo)) / (primitive(gamma, hi) - primitive(gamma, lo));
    }

    private static double primitive(double gamma, double epsilon) {
        return -(gamma + 1) * (gamma + 1) * epsilon + (gamma * gamma + 4 * gamma + 1) * Math.log(epsilon) + 1 / epsilon;
    }

    /** The first photon's fraction ε of T + 2m from y = 2(ε − ε_min)/s. */
    private static double fraction(double t, double y) {
        double gamma = t / M + 1;
        double s = Math.sqrt((gamma - 1) / (gamma + 1));
        return 0.5 * (1 - s) + 0.5 * s * y;
    }

    /**
     * Kolmogorov–Smirnov on 20,000 samples per energy against the analytic CDF: D ≤ 1.95/√N (the
     * 0.1% critical value, 0.0138); and the derivative of the sample with respect to T at fixed u
     * against a central difference.
     */
    @Test
    void photonEnergyFractionFollowsHeitlersDistribution() {
        CalorimeterConfig config = CalorimeterConfig.defaults();
        ShowerTransport transport = new ShowerTransport(config, new MaterialTables(config), new int[] {0});
        SplittableRandom random = new SplittableRandom(7);
        int samples = 20_000;
        for (double t : new double[] {0.02, 0.7, 30, 10_000}) {
            double[] cdfs = new double[samples];
            for (int i = 0; i < samples; i++) {
                cdfs[i] = cdf(t, fraction(t, transport.sampleAnnihilation(t, random.nextDouble())));
            }
            Arrays.sort(cdfs);
            double d = 0;
            for (int i = 0; i < samples; i++) {
                d = Math.max(d, Math.max((i + 1.0) / samples - cdfs[i], cdfs[i] - (double) i / samples));
            }
            assertThat(d).as("KS distance at T = %s MeV", t).isLessThan(1.95 / Math.sqrt(samples));
            for (double u : new double[] {0.001, 0.2, 0.5, 0.93, 0.9999}) {
                double y = transport.sampleAnnihilation(t, u);
                double slope = transport.lastSampleSlope();
                double h = 1e-4 * t;
                double numeric = (transport.sampleAnnihilation(t + h, u) - transport.sampleAnnihilation(t - h, u)) / (2 * h);
                assertThat(slope).as("dy/dT at T=%s u=%s", t, u).isCloseTo(numeric, within(1e-5 * Math.abs(numeric) + 1e-8));
                assertThat(cdf(t, fraction(t, y))).as("quantile at T=%s", t).isCloseTo(u, within(1e-9));
            }
        }
    }

    /** At T → 0 the in-flight sample tends to the at-rest one for the same uniform: y = 2u. */
    @Test
    void inFlightTendsToAtRestAsTheEnergyVanishes() {
        CalorimeterConfig config = CalorimeterConfig.defaults();
        ShowerTransport transport = new ShowerTransport(config, new MaterialTables(config), new int[0]);
        for (double u : new double[] {0.001, 0.3, 0.5, 0.999}) {
            assertThat(transport.sampleAnnihilation(1e-12, u)).isCloseTo(2 * u, within(1e-5));
            assertThat(transport.sampleAnnihilation(1e-6, u)).isCloseTo(2 * u, within(1e-2));
        }
    }

    /**
     * Positron primaries (at 30 MeV about one event in five has an annihilation in flight; without
     * residual ranges the tables stop at the 1 MeV tracking cut, and ~5% of positrons annihilate
     * in flight below it, {@link ChargedTable#annihilationTail}): on events where no discrete
     * decision flips inside θ ± h (central differences with steps h and h/10 agree), the tangents
     * with respect to e, a and g equal the (finer) central difference on every deposit and the
     * leakage. A missing term in the annihilation photons' energies or directions, or in the clock
     * below the table, would show on every such event. The range-end boundary term is left out: it
     * estimates a jump's expected share, not this event's slope.
     */
    @ParameterizedTest(name = "e+ at {0} MeV, residual range {1}")
    @CsvSource({"30, true", "5, false"})
    void tangentsEqualCentralDifferencesOnEventsWithoutAFlip(double energy, boolean residualRange) {
        CalorimeterConfig config = CalorimeterConfig.defaults().withParticle("e+").withResidualRange(residualRange);
        MaterialTables tables = new MaterialTables(config);
        ShowerTransport tangent = new ShowerTransport(config, tables, new int[] {0, 1, 2}, true, true, false);
        ShowerTransport primal = new ShowerTransport(config, tables, new int[0]);
        double[] theta = {energy, 2.3, 5.7};
        double[] steps = {1e-5, 1e-7, 1e-7};
        int regions = tangent.deposit.length;
        SplittableRandom seeds = new SplittableRandom(3);
        int events = 400;
        int smoothWithAnnihilation = 0;
        int smoothBelowTable = 0;
        double worst = 0;
        for (int event = 0; event < events; event++) {
            long seed = seeds.nextLong();
            tangent.simulate(theta[0], theta[1], theta[2], seed);
            if (tangent.inFlightAnnihilations == 0) {
                continue;
            }
            boolean flipped = false;
            double eventWorst = 0;
            for (int k = 0; k < 3 && !flipped; k++) {
                double[] coarse = centralDifference(primal, theta, k, steps[k], seed);
                double[] fine = centralDifference(primal, theta, k, steps[k] / 10, seed);
                for (int i = 0; i <= regions; i++) {
                    flipped |= Math.abs(coarse[i] - fine[i]) > 1e-3 * Math.abs(coarse[i]) + 1e-4;
                    double pathwise = i < regions ? tangent.depositTangent[i * 3 + k] : tangent.leakageTangent[k];
                    // against the finer difference: on a few events the coarse one's truncation (h²) shows
                    eventWorst = Math.max(eventWorst, Math.abs(pathwise - fine[i]) / (1 + Math.abs(fine[i])));
                }
            }
            if (!flipped) {
                smoothWithAnnihilation++;
                smoothBelowTable += tangent.annihilationsBelowTable > 0 ? 1 : 0;
                worst = Math.max(worst, eventWorst);
            }
        }
        assertThat(smoothWithAnnihilation).as("smooth events with an annihilation in flight").isGreaterThanOrEqualTo(20); // measured 72 and 36
        if (!residualRange) {
            assertThat(smoothBelowTable).as("smooth events with an annihilation below the tables (measured 9)").isGreaterThanOrEqualTo(5);
        }
        assertThat(worst).as("largest |pathwise − central difference| / (1 + |central difference|)").isLessThan(1e-4);
    }

    private static double[] centralDifference(ShowerTransport primal, double[] theta, int k, double step, long seed) {
        int regions = primal.deposit.length;
        double[] plus = theta.clone();
        double[] minus = theta.clone();
        plus[k] += step;
        minus[k] -= step;
        double[] out = new double[regions + 1];
        primal.simulate(plus[0], plus[1], plus[2], seed);
        for (int r = 0; r < regions; r++) {
            out[r] = primal.deposit[r];
        }
        out[regions] = primal.leakage;
        primal.simulate(minus[0], minus[1], minus[2], seed);
        for (int r = 0; r < regions; r++) {
            out[r] = (out[r] - primal.deposit[r]) / (2 * step);
        }
        out[regions] = (out[regions] - primal.leakage) / (2 * step);
        return out;
    }
}
