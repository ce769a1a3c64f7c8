package dev.detopt.model.calorimeter;

import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.EventEvaluator;
import dev.detopt.model.stats.EventSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

/** Cross-checks of each material's PDG constants against independent formulas (PDG Review §34). */
class MaterialConstantsTest {

    @ParameterizedTest
    @EnumSource(value = Material.class, names = {"LEAD", "TUNGSTEN", "COPPER", "IRON", "SILICON"})
    void radiationLengthAndCriticalEnergyOfElementsMatchThePdgFits(Material m) {
        double z = m.elementZ(0);
        double a = z / m.zOverA();
        // Dahl's fit X0 = 716.4 A / (Z(Z+1) ln(287/√Z)) g/cm² (PDG eq. 34.26), good to 2.5 % for Z > 2
        double dahlMm = 716.4 * a / (z * (z + 1) * Math.log(287 / Math.sqrt(z))) / m.densityGPerCm3() * 10;
        assertThat(m.radiationLengthMm()).isCloseTo(dahlMm, withinPercentage(3));
        // Ec = 610 MeV / (Z + 1.24) for solids (PDG Fig. 34.13), a fit good to about 4 %
        assertThat(m.criticalEnergyMev()).isCloseTo(610 / (z + 1.24), withinPercentage(5));
    }

    @ParameterizedTest
    @EnumSource(Material.class)
    void electronDensityFromTheCompositionMatchesZOverA(Material m) {
        double electrons = 0;
        for (int i = 0; i < m.elements(); i++) {
            electrons += m.elementZ(i) * m.atomsPerMm3(i);
        }
        assertThat(electrons).isCloseTo(m.electronDensityPerMm3(), withinPercentage(0.1));
    }

    @Test
    void choicesAreFoundByTheirLabels() {
        for (Material m : Material.values()) {
            assertThat(Material.byLabel(m.label())).contains(m);
        }
        assertThat(Material.byLabel("Unobtainium")).isEmpty();
        assertThat(Material.ABSORBERS).extracting(Material::label).containsExactly("PbWO4", "Pb", "W", "Cu", "Fe");
        assertThat(Material.ACTIVE_MEDIA).extracting(Material::label).containsExactly("lAr", "plastic", "Si");
    }

    @ParameterizedTest
    @EnumSource(Material.class)
    void everyMaterialRunsInTheTransportAndConservesEnergy(Material m) {
        // as absorber with lAr gaps, and as the active medium behind PbWO4: deposits + leakage = E in every event
        for (Material[] pair : new Material[][]{{m, Material.LIQUID_ARGON}, {Material.PBWO4, m}}) {
            CalorimeterSimulator sim = new CalorimeterSimulator(CalorimeterConfig.defaults(), pair[0], pair[1]);
            EventEvaluator evaluator = sim.evaluator(new DesignPoint(new double[]{500, 2.3, 5.7}, new int[]{1}),
                    EstimatorSettings.of(EstimatorKind.PATHWISE));
            EventSample sample = new EventSample(evaluator.layout());
            double visible = 0;
            for (int event = 0; event < 10; event++) {
                sample.clear();
                evaluator.evaluate(new RandomStreams(5).event(0, event), sample);
                double total = 0;
                double byA = 0;
                for (int i = 0; i <= 2 * sim.config().layers(); i++) {
                    total += sample.observables[i];
                    byA += sample.gradient[i];
                }
                assertThat(total).as("%s/%s event %d", pair[0], pair[1], event).isCloseTo(500, within(1e-9 * 500));
                assertThat(byA).as("%s/%s d/da", pair[0], pair[1]).isCloseTo(0, within(1e-9 * 500));
                visible += sample.observables[sim.visibleIndex()];
            }
            assertThat(visible).as("%s/%s sees energy in its gaps", pair[0], pair[1]).isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(Material.class)
    void radiativeLossAtHighEnergyIsOneOverX0(Material m) {
        // every material goes through the same bremsstrahlung model: at 10 GeV the radiated fraction per X0
        // is 1 (complete screening), so each material's X0 and screening Z agree with each other
        ElectromagneticPhysics physics = new ElectromagneticPhysics(m);
        double t = 10_000;
        double kc = 0.1;
        int steps = 20_000;
        double lo = Math.log(kc);
        double h = (Math.log(t) - lo) / steps;
        double sum = 0;
        for (int i = 0; i <= steps; i++) {
            double k = Math.exp(lo + i * h);
            double w = (i == 0 || i == steps) ? 1 : (i % 2 == 1 ? 4 : 2);
            sum += w * physics.bremsstrahlungSpectrum(k, t) * k; // k·(k dσ/dk) in ln k
        }
        double loss = sum * h / 3 / m.radiationLengthMm() + physics.subCutBremsstrahlungLoss(t, kc);
        System.out.println(m.label() + ": radiative loss / (t/X0) at 10 GeV " + loss * m.radiationLengthMm() / t);
        assertThat(loss * m.radiationLengthMm() / t).isBetween(0.98, 1.03);
    }
}
