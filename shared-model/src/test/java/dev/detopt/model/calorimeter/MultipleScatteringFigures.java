package dev.detopt.model.calorimeter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The multiple-scattering figures of docs/simulation.md ("Multiple scattering"): the longitudinal
 * profile (gap and absorber deposits of some layers, visible energy, leakage, energy-weighted mean
 * depth) with multiple scattering off and on, on the same event seeds, with standard errors; then
 * pathwise against paired central finite differences of the visible energy and the leakage for e
 * and a, and the per-event tangent spread, off and on. Run with {@code -Ddetopt.fullStatistics=true
 * -Ddetopt.energy=1000 -Ddetopt.events=4000 -Ddetopt.seed=42 -Ddetopt.steps=10,0.05,0.1}.
 */
class MultipleScatteringFigures {
    private static final int[] SHOWN_LAYERS = {0, 2, 4, 6, 8, 10, 15, 20, 30};

    @Test
    @EnabledIfSystemProperty(named = "detopt.fullStatistics", matches = "true")
    void profileAndDerivativesWithAndWithoutMultipleScattering() {
        FigureSettings settings = FigureSettings.fromProperties(1000, 4000, "10,0.05,0.1");
        double energy = settings.energy();
        int events = settings.events();
        long seed = settings.seed();
        double[] steps = settings.steps();
        double a = 2.3;
        double g = 5.7;
        CalorimeterConfig off = CalorimeterConfig.defaults();
        CalorimeterConfig on = off.withMultipleScattering(true);
        int layers = off.layers();
        // per configuration: gap i, absorber i, visible, leakage, mean depth (mm): sums and squares
        int columns = 2 * layers + 3;
        double[][] sum = new double[2][columns];
        double[][] squares = new double[2][columns];
        for (int c = 0; c < 2; c++) {
            CalorimeterConfig config = c == 0 ? off : on;
            ShowerTransport transport = new ShowerTransport(config, new MaterialTables(config), new int[0]);
            SplittableRandom seeds = new SplittableRandom(seed);
            double[] row = new double[columns];
            for (int event = 0; event < events; event++) {
                transport.simulate(energy, a, g, seeds.nextLong());
                double visible = 0;
                double depth = 0;
                double deposited = 0;
                for (int i = 0; i < layers; i++) {
                    double gap = transport.deposit[2 * i + 1];
                    double absorber = transport.deposit[2 * i];
                    row[i] = gap;
                    row[layers + i] = absorber;
                    visible += gap;
                    depth += (i * (a + g) + 0.5 * a) * absorber + (i * (a + g) + a + 0.5 * g) * gap;
                    deposited += gap + absorber;
                }
                row[2 * layers] = visible;
                row[2 * layers + 1] = transport.leakage;
                row[2 * layers + 2] = depth / deposited;
                for (int j = 0; j < columns; j++) {
                    sum[c][j] += row[j];
                    squares[c][j] += row[j] * row[j];
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n%.0f MeV e-, a = %.1f mm, g = %.1f mm, %d events per column, seed %d%n", energy, a, g,
                events, seed);
        System.out.println("| quantity | MSC off [MeV] | MSC on [MeV] | on − off |\n|---|---|---|---|");
        for (int i : SHOWN_LAYERS) {
            printRow("gap." + i, i, sum, squares, events);
        }
        for (int i : new int[] {0, 5, 10}) {
            printRow("absorber." + i, layers + i, sum, squares, events);
        }
        printRow("visible", 2 * layers, sum, squares, events);
        printRow("leakage", 2 * layers + 1, sum, squares, events);
        printRow("mean depth [mm]", 2 * layers + 2, sum, squares, events);

        System.out.println("\n| MSC | observable | d/dθ | pathwise | FD (CRN) | (PW−FD)/FD paired | per-event PW std | largest |tangent| |"
                + "\n|---|---|---|---|---|---|---|---|");
        for (int c = 0; c < 2; c++) {
            long start = System.nanoTime();
            PairedDerivatives r = new PairedDerivatives(c == 0 ? off : on, new double[] {energy, a, g}, new int[] {0, 1}, steps,
                    false, events, seed);
            for (int i : new int[] {r.visibleIndex(), r.leakageIndex()}) {
                for (int k = 0; k < 2; k++) {
                    double fd = r.finiteDifference(k, i);
                    System.out.printf(Locale.ROOT, "| %s | %s | %s | %.4g ± %.2g | %.4g ± %.2g | %+.1f%% ± %.1f%% | %.4g | %.4g |%n",
                            c == 0 ? "off" : "on", r.name(i), PairedDerivatives.PARAMETERS[k], r.pathwise(k, i),
                            r.pathwiseError(k, i), fd, r.finiteDifferenceError(k, i), 100 * r.difference(k, i) / fd,
                            100 * r.differenceError(k, i) / Math.abs(fd), r.pathwiseStandardDeviation(k, i), r.largest(k, i));
                }
            }
            System.out.printf(Locale.ROOT, "(MSC %s: %.0f s)%n", c == 0 ? "off" : "on", (System.nanoTime() - start) * 1e-9);
        }
    }

    private static void printRow(String name, int j, double[][] sum, double[][] squares, int events) {
        double[] mean = new double[2];
        double[] error = new double[2];
        for (int c = 0; c < 2; c++) {
            mean[c] = sum[c][j] / events;
            double variance = (squares[c][j] / events - mean[c] * mean[c]) * events / (events - 1.0);
            error[c] = Math.sqrt(Math.max(0.0, variance) / events);
        }
        System.out.printf(Locale.ROOT, "| %s | %.4g ± %.2g | %.4g ± %.2g | %+.3g ± %.2g |%n", name, mean[0], error[0], mean[1], error[1],
                mean[1] - mean[0], Math.hypot(error[0], error[1]));
    }
}
