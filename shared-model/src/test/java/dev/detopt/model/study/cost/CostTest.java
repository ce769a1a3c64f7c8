package dev.detopt.model.study.cost;

import dev.detopt.model.study.CostSpec;
import dev.detopt.model.study.catalog.AnnulusGeometry;
import dev.detopt.model.study.catalog.CalorimeterGeometry;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CostTest {

    @Test
    void calorimeterCostFromVolumesAndChannels() {
        // θ = (e, a, g); 50 layers of 400 mm × 400 mm: absorber 50·2.3·160000 mm³ = 18400 cm³,
        // gap 50·5.7·160000 mm³ = 45600 cm³, 50 channels
        CostModel model = new CostModel(new CalorimeterGeometry(50, 400, 1, 2),
                new CostSpec(Map.of("absorber", 10.0, "gap", 0.5), 2.0, null, null));
        double[] gradient = new double[3];
        double cost = model.cost(new double[] {10_000, 2.3, 5.7}, gradient);
        assertThat(cost).isCloseTo(10 * 18_400 + 0.5 * 45_600 + 2 * 50, Offset.offset(1e-9));
        assertThat(gradient[0]).isZero();
        assertThat(gradient[1]).isCloseTo(10 * 8_000, Offset.offset(1e-9));
        assertThat(gradient[2]).isCloseTo(0.5 * 8_000, Offset.offset(1e-9));
    }

    @Test
    void annulusAreaAndItsDerivative() {
        CostModel model = new CostModel(new AnnulusGeometry(0, 10), new CostSpec(Map.of("annulus", 1.0), 0.0, null, null));
        double[] gradient = new double[1];
        // π((3 + 10)² − 3²) = 160π
        assertThat(model.cost(new double[] {3.0}, gradient)).isCloseTo(160 * Math.PI, Offset.offset(1e-9));
        assertThat(gradient[0]).isCloseTo(20 * Math.PI, Offset.offset(1e-12));
    }

    private static double totalDerivativeByFiniteDifferences(BudgetPenalty penalty, double physics, double cost, double lambda) {
        double h = 1e-6;
        return (penalty.apply(physics, cost + h, lambda).total() - penalty.apply(physics, cost - h, lambda).total()) / (2 * h);
    }

    @Test
    void logisticPenaltyBelowAndAboveBudget() {
        BudgetPenalty penalty = new BudgetPenalty.Logistic(100, 10);
        // below: d = 10·(90 − 100)/100 = −1
        BudgetPenalty.Applied below = penalty.apply(4.0, 90, 0);
        assertThat(below.total()).isCloseTo((1 + Math.exp(-1)) * 4.0, Offset.offset(1e-12));
        assertThat(below.penalty()).isCloseTo(Math.exp(-1) * 4.0, Offset.offset(1e-12));
        assertThat(below.dPhysics()).isCloseTo(1 + Math.exp(-1), Offset.offset(1e-12));
        assertThat(below.dCost()).isCloseTo(Math.exp(-1) * 0.1 * 4.0, Offset.offset(1e-12));
        assertThat(below.dCost()).isCloseTo(totalDerivativeByFiniteDifferences(penalty, 4.0, 90, 0), Offset.offset(1e-7));
        // above: d = 2
        BudgetPenalty.Applied above = penalty.apply(4.0, 120, 0);
        assertThat(above.total()).isCloseTo((1 + Math.exp(2)) * 4.0, Offset.offset(1e-12));
        assertThat(above.dCost()).isCloseTo(totalDerivativeByFiniteDifferences(penalty, 4.0, 120, 0), Offset.offset(1e-6));
        assertThat(above.dCostDPhysics()).isCloseTo(Math.exp(2) * 0.1, Offset.offset(1e-12));
    }

    @Test
    void additivePenaltyBelowAtAndAboveBudget() {
        BudgetPenalty penalty = new BudgetPenalty.Additive(100, 10);
        double lambda = 3.0;
        // below: d = −1, b = 2σ(−1) = 2/(1 + e), b' = 2σ(1 − σ)
        BudgetPenalty.Applied below = penalty.apply(4.0, 90, lambda);
        double sigma = 1 / (1 + Math.E);
        assertThat(below.penalty()).isCloseTo(lambda * 2 * sigma, Offset.offset(1e-12));
        assertThat(below.total()).isCloseTo(4.0 + lambda * 2 * sigma, Offset.offset(1e-12));
        assertThat(below.dPhysics()).isEqualTo(1.0);
        assertThat(below.dCost()).isCloseTo(lambda * 2 * sigma * (1 - sigma) * 0.1, Offset.offset(1e-12));
        assertThat(below.dCost()).isCloseTo(totalDerivativeByFiniteDifferences(penalty, 4.0, 90, lambda), Offset.offset(1e-7));
        // above: d = 2, b = 1 + d/2 = 2, b' = 1/2
        BudgetPenalty.Applied above = penalty.apply(4.0, 120, lambda);
        assertThat(above.penalty()).isCloseTo(lambda * 2, Offset.offset(1e-12));
        assertThat(above.dCost()).isCloseTo(lambda * 0.5 * 0.1, Offset.offset(1e-15));
        assertThat(above.dCost()).isCloseTo(totalDerivativeByFiniteDifferences(penalty, 4.0, 120, lambda), Offset.offset(1e-7));
        // at the budget both pieces meet with value 1 and slope 1/2: continuous and smooth
        assertThat(penalty.apply(4.0, 100, lambda).penalty()).isEqualTo(lambda);
        assertThat(penalty.apply(4.0, 100, lambda).dCost()).isCloseTo(lambda * 0.5 * 0.1, Offset.offset(1e-15));
        assertThat(penalty.apply(4.0, 100 + 1e-9, lambda).penalty()).isCloseTo(lambda, Offset.offset(1e-9));
    }
}
