package dev.detopt.model.calorimeter;

import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.Simulator;
import dev.detopt.model.stats.SampleSummary;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default physics against the reference HepEmShow (G4HepEm physics, multiple scattering and
 * loss fluctuations off), 1 GeV electrons in the default geometry (issue 14; docs/simulation.md,
 * "Comparison with HepEmShow"). The reference figures are constants measured once with HepEmShow
 * (10,000 events); they are not computed by this code. Before issue 14 the leakage was 41% high
 * and absorber.0 34% high, and with the complete-screening bremsstrahlung spectrum the leakage was
 * still 11% high; the windows below exclude both.
 */
class ReferenceComparisonTest {
    /** HepEmShow, 1 GeV e−, 10,000 events: leakage (front + back + sides), visible energy, absorber.0, gap.0 (MeV). */
    private static final double REFERENCE_LEAKAGE = 34.09;
    private static final double REFERENCE_VISIBLE = 286.71;
    private static final double REFERENCE_ABSORBER_0 = 2.823;
    private static final double REFERENCE_GAP_0 = 1.587;
    /** HepEmShow, 1 GeV e−, 10,000 events: absorber.40, past the shower maximum (MeV). */
    private static final double REFERENCE_ABSORBER_40 = 4.840;

    @Test
    void oneGevElectronsAgreeWithHepEmShowOnLeakageVisibleEnergyAndTheFrontLayers() {
        CalorimeterSimulator simulator = new CalorimeterSimulator(CalorimeterConfig.defaults());
        SampleSummary summary;
        try (BatchRunner runner = new BatchRunner(simulator, new DesignPoint(new double[] {1000, 2.3, 5.7}, new int[0]),
                EstimatorSettings.of(EstimatorKind.PATHWISE), new RandomStreams(11), 0, 2)) {
            summary = runner.run(0, 4000).summary();
        }
        double leakage = summary.mean()[index(simulator, "leakage")];
        double visible = summary.mean()[index(simulator, "visible")];
        double absorber0 = summary.mean()[index(simulator, "absorber.0")];
        double gap0 = summary.mean()[index(simulator, "gap.0")];
        double absorber40 = summary.mean()[index(simulator, "absorber.40")];
        String report = String.format("1 GeV: leakage %.2f (ref %.2f), visible %.2f (ref %.2f), absorber.0 %.3f (ref %.3f),"
                + " gap.0 %.3f (ref %.3f), absorber.40 %.3f (ref %.3f)", leakage, REFERENCE_LEAKAGE, visible, REFERENCE_VISIBLE,
                absorber0, REFERENCE_ABSORBER_0, gap0, REFERENCE_GAP_0, absorber40, REFERENCE_ABSORBER_40);
        System.out.println(report);
        // +11% with the complete-screening bremsstrahlung spectrum (the shower was too long), about −7% with
        // the screened one (docs/simulation.md)
        assertThat(leakage / REFERENCE_LEAKAGE - 1).as(report).isBetween(-0.10, 0.05);
        assertThat(visible / REFERENCE_VISIBLE - 1).as(report).isBetween(-0.02, 0.02);
        assertThat(absorber0 / REFERENCE_ABSORBER_0 - 1).as(report).isBetween(-0.04, 0.04);
        assertThat(gap0 / REFERENCE_GAP_0 - 1).as(report).isBetween(-0.05, 0.05);
        // the shower's length: +9% with the complete-screening spectrum, −0.1% with the screened one (10,000 events)
        assertThat(absorber40 / REFERENCE_ABSORBER_40 - 1).as(report).isBetween(-0.05, 0.05);
    }

    private static int index(Simulator simulator, String name) {
        int i = simulator.observableNames().indexOf(name);
        assertThat(i).as(name).isNotNegative();
        return i;
    }
}
