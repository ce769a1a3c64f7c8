package dev.detopt.model.calorimeter;

import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.stats.SampleAccumulator;
import dev.detopt.model.stats.SampleSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The figures of docs/performance.md, "Gradient error against simulated events": the standard error
 * of ∂E[visible]/∂a and ∂E[visible]/∂g at 10 GeV for pathwise, finite differences (common random
 * numbers) and the surrogate, read at growing event counts of one run each (the statistics after
 * each chunk are those of the events so far). Simulated events count every shower simulated: one
 * per event for pathwise and the surrogate, 1 + 2·2 for finite differences on a and g. Run with
 * {@code -Ddetopt.fullStatistics=true}; writes docs/img/gradient-error-vs-events.png.
 */
class EstimatorErrorFigures {
    private static final double[] THETA = {10_000, 2.3, 5.7};

    private record Point(long events, long simulated, double[] gradient, double[] stderr) {
    }

    private static List<Point> measure(EstimatorSettings settings, int runsPerEvent, long events, long firstReading) {
        CalorimeterSimulator simulator = new CalorimeterSimulator(CalorimeterConfig.defaults());
        int visible = simulator.visibleIndex();
        List<Point> points = new ArrayList<>();
        try (BatchRunner runner = new BatchRunner(simulator, new DesignPoint(THETA, new int[] {1, 2}), settings,
                new RandomStreams(41), 0, 2)) {
            long reading = firstReading;
            BatchRunner.Progress progress = new BatchRunner.Progress(0, new SampleAccumulator(runner.layout()));
            while (reading <= events) {
                progress = runner.run(progress, reading, 250, p -> { }, () -> false);
                SampleSummary s = progress.statistics().summary();
                points.add(new Point(reading, reading * runsPerEvent,
                        new double[] {s.gradient(visible, 0), s.gradient(visible, 1)},
                        new double[] {s.gradientStderr(visible, 0), s.gradientStderr(visible, 1)}));
                reading *= 2;
            }
        }
        return points;
    }

    @Test
    @EnabledIfSystemProperty(named = "detopt.fullStatistics", matches = "true")
    void gradientErrorAgainstSimulatedEvents() throws IOException {
        Map<String, List<Point>> curves = new LinkedHashMap<>();
        curves.put("pathwise", measure(EstimatorSettings.of(EstimatorKind.PATHWISE), 1, 8_000, 250));
        curves.put("finite-difference", measure(EstimatorSettings.finiteDifference(new double[] {0, 0.05, 0.1}, true), 5, 2_000, 125));
        curves.put("surrogate", measure(EstimatorSettings.surrogate(new double[] {0, 0.2, 0.4}, false), 1, 16_000, 250));
        System.out.println("estimator            events  simulated   d visible/da            d visible/dg");
        for (Map.Entry<String, List<Point>> curve : curves.entrySet()) {
            for (Point p : curve.getValue()) {
                System.out.printf("%-18s %8d %10d   %8.2f ± %7.2f   %8.2f ± %7.2f%n", curve.getKey(), p.events(), p.simulated(),
                        p.gradient()[0], p.stderr()[0], p.gradient()[1], p.stderr()[1]);
            }
        }
        plot(curves, Path.of("..", "docs", "img", "gradient-error-vs-events.png"));
        // with full statistics the surrogate still agrees with finite differences (three combined standard errors)
        Point surrogate = curves.get("surrogate").getLast();
        Point finite = curves.get("finite-difference").getLast();
        for (int k = 0; k < 2; k++) {
            assertThat(Math.abs(surrogate.gradient()[k] - finite.gradient()[k]))
                    .isLessThan(3 * Math.hypot(surrogate.stderr()[k], finite.stderr()[k]));
        }
    }

    private static void plot(Map<String, List<Point>> curves, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int width = 1000;
        int height = 420;
        int left = 80;
        int panelWidth = 380;
        int top = 50;
        int panelHeight = 300;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.setColor(Color.BLACK);
            g.drawString("calorimeter, 10 GeV e-: standard error of the gradient of E[visible] (MeV/mm) against simulated showers",
                    left, 22);
            Color[] colors = {new Color(0x1f77b4), new Color(0x9467bd), new Color(0xff7f0e)};
            double xMin = Math.log10(100);
            double xMax = Math.log10(40_000);
            double yMin = Double.POSITIVE_INFINITY;
            double yMax = Double.NEGATIVE_INFINITY;
            for (List<Point> curve : curves.values()) {
                for (Point p : curve) {
                    for (double e : p.stderr()) {
                        yMin = Math.min(yMin, Math.log10(e));
                        yMax = Math.max(yMax, Math.log10(e));
                    }
                }
            }
            yMin = Math.floor(yMin);
            yMax = Math.ceil(yMax);
            String[] names = {"d/da", "d/dg"};
            for (int panel = 0; panel < 2; panel++) {
                int x0 = left + panel * (panelWidth + 100);
                g.setColor(Color.BLACK);
                g.setStroke(new BasicStroke(1f));
                g.drawRect(x0, top, panelWidth, panelHeight);
                g.drawString(names[panel], x0 + 5, top - 6);
                for (int decade = (int) Math.ceil(xMin); decade <= xMax; decade++) {
                    int x = x0 + (int) ((decade - xMin) / (xMax - xMin) * panelWidth);
                    g.drawLine(x, top + panelHeight, x, top + panelHeight + 5);
                    g.drawString("1e" + decade, x - 12, top + panelHeight + 20);
                }
                for (int decade = (int) yMin; decade <= yMax; decade++) {
                    int y = top + panelHeight - (int) ((decade - yMin) / (yMax - yMin) * panelHeight);
                    g.drawLine(x0 - 5, y, x0, y);
                    g.drawString("1e" + decade, x0 - 40, y + 5);
                }
                g.drawString("simulated showers", x0 + panelWidth / 2 - 50, top + panelHeight + 38);
                int c = 0;
                for (Map.Entry<String, List<Point>> curve : curves.entrySet()) {
                    g.setColor(colors[c]);
                    g.setStroke(new BasicStroke(2f));
                    int previousX = -1;
                    int previousY = -1;
                    for (Point p : curve.getValue()) {
                        int x = x0 + (int) ((Math.log10(p.simulated()) - xMin) / (xMax - xMin) * panelWidth);
                        int y = top + panelHeight - (int) ((Math.log10(p.stderr()[panel]) - yMin) / (yMax - yMin) * panelHeight);
                        g.fillOval(x - 3, y - 3, 6, 6);
                        if (previousX >= 0) {
                            g.drawLine(previousX, previousY, x, y);
                        }
                        previousX = x;
                        previousY = y;
                    }
                    if (panel == 1) {
                        g.drawString(curve.getKey(), x0 + panelWidth - 130, top + 20 + 18 * c);
                    }
                    c++;
                }
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }
}
