package dev.detopt.model.cli;

import dev.detopt.model.estimate.EstimatorStudy;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A headless PNG of a θ scan: the mean loss on top, the estimators (± standard error) and the loss slope below. */
final class ScanPlot {
    private static final int WIDTH = 1000;
    private static final int PANEL_HEIGHT = 330;
    private static final int LEFT = 80;
    private static final int RIGHT = 200;
    private static final int TOP = 40;
    private static final int GAP = 50;
    private static final Color[] COLORS = {
            new Color(0x7f7f7f), new Color(0x1f77b4), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
            new Color(0xff7f0e)};

    private ScanPlot() {
    }

    static void write(Path file, String title, List<ScanCommand.Point> scan) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int height = TOP + 2 * PANEL_HEIGHT + GAP + 50;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.setColor(Color.BLACK);
            g.drawString(title, LEFT, 22);

            double xMin = scan.getFirst().theta();
            double xMax = scan.getLast().theta();
            Panel loss = new Panel(TOP, xMin, xMax, scan.stream().mapToDouble(p -> p.meanLoss() - p.meanLossStderr()).min().orElse(0),
                    scan.stream().mapToDouble(p -> p.meanLoss() + p.meanLossStderr()).max().orElse(1));
            loss.axes(g, "mean loss");
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(2f));
            for (int k = 1; k < scan.size(); k++) {
                g.drawLine(loss.x(scan.get(k - 1).theta()), loss.y(scan.get(k - 1).meanLoss()),
                        loss.x(scan.get(k).theta()), loss.y(scan.get(k).meanLoss()));
            }

            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (ScanCommand.Point p : scan) {
                lo = Math.min(lo, p.lossSlope());
                hi = Math.max(hi, p.lossSlope());
                for (EstimatorStudy.Result r : p.estimators()) {
                    lo = Math.min(lo, r.mean() - r.stderr());
                    hi = Math.max(hi, r.mean() + r.stderr());
                }
            }
            Panel gradient = new Panel(TOP + PANEL_HEIGHT + GAP, xMin, xMax, lo, hi);
            gradient.axes(g, "d loss / d theta");
            g.setStroke(new BasicStroke(2f));
            g.setColor(Color.BLACK);
            for (int k = 1; k < scan.size(); k++) {
                g.drawLine(gradient.x(scan.get(k - 1).theta()), gradient.y(scan.get(k - 1).lossSlope()),
                        gradient.x(scan.get(k).theta()), gradient.y(scan.get(k).lossSlope()));
            }
            int estimators = scan.getFirst().estimators().size();
            double dx = (xMax - xMin) / Math.max(1, scan.size() - 1) * 0.5 / Math.max(1, estimators);
            g.setStroke(new BasicStroke(1.2f));
            for (int e = 0; e < estimators; e++) {
                Color color = COLORS[scan.getFirst().estimators().get(e).estimator().ordinal() % COLORS.length];
                g.setColor(color);
                for (ScanCommand.Point p : scan) {
                    EstimatorStudy.Result r = p.estimators().get(e);
                    int x = gradient.x(p.theta() + (e - (estimators - 1) / 2.0) * dx);
                    g.drawLine(x, gradient.y(r.mean() - r.stderr()), x, gradient.y(r.mean() + r.stderr()));
                    g.fillOval(x - 3, gradient.y(r.mean()) - 3, 6, 6);
                }
                int legendY = TOP + PANEL_HEIGHT + GAP + 20 + 20 * e;
                g.fillOval(WIDTH - RIGHT + 20, legendY - 8, 8, 8);
                g.drawString(scan.getFirst().estimators().get(e).estimator().wireName() + " ± s.e.", WIDTH - RIGHT + 34, legendY);
            }
            g.setColor(Color.BLACK);
            int legendY = TOP + PANEL_HEIGHT + GAP + 20 + 20 * estimators;
            g.drawLine(WIDTH - RIGHT + 16, legendY - 4, WIDTH - RIGHT + 30, legendY - 4);
            g.drawString("slope of mean loss", WIDTH - RIGHT + 34, legendY);
        } finally {
            g.dispose();
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ImageIO.write(image, "png", file.toFile());
    }

    /** Maps data coordinates to pixels inside one panel. */
    private record Panel(int top, double xMin, double xMax, double yMin, double yMax) {
        private Panel {
            if (!(yMax > yMin)) {
                double middle = Double.isFinite(yMin) ? yMin : 0;
                yMin = middle - 1;
                yMax = middle + 1;
            } else {
                double pad = 0.05 * (yMax - yMin);
                yMin -= pad;
                yMax += pad;
            }
        }

        int x(double value) {
            return LEFT + (int) Math.round((value - xMin) / (xMax - xMin) * (WIDTH - LEFT - RIGHT));
        }

        int y(double value) {
            return top + PANEL_HEIGHT - (int) Math.round((value - yMin) / (yMax - yMin) * PANEL_HEIGHT);
        }

        void axes(Graphics2D g, String label) {
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(LEFT, top, WIDTH - LEFT - RIGHT, PANEL_HEIGHT);
            for (int t = 0; t <= 4; t++) {
                double yv = yMin + (yMax - yMin) * t / 4;
                int py = y(yv);
                g.setColor(new Color(0xdddddd));
                g.drawLine(LEFT + 1, py, WIDTH - RIGHT - 1, py);
                g.setColor(Color.BLACK);
                g.drawString(String.format("%.2f", yv), LEFT - 50, py + 5);
                double xv = xMin + (xMax - xMin) * t / 4;
                g.drawString(String.format("%.2f", xv), x(xv) - 12, top + PANEL_HEIGHT + 16);
            }
            if (yMin < 0 && yMax > 0) {
                g.setColor(new Color(0xaaaaaa));
                g.drawLine(LEFT, y(0), WIDTH - RIGHT, y(0));
            }
            g.setColor(Color.BLACK);
            g.drawString(label, LEFT + 8, top + 16);
            g.drawString("theta", WIDTH - RIGHT - 40, top + PANEL_HEIGHT + 32);
        }
    }
}
