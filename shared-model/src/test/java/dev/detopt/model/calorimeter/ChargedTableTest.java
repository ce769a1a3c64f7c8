package dev.detopt.model.calorimeter;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.function.DoubleUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The e± transport tables are continuously differentiable in the kinetic energy (the primary's
 * energy e is not random, so a slope that jumps at a node puts a kink into the mean deposits as
 * functions of e, where pathwise and central differences disagree), their slopes are the physics
 * integrands 1/S and Σ/S, and their values are the integrals of those (checked against Simpson
 * integration written out here).
 */
class ChargedTableTest {
    private static final CalorimeterConfig CONFIG = CalorimeterConfig.defaults();

    private static ChargedTable table(boolean positron, Material material) {
        return new ChargedTable(new ElectromagneticPhysics(material), positron, CONFIG, CalorimeterConfig.MAX_ENERGY_MEV);
    }

    /** ∫_lo^hi f dt by Simpson's rule in ln t. */
    private static double integrate(DoubleUnaryOperator f, double lo, double hi) {
        int steps = 20_000;
        double a = Math.log(lo);
        double h = (Math.log(hi) - a) / steps;
        double sum = 0;
        for (int i = 0; i <= steps; i++) {
            double t = Math.exp(a + i * h);
            double weight = i == 0 || i == steps ? 1 : (i % 2 == 1 ? 4 : 2);
            sum += weight * f.applyAsDouble(t) * t;
        }
        return sum * h / 3;
    }

    @ParameterizedTest(name = "positron = {0}")
    @ValueSource(booleans = {false, true})
    void rangeAndMeanFreePathsAreContinuouslyDifferentiableAcrossNodes(boolean positron) {
        for (Material material : MaterialTables.MATERIALS) {
            ChargedTable table = table(positron, material);
            for (int i = 1; i < table.nodes - 1; i++) {
                double node = table.energy[i];
                assertThat(table.rangeAt(i - 1, node)).isCloseTo(table.rangeAt(i, node), within(1e-12 * table.range[i]));
                assertThat(table.rangeSlopeAt(i - 1, node)).as("dR/dt at node %s", i)
                        .isCloseTo(table.rangeSlopeAt(i, node), within(1e-9 * table.rangeSlopeAt(i, node)));
                for (int p = 0; p < 2; p++) {
                    assertThat(table.mfpSlopeAt(p, i - 1, node)).as("dΛ%s/dt at node %s", p, i)
                            .isCloseTo(table.mfpSlopeAt(p, i, node), within(1e-9 * table.mfpSlopeAt(p, i, node) + 1e-300));
                }
            }
        }
    }

    @ParameterizedTest(name = "positron = {0}")
    @ValueSource(booleans = {false, true})
    void slopesAreThePhysicsIntegrandsAndValuesTheirIntegrals(boolean positron) {
        for (Material material : MaterialTables.MATERIALS) {
            ElectromagneticPhysics physics = new ElectromagneticPhysics(material);
            ChargedTable table = table(positron, material);
            DoubleUnaryOperator loss = t -> physics.continuousLoss(t, positron, CONFIG.deltaCutMev(), CONFIG.deltaRays(),
                    CONFIG.photonCutMev());
            DoubleUnaryOperator bremsstrahlung = t -> physics.bremsstrahlungCrossSection(t, CONFIG.photonCutMev()) / loss.applyAsDouble(t);
            DoubleUnaryOperator deltaRays = t -> physics.deltaRayCrossSection(t, positron, CONFIG.deltaCutMev()) / loss.applyAsDouble(t);
            for (double t : new double[] {3.7, 42.0, 1000.0, 10_000.0, 123_456.0}) {
                int bin = table.bin(t);
                assertThat(table.rangeSlopeAt(bin, t)).as("1/S at %s MeV", t)
                        .isCloseTo(1 / loss.applyAsDouble(t), within(2e-4 / loss.applyAsDouble(t)));
                assertThat(table.mfpSlopeAt(ChargedTable.BREMSSTRAHLUNG, bin, t))
                        .isCloseTo(bremsstrahlung.applyAsDouble(t), within(2e-4 * bremsstrahlung.applyAsDouble(t)));
                // from 2 MeV (above the tracking cut and the delta-ray threshold) to t
                int low = table.bin(2.0);
                double range = integrate(u -> 1 / loss.applyAsDouble(u), 2.0, t);
                assertThat(table.rangeAt(bin, t) - table.rangeAt(low, 2.0)).as("range from 2 MeV to %s MeV", t)
                        .isCloseTo(range, within(1e-4 * range));
                double mfp = integrate(bremsstrahlung, 2.0, t);
                assertThat(table.mfpAt(ChargedTable.BREMSSTRAHLUNG, bin, t) - table.mfpAt(ChargedTable.BREMSSTRAHLUNG, low, 2.0))
                        .isCloseTo(mfp, within(1e-4 * mfp));
                // Σ_δ starts with a kink at its threshold (2 × cut for e−, the cut for e+), where the
                // linear interpolation of the integrand is least accurate
                double delta = integrate(deltaRays, 2.0, t);
                assertThat(table.mfpAt(ChargedTable.DELTA_RAY, bin, t) - table.mfpAt(ChargedTable.DELTA_RAY, low, 2.0))
                        .isCloseTo(delta, within(1e-3 * delta));
                // the inverses
                assertThat(table.energyAtRange(bin, table.rangeAt(bin, t))).isCloseTo(t, within(1e-9 * t));
                assertThat(table.energyAtMfp(ChargedTable.BREMSSTRAHLUNG, bin, table.mfpAt(ChargedTable.BREMSSTRAHLUNG, bin, t)))
                        .isCloseTo(t, within(1e-9 * t));
            }
        }
    }

    /**
     * Below the tracking cut the clocks go on, so a clock running out just below the cut does what
     * it would have done just above it (before, the rates stopped at the cut and the mean deposits
     * jumped with every clock that crossed it). Each rate falls to zero at its own threshold: the
     * photon cut for bremsstrahlung, the delta-ray cut for Bhabha scattering of positrons, twice
     * the cut for Møller scattering, which is above the 1 MeV tracking cut.
     */
    @ParameterizedTest(name = "positron = {0}")
    @ValueSource(booleans = {false, true})
    void ratesRunOnBelowTheTrackingCutDownToTheirThresholds(boolean positron) {
        double cut = CONFIG.electronTrackingCutMev();
        double photonCut = CONFIG.photonCutMev();
        for (Material material : MaterialTables.MATERIALS) {
            ElectromagneticPhysics physics = new ElectromagneticPhysics(material);
            ChargedTable table = table(positron, material);
            DoubleUnaryOperator loss = t -> physics.continuousLoss(t, positron, CONFIG.deltaCutMev(), CONFIG.deltaRays(), photonCut);
            DoubleUnaryOperator bremsstrahlung = t -> physics.bremsstrahlungCrossSection(t, photonCut) / loss.applyAsDouble(t);
            int cutBin = table.bin(cut);
            double justBelow = table.mfpSlopeAt(ChargedTable.BREMSSTRAHLUNG, table.bin(cut * (1 - 1e-9)), cut * (1 - 1e-9));
            double justAbove = table.mfpSlopeAt(ChargedTable.BREMSSTRAHLUNG, cutBin, cut * (1 + 1e-9));
            assertThat(justBelow).as("Σ_brems/S just below the cut, %s", material).isPositive()
                    .isCloseTo(justAbove, within(1e-6 * justAbove));
            for (double t : new double[] {0.2, 0.5, 0.9}) {
                assertThat(table.mfpSlopeAt(ChargedTable.BREMSSTRAHLUNG, table.bin(t), t)).as("Σ_brems/S at %s MeV", t)
                        .isCloseTo(bremsstrahlung.applyAsDouble(t), within(0.02 * bremsstrahlung.applyAsDouble(t)));
            }
            // the mean free paths between the photon cut and the tracking cut: the chance of a photon there
            double below = integrate(bremsstrahlung, photonCut, cut);
            double tabulated = table.mfpAt(ChargedTable.BREMSSTRAHLUNG, cutBin, cut)
                    - table.mfpAt(ChargedTable.BREMSSTRAHLUNG, table.bin(photonCut), photonCut);
            assertThat(below).isPositive();
            assertThat(tabulated).as("Λ_brems from the photon cut to the tracking cut, %s", material)
                    .isCloseTo(below, within(0.01 * below));
            // nothing below the photon cut (the bin reaching across it excepted, where Σ/S is interpolated)
            double wellBelow = 0.9 * photonCut;
            assertThat(table.mfpSlopeAt(ChargedTable.BREMSSTRAHLUNG, table.bin(wellBelow), wellBelow)).isZero();
            double deltaRateBelowCut = table.mfpSlopeAt(ChargedTable.DELTA_RAY, table.bin(0.95 * cut), 0.95 * cut);
            if (positron) {
                assertThat(deltaRateBelowCut).as("Bhabha above the delta-ray cut, below the tracking cut").isPositive();
            } else {
                assertThat(deltaRateBelowCut).as("Møller needs twice the delta-ray cut").isZero();
            }
            double belowDeltaCut = 0.9 * CONFIG.deltaCutMev();
            assertThat(table.mfpSlopeAt(ChargedTable.DELTA_RAY, table.bin(belowDeltaCut), belowDeltaCut)).isZero();
        }
    }
}
