package dev.detopt.model.calorimeter;

import dev.detopt.model.stats.SampleSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The comparison of docs/simulation.md, "Comparison with HepEmShow": the default calorimeter
 * (θ = (e, 2.3, 5.7)) at 10 GeV and 1 GeV against the HepEmShow profiles in
 * src/test/resources/reference. Prints a markdown table per energy, the per-layer deviations
 * detopt/HepEmShow − 1 ± combined standard error, and writes docs/img/calorimeter-vs-hepemshow.png.
 * Run with {@code -Ddetopt.fullStatistics=true}; {@code -Ddetopt.events=N} sets the 10 GeV events
 * (default 3,000; 1 GeV runs 10/3 as many, 10,000), {@code -Ddetopt.seed} the seed (default 42),
 * {@code -Ddetopt.threads} the threads (default 2).
 */
class ReferenceComparisonFigures {
    private static final int[] ENERGIES_MEV = {10_000, 1000};
    private static final Color ABSORBER = new Color(0x1f77b4);
    private static final Color GAP = new Color(0xff7f0e);

    /** One energy's run: the reference, detopt's summary and the compared observables. */
    private record Run(ReferenceProfile reference, SampleSummary detopt, int events, double seconds, List<String> names) {
        ReferenceProfile.Deviation deviation(String observable) {
            return reference.deviation(detopt, names, observable);
        }

        String referenceEvents() {
            return String.format("%,d", reference.events());
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "detopt.fullStatistics", matches = "true")
    void detoptAgainstHepEmShowLayerByLayer() throws IOException {
        // FigureSettings carries one energy; both energies here take their event counts from its events
        FigureSettings settings = FigureSettings.fromProperties(10_000, 3_000, "0,0,0");
        int threads = Integer.getInteger("detopt.threads", 2);
        List<String> names = new CalorimeterSimulator(CalorimeterConfig.defaults()).observableNames();
        List<Run> runs = new ArrayList<>();
        for (int energy : ENERGIES_MEV) {
            int events = energy == 10_000 ? settings.events() : (int) Math.round(settings.events() * 10.0 / 3);
            long start = System.nanoTime();
            SampleSummary detopt = ReferenceComparisonTest.simulate(energy, events, settings.seed(), threads);
            runs.add(new Run(ReferenceProfile.load(energy), detopt, events, (System.nanoTime() - start) * 1e-9, names));
        }
        for (Run run : runs) {
            printTable(run, settings.seed(), threads);
        }
        for (Run run : runs) {
            printLayers(run);
        }
        plot(runs, Path.of("..", "docs", "img", "calorimeter-vs-hepemshow.png"));
        for (Run run : runs) {
            assertThat(run.detopt().events()).isEqualTo(run.events());
        }
    }

    private static String energyLabel(int energyMev) {
        return energyMev >= 1000 ? (energyMev / 1000) + " GeV" : energyMev + " MeV";
    }

    private static String percent(ReferenceProfile.Deviation d) {
        return String.format("%+.2f%% ± %.2f%%", 100 * d.relative(), 100 * d.relativeStderr());
    }

    private static void printTable(Run run, long seed, int threads) {
        ReferenceProfile ref = run.reference();
        System.out.printf("%n%s e−: detopt %,d events (seed %d, %d threads, %.0f s wall), HepEmShow %s events%n%n",
                energyLabel(ref.energyMev()), run.events(), seed, threads, run.seconds(), run.referenceEvents());
        System.out.println("| | HepEmShow | detopt | detopt/HepEmShow − 1 |");
        System.out.println("|---|---|---|---|");
        row(run, "visible (gap) energy, MeV", "visible", "%.2f", "");
        ReferenceProfile.Value front = ref.get("leakage.front");
        ReferenceProfile.Value back = ref.get("leakage.back");
        ReferenceProfile.Value sides = ref.get("leakage.sides");
        row(run, "leakage, MeV (HepEmShow: front / back / sides)", "leakage", "%.2f",
                String.format(" (%.3f / %.2f / %.3f)", front.mean(), back.mean(), sides.mean()));
        // the 1-D model has no side faces: what leaves HepEmShow's sides stays in detopt's layers
        ReferenceProfile.Deviation total = run.deviation("leakage");
        ReferenceProfile.Deviation frontAndBack = new ReferenceProfile.Deviation("leakage.front+back", total.detopt(),
                total.detoptStderr(), front.mean() + back.mean(), Math.hypot(front.stderr(), back.stderr()));
        System.out.printf("| leakage through the front and back faces, MeV (detopt has no side faces) | %.2f ± %.2f | %.2f ± %.2f | %s |%n",
                frontAndBack.reference(), frontAndBack.referenceStderr(), frontAndBack.detopt(), frontAndBack.detoptStderr(),
                percent(frontAndBack));
        row(run, "absorber.0, MeV", "absorber.0", "%.4f", "");
        row(run, "gap.0, MeV", "gap.0", "%.4f", "");
        List<String> layers = ref.layersHolding(ReferenceComparisonTest.LAYER_FRACTION);
        List<ReferenceProfile.Deviation> deviations = layers.stream().map(run::deviation).toList();
        long within = deviations.stream().filter(d -> Math.abs(d.relative()) <= ReferenceComparisonTest.LAYER_TARGET).count();
        ReferenceProfile.Deviation worst = deviations.stream()
                .max(Comparator.comparingDouble(d -> Math.abs(d.relative()))).orElseThrow();
        long insideWindows = deviations.stream().filter(d -> Math.abs(d.relative())
                <= ReferenceComparisonTest.LAYER_TARGET + ReferenceComparisonTest.K * d.relativeStderr()).count();
        System.out.printf("| layers holding ≥ 1%% of the visible energy within 3%% | %d layers | **%d of %d** | worst %s, %s;"
                        + " within 3%% + %.1fσ: %d of %d |%n", layers.size(), within, layers.size(), worst.observable(), percent(worst),
                ReferenceComparisonTest.K, insideWindows, layers.size());
    }

    private static void row(Run run, String label, String observable, String format, String referenceExtra) {
        ReferenceProfile.Deviation d = run.deviation(observable);
        System.out.printf("| %s | " + format + " ± " + format + "%s | " + format + " ± " + format + " | %s |%n", label,
                d.reference(), d.referenceStderr(), referenceExtra, d.detopt(), d.detoptStderr(), percent(d));
    }

    private static void printLayers(Run run) {
        ReferenceProfile ref = run.reference();
        Set<String> compared = Set.copyOf(ref.layersHolding(ReferenceComparisonTest.LAYER_FRACTION));
        System.out.printf("%n%s e−, per layer: detopt/HepEmShow − 1 ± combined standard error"
                + " (* = holds < 1%% of the visible energy, outside the target)%n", energyLabel(ref.energyMev()));
        System.out.println("layer   absorber              gap");
        for (int i = 0; i < ref.layers(); i++) {
            ReferenceProfile.Deviation a = run.deviation("absorber." + i);
            ReferenceProfile.Deviation g = run.deviation("gap." + i);
            System.out.printf("%5d   %-18s%s  %-18s%s%n", i, percent(a), compared.contains(a.observable()) ? " " : "*",
                    percent(g), compared.contains(g.observable()) ? " " : "*");
        }
    }

    // ---- the plot: per energy, deposits on top and the ratio below ----

    private static final int PANEL_WIDTH = 440;
    private static final int LEFT = 90;
    private static final int COLUMN_GAP = 110;
    private static final int TOP = 80;
    private static final int UPPER_HEIGHT = 330;
    private static final int LOWER_TOP = TOP + UPPER_HEIGHT + 30;
    private static final int LOWER_HEIGHT = 200;
    private static final double RATIO_RANGE = 10;

    private static void plot(List<Run> runs, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int width = LEFT + runs.size() * PANEL_WIDTH + (runs.size() - 1) * COLUMN_GAP + 90;
        int height = LOWER_TOP + LOWER_HEIGHT + 90;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.setColor(Color.BLACK);
            g.drawString("detopt (default physics) against HepEmShow (G4HepEm, MSC and fluctuations off): mean deposit per layer",
                    LEFT, 24);
            for (int column = 0; column < runs.size(); column++) {
                drawColumn(g, runs.get(column), LEFT + column * (PANEL_WIDTH + COLUMN_GAP));
            }
        } finally {
            g.dispose();
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static void drawColumn(Graphics2D g, Run run, int x0) {
        ReferenceProfile ref = run.reference();
        int layers = ref.layers();
        ReferenceProfile.Deviation leakage = run.deviation("leakage");
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(energyLabel(ref.energyMev()) + " e−", x0, TOP - 26);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString(String.format("detopt %,d events, HepEmShow %s; leakage %.1f vs %.1f MeV (%+.1f%%)",
                run.events(), run.referenceEvents(), leakage.detopt(), leakage.reference(), 100 * leakage.relative()), x0, TOP - 8);

        double yMax = 0;
        for (int i = 0; i < layers; i++) {
            for (String kind : List.of("absorber.", "gap.")) {
                ReferenceProfile.Deviation d = run.deviation(kind + i);
                yMax = Math.max(yMax, Math.max(d.reference(), d.detopt() + d.detoptStderr()));
            }
        }
        double step = niceStep(yMax / 5);
        yMax = Math.ceil(yMax * 1.3 / step) * step; // room for the legend above the curves
        Axes upper = new Axes(x0, TOP, UPPER_HEIGHT, -0.5, layers - 0.5, 0, yMax);
        upper.frame(g, step, "mean deposit per layer [MeV]", false);

        Axes lower = new Axes(x0, LOWER_TOP, LOWER_HEIGHT, -0.5, layers - 0.5, -RATIO_RANGE, RATIO_RANGE);
        g.setColor(new Color(0xe6e6e6));
        g.fillRect(x0, lower.y(3), PANEL_WIDTH, lower.y(-3) - lower.y(3));
        lower.frame(g, 5, "detopt / HepEmShow − 1 [%]", true);
        g.setColor(new Color(0x555555));
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {5, 4}, 0));
        g.drawLine(x0, lower.y(3), x0 + PANEL_WIDTH, lower.y(3));
        g.drawLine(x0, lower.y(-3), x0 + PANEL_WIDTH, lower.y(-3));
        g.setStroke(new BasicStroke(1f));
        g.drawLine(x0, lower.y(0), x0 + PANEL_WIDTH, lower.y(0));

        Set<String> compared = Set.copyOf(ref.layersHolding(ReferenceComparisonTest.LAYER_FRACTION));
        String[] kinds = {"absorber.", "gap."};
        Color[] colors = {ABSORBER, GAP};
        for (int k = 0; k < 2; k++) {
            // reference: a line (solid absorber, dashed gap)
            g.setColor(Color.BLACK);
            g.setStroke(k == 0 ? new BasicStroke(1.5f)
                    : new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            for (int i = 1; i < layers; i++) {
                g.drawLine(upper.x(i - 1), upper.y(ref.mean(kinds[k] + (i - 1))), upper.x(i), upper.y(ref.mean(kinds[k] + i)));
            }
            g.setStroke(new BasicStroke(1.2f));
            g.setColor(colors[k]);
            double offset = k == 0 ? -0.15 : 0.15;
            for (int i = 0; i < layers; i++) {
                ReferenceProfile.Deviation d = run.deviation(kinds[k] + i);
                int x = upper.x(i);
                g.drawLine(x, upper.y(d.detopt() - d.detoptStderr()), x, upper.y(d.detopt() + d.detoptStderr()));
                g.fillOval(x - 3, upper.y(d.detopt()) - 3, 6, 6);
                // ratio: filled where the layer is in the target (≥ 1% of visible), open otherwise
                int xr = lower.x(i + offset);
                double r = 100 * d.relative();
                double e = 100 * d.relativeStderr();
                g.drawLine(xr, lower.y(clamp(r - e)), xr, lower.y(clamp(r + e)));
                int yr = lower.y(clamp(r));
                if (compared.contains(d.observable())) {
                    g.fillOval(xr - 3, yr - 3, 7, 7);
                } else {
                    g.drawOval(xr - 3, yr - 3, 6, 6);
                }
            }
        }
        // legends
        int lx = x0 + PANEL_WIDTH - 215;
        int ly = TOP + 18;
        g.setColor(Color.WHITE);
        g.fillRect(lx - 8, ly - 14, 218, 80);
        g.setColor(Color.GRAY);
        g.drawRect(lx - 8, ly - 14, 218, 80);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        legendLine(g, lx, ly, false, "HepEmShow absorber (PbWO4)");
        legendLine(g, lx, ly + 18, true, "HepEmShow gap (liquid argon)");
        legendDot(g, lx, ly + 36, ABSORBER, true, "detopt absorber ± s.e.");
        legendDot(g, lx, ly + 54, GAP, true, "detopt gap ± s.e.");
        int ry = LOWER_TOP + LOWER_HEIGHT + 58;
        int lx2 = x0 - 24;
        lx2 = legendDot(g, lx2, ry, ABSORBER, true, "absorber") + 12;
        lx2 = legendDot(g, lx2, ry, GAP, true, "gap") + 12;
        g.drawString("± combined standard error; shaded: the ±3% target", lx2, ry);
        lx2 = legendDot(g, x0 - 24, ry + 18, Color.BLACK, false, "layer holding < 1% of the visible energy") + 12;
        g.drawString("(beyond ±" + (int) RATIO_RANGE + "%: at the edge)", lx2, ry + 18);
    }

    private static double clamp(double percent) {
        return Math.max(-RATIO_RANGE, Math.min(RATIO_RANGE, percent));
    }

    private static void legendLine(Graphics2D g, int x, int y, boolean dashed, String text) {
        g.setColor(Color.BLACK);
        g.setStroke(dashed ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0)
                : new BasicStroke(1.5f));
        g.drawLine(x, y - 4, x + 24, y - 4);
        g.setStroke(new BasicStroke(1f));
        g.drawString(text, x + 32, y);
    }

    /** Draws a marker and its text from x; returns where the text ends. */
    private static int legendDot(Graphics2D g, int x, int y, Color color, boolean filled, String text) {
        g.setColor(color);
        if (filled) {
            g.fillOval(x + 9, y - 8, 7, 7);
        } else {
            g.drawOval(x + 9, y - 8, 6, 6);
        }
        g.setColor(Color.BLACK);
        g.drawString(text, x + 24, y);
        return x + 24 + g.getFontMetrics().stringWidth(text);
    }

    private static double niceStep(double rough) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        double fraction = rough / magnitude;
        return (fraction < 1.5 ? 1 : fraction < 3.5 ? 2 : fraction < 7.5 ? 5 : 10) * magnitude;
    }

    /** Data to pixels in one panel of width PANEL_WIDTH starting at (left, top). */
    private record Axes(int left, int top, int height, double xMin, double xMax, double yMin, double yMax) {
        int x(double value) {
            return left + (int) Math.round((value - xMin) / (xMax - xMin) * PANEL_WIDTH);
        }

        int y(double value) {
            return top + height - (int) Math.round((value - yMin) / (yMax - yMin) * height);
        }

        void frame(Graphics2D g, double yStep, String yLabel, boolean xLabel) {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics metrics = g.getFontMetrics();
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(left, top, PANEL_WIDTH, height);
            for (double v = Math.ceil(yMin / yStep) * yStep; v <= yMax + 1e-9; v += yStep) {
                int py = y(v);
                g.drawLine(left - 5, py, left, py);
                String text = yStep >= 1 ? String.format("%.0f", v) : String.format("%.1f", v);
                g.drawString(text, left - 8 - metrics.stringWidth(text), py + 4);
            }
            for (int layer = 0; layer <= xMax; layer += 10) {
                int px = x(layer);
                g.drawLine(px, top + height, px, top + height + 5);
                if (xLabel) {
                    String text = String.valueOf(layer);
                    g.drawString(text, px - metrics.stringWidth(text) / 2, top + height + 18);
                }
            }
            if (xLabel) {
                g.drawString("layer", left + PANEL_WIDTH / 2 - metrics.stringWidth("layer") / 2, top + height + 36);
            }
            AffineTransform saved = g.getTransform();
            g.rotate(-Math.PI / 2);
            g.drawString(yLabel, -(top + height / 2 + metrics.stringWidth(yLabel) / 2), left - 50);
            g.setTransform(saved);
        }
    }
}
