package dev.detopt.model.study.cost;

import dev.detopt.model.study.CostSpec;

/**
 * How a budget B enters the loss (science.md §5), with d = s·(c − B)/B:
 * <ul>
 *   <li>logistic (MODE muon-portal loss): L = (1 + e^d)·L_phys;</li>
 *   <li>additive (TomOpt): L = L_phys + λ·b(d), b = 2σ(d) for d ≤ 0 and 1 + d/2 above
 *       (smooth, b(0) = 1 and b'(0) = 1/2 on both sides).</li>
 * </ul>
 * Exponentials use {@link StrictMath} so every JVM computes the same bits.
 */
public sealed interface BudgetPenalty {

    static BudgetPenalty of(CostSpec.Penalty spec, double budget) {
        return switch (spec.shape()) {
            case LOGISTIC -> new Logistic(budget, spec.sharpness());
            case ADDITIVE -> new Additive(budget, spec.sharpness());
        };
    }

    /**
     * @param physics L_phys
     * @param cost    c
     * @param lambda  λ (ignored by the logistic shape)
     */
    Applied apply(double physics, double cost, double lambda);

    /**
     * @param total          L
     * @param penalty        L − L_phys
     * @param dPhysics       ∂L/∂L_phys
     * @param dCost          ∂L/∂c
     * @param dCostDPhysics  ∂²L/∂c∂L_phys (how noise in L_phys enters the cost term of the gradient)
     */
    record Applied(double total, double penalty, double dPhysics, double dCost, double dCostDPhysics) {
    }

    record Logistic(double budget, double sharpness) implements BudgetPenalty {
        @Override
        public Applied apply(double physics, double cost, double lambda) {
            double d = sharpness * (cost - budget) / budget;
            double e = StrictMath.exp(d);
            double dd = sharpness / budget;
            return new Applied((1 + e) * physics, e * physics, 1 + e, e * dd * physics, e * dd);
        }
    }

    record Additive(double budget, double sharpness) implements BudgetPenalty {
        @Override
        public Applied apply(double physics, double cost, double lambda) {
            double d = sharpness * (cost - budget) / budget;
            double b;
            double slope;
            if (d <= 0) {
                double sigma = 1 / (1 + StrictMath.exp(-d));
                b = 2 * sigma;
                slope = 2 * sigma * (1 - sigma);
            } else {
                b = 1 + d / 2;
                slope = 0.5;
            }
            double penalty = lambda * b;
            return new Applied(physics + penalty, penalty, 1.0, lambda * slope * sharpness / budget, 0.0);
        }
    }
}
