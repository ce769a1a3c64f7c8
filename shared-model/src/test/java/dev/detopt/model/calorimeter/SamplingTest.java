package dev.detopt.model.calorimeter;

import org.junit.jupiter.api.Test;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The inversion samplers: the sample is the u-quantile of the physics density (checked against
 * numerical integration of the density written out here), and its derivative with respect to the
 * energy (implicit-function theorem) matches a central difference at fixed u.
 */
class SamplingTest {
    private static final double M = PhysicsConstants.ELECTRON_MASS_MEV;
    private final CalorimeterConfig config = CalorimeterConfig.defaults().withDeltaRays(true);
    private final ShowerTransport transport = new ShowerTransport(config, new MaterialTables(config), new int[] {0});

    /** ∫_lo^x f / ∫_lo^hi f by Simpson's rule in ln x (the densities here are steep near lo). */
    private static double quantile(DoubleUnaryOperator density, double lo, double x, double hi) {
        return integrate(density, lo, x) / integrate(density, lo, hi);
    }

    private static double integrate(DoubleUnaryOperator density, double lo, double hi) {
        int steps = 20_000;
        double a = Math.log(lo);
        double h = (Math.log(hi) - a) / steps;
        double sum = 0;
        for (int i = 0; i <= steps; i++) {
            double x = Math.exp(a + i * h);
            double weight = i == 0 || i == steps ? 1 : (i % 2 == 1 ? 4 : 2);
            sum += weight * density.applyAsDouble(x) * x;
        }
        return sum * h / 3;
    }

    private void checkSampler(DoubleBinaryOperator sampler, double energy, double u) {
        double x = sampler.applyAsDouble(energy, u);
        double slope = transport.lastSampleSlope();
        double h = 1e-5 * energy;
        double numeric = (sampler.applyAsDouble(energy + h, u) - sampler.applyAsDouble(energy - h, u)) / (2 * h);
        assertThat(slope).as("d sample / d energy at E=%s u=%s", energy, u)
                .isCloseTo(numeric, within(1e-5 * Math.abs(numeric) + 1e-12));
        assertThat(x).isFinite();
    }

    /**
     * The photon energy is the u-quantile of the screened spectrum of PbWO4 (the material of region
     * 0, where a fresh transport stands), to the interpolation accuracy of {@link BremsstrahlungTable}
     * (≤ 3e-4 in u, largest near u → 1 between its rows in ln t).
     */
    @Test
    void bremsstrahlungFollowsTheScreenedSpectrum() {
        double kc = config.photonCutMev();
        ElectromagneticPhysics pbwo4 = new ElectromagneticPhysics(Material.PBWO4);
        for (double t : new double[] {0.3, 5, 37, 100, 10_000}) {
            double c = kc / t;
            for (double u : new double[] {0.01, 0.3, 0.77, 0.999}) {
                double y = transport.sampleBremsstrahlung(t, u);
                assertThat(quantile(v -> pbwo4.bremsstrahlungSpectrum(v * t, t) / v, c, y, 1))
                        .as("t=%s u=%s", t, u).isCloseTo(u, within(5e-4));
                checkSampler(transport::sampleBremsstrahlung, t, u);
            }
        }
    }

    @Test
    void pairEnergyShareFollowsTheScreenedSpectrum() {
        for (double k : new double[] {3, 50, 5_000}) {
            double x0 = M / k;
            for (double u : new double[] {0.02, 0.4, 0.5, 0.93}) {
                double x = transport.samplePairShare(k, u);
                assertThat(quantile(v -> 1 - 4.0 / 3 * v * (1 - v), x0, x, 1 - x0)).isCloseTo(u, within(1e-6));
                checkSampler(transport::samplePairShare, k, u);
            }
        }
    }

    @Test
    void comptonFollowsKleinNishina() {
        for (double e : new double[] {0.15, 1.0, 30.0}) {
            double kappa = e / M;
            double e0 = 1 / (1 + 2 * kappa);
            DoubleUnaryOperator kleinNishina = eps -> {
                double cos = 1 - (1 / eps - 1) / kappa;
                return (1 / eps + eps) * (1 - eps * (1 - cos * cos) / (1 + eps * eps));
            };
            for (double u : new double[] {0.05, 0.5, 0.95}) {
                double eps = transport.sampleCompton(kappa, u);
                assertThat(quantile(kleinNishina, e0, eps, 1)).isCloseTo(u, within(1e-6));
                checkSampler(transport::sampleCompton, kappa, u);
            }
        }
    }

    @Test
    void mollerAndBhabhaFollowTheirCrossSections() {
        double cut = config.deltaCutMev();
        for (double t : new double[] {5, 200}) {
            double gamma = t / M + 1;
            double g2 = gamma * gamma;
            double beta2 = 1 - 1 / g2;
            DoubleUnaryOperator moller = x -> ((gamma - 1) * (gamma - 1) / g2 + 1 / (x * x) + 1 / ((1 - x) * (1 - x))
                    - (2 * gamma - 1) / g2 / (x * (1 - x)));
            double y = 1 / (gamma + 1);
            double b1 = 2 - y * y;
            double b2 = (1 - 2 * y) * (3 + y * y);
            double b4 = Math.pow(1 - 2 * y, 3);
            double b3 = b4 + (1 - 2 * y) * (1 - 2 * y);
            DoubleUnaryOperator bhabha = x -> (1 / (beta2 * x * x) - b1 / x + b2 - b3 * x + b4 * x * x);
            for (double u : new double[] {0.1, 0.6, 0.97}) {
                double xm = transport.sampleMoller(t, u);
                assertThat(quantile(moller, cut / t, xm, 0.5)).isCloseTo(u, within(1e-6));
                checkSampler(transport::sampleMoller, t, u);
                double xb = transport.sampleBhabha(t, u);
                assertThat(quantile(bhabha, cut / t, xb, 1.0)).isCloseTo(u, within(1e-6));
                checkSampler(transport::sampleBhabha, t, u);
            }
        }
    }
}
