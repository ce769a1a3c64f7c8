package dev.detopt.model.calorimeter;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.Locale;

/**
 * The pathwise-against-finite-difference table of docs/simulation.md ("Pathwise against finite
 * differences"): per-event pathwise tangents and central differences with common random numbers on
 * the same events (paired errors), the change of the difference when the steps are halved
 * (truncation), and the per-event tangent tails (standard deviation, kurtosis, largest |tangent|) of
 * the visible energy and the leakage. Compared: d/de, d/da, d/dg of the visible energy, the leakage
 * and every absorber or gap layer holding ≥ 2% of the visible energy; a comparison is outside when
 * |PW − FD| exceeds both 5% of |FD| and two paired standard errors. Run with
 * {@code -Ddetopt.fullStatistics=true -Ddetopt.energy=10000 -Ddetopt.events=1500 -Ddetopt.seed=42
 * -Ddetopt.steps=100,0.05,0.1}.
 */
class PathwiseAgreementFigures {

    @Test
    @EnabledIfSystemProperty(named = "detopt.fullStatistics", matches = "true")
    void pathwiseAgainstFiniteDifferences() {
        FigureSettings settings = FigureSettings.fromProperties(10000, 1500, "100,0.05,0.1");
        double energy = settings.energy();
        int events = settings.events();
        long seed = settings.seed();
        double[] steps = settings.steps();
        long start = System.nanoTime();
        PairedDerivatives r = new PairedDerivatives(CalorimeterConfig.defaults(), new double[] {energy, 2.3, 5.7}, steps,
                true, events, seed);
        double visible = r.mean(r.visibleIndex());
        StringBuilder table = new StringBuilder();
        table.append("| observable | share of e | d/de: pathwise | FD (CRN) | (PW−FD)/FD paired | d/da: pathwise | FD (CRN) | (PW−FD)/FD paired"
                + " | d/dg: pathwise | FD (CRN) | (PW−FD)/FD paired |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        int compared = 0;
        int outside = 0;
        int truncationOutside = 0;
        // what unbiased pathwise derivatives would give: each comparison outside with the chance of
        // |N(0, σ)| beyond max(5% |FD|, 2σ), and (PW − FD)/σ summing to a χ² with one per comparison
        NormalDistribution normal = new NormalDistribution();
        double expectedOutside = 0;
        double expectedOutsideVariance = 0;
        double chiSquare = 0;
        StringBuilder outsideList = new StringBuilder();
        for (int i = 0; i < r.observables; i++) {
            boolean large = i >= r.leakageIndex() || r.mean(i) >= 0.02 * visible;
            if (!large) {
                continue;
            }
            table.append(String.format(Locale.ROOT, "| %s | %.1f%%", r.name(i), 100 * r.mean(i) / energy));
            for (int k = 0; k < 3; k++) {
                double fd = r.finiteDifference(k, i);
                double d = r.difference(k, i);
                double dError = r.differenceError(k, i);
                boolean out = Math.abs(d) > 0.05 * Math.abs(fd) && Math.abs(d) > 2 * dError;
                compared++;
                double chance = 2 * normal.cumulativeProbability(-Math.max(0.05 * Math.abs(fd) / dError, 2.0));
                expectedOutside += chance;
                expectedOutsideVariance += chance * (1 - chance);
                chiSquare += (d / dError) * (d / dError);
                if (out) {
                    outside++;
                    outsideList.append(String.format(Locale.ROOT, " %s d/d%s %+.1f%% ± %.1f%%;", r.name(i),
                            PairedDerivatives.PARAMETERS[k], 100 * d / fd, 100 * dError / Math.abs(fd)));
                }
                if (Math.abs(r.halfStepChange(k, i)) > 3 * r.halfStepChangeError(k, i)) {
                    truncationOutside++;
                }
                table.append(String.format(Locale.ROOT, " | %.4g ± %.2g | %.4g ± %.2g | %+.1f%% ± %.1f%%%s", r.pathwise(k, i),
                        r.pathwiseError(k, i), fd, r.finiteDifferenceError(k, i), 100 * d / fd, 100 * dError / Math.abs(fd),
                        out ? " **" : ""));
            }
            table.append(" |\n");
        }
        System.out.printf(Locale.ROOT, "%n%.0f MeV, %d events, seed %d, steps %s, %.0f s; visible %.2f MeV, leakage %.2f MeV%n",
                energy, events, seed, settings.stepsText(), (System.nanoTime() - start) * 1e-9, visible,
                r.mean(r.leakageIndex()));
        System.out.print(table);
        System.out.printf(Locale.ROOT, "outside both 5%% and 2 paired standard errors: %d of %d:%s%n", outside, compared, outsideList);
        System.out.printf(Locale.ROOT, "expected outside by chance if pathwise were unbiased: %.1f ± %.1f; χ² of (PW − FD)/σ: %.1f"
                + " over %d comparisons%n", expectedOutside, Math.sqrt(expectedOutsideVariance), chiSquare, compared);
        System.out.printf(Locale.ROOT, "halving the steps moved the finite difference by more than 3σ in %d of %d comparisons%n",
                truncationOutside, compared);
        for (int i : new int[] {r.visibleIndex(), r.leakageIndex()}) {
            for (int k = 0; k < 3; k++) {
                System.out.printf(Locale.ROOT, "%s d/d%s: FD(h/2) − FD(h) = %.3g ± %.2g (FD %.4g); per-event pathwise std %.4g,"
                                + " kurtosis %.4g, largest |tangent| %.4g in %d events%n", r.name(i), PairedDerivatives.PARAMETERS[k],
                        r.halfStepChange(k, i), r.halfStepChangeError(k, i), r.finiteDifference(k, i),
                        r.pathwiseStandardDeviation(k, i), r.kurtosis(k, i), r.largest(k, i), events);
            }
        }
    }
}
