package dev.detopt.service.dashboard;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Colour differences as people with the common colour-vision deficiencies see them: sRGB colours
 * (CSS hex or rgb()) simulated with the severity-1.0 matrices of Machado, Oliveira &amp; Fernandes,
 * "A Physiologically-based Model for Simulation of Color Vision Deficiency", IEEE TVCG 15(6), 2009,
 * applied to linear RGB, then compared by CIEDE2000 (CIE 142-2001; formulas as in Sharma, Wu &amp;
 * Dalal, Color Res. Appl. 30(1), 2005) in CIELAB under D65.
 */
final class ColourVision {
    /** The simulated vision: normal, or one of the three dichromacies at full severity. */
    enum Vision {
        NORMAL(null),
        PROTANOPIA(new double[][] {
                {0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}}),
        DEUTERANOPIA(new double[][] {
                {0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}}),
        TRITANOPIA(new double[][] {
                {1.255528, -0.076749, -0.178779}, {-0.078411, 0.930809, 0.147602}, {0.004733, 0.691367, 0.303900}});

        private final double[][] matrix;

        Vision(double[][] matrix) {
            this.matrix = matrix;
        }

        double[] simulate(double[] linearRgb) {
            if (matrix == null) {
                return linearRgb;
            }
            double[] out = new double[3];
            for (int i = 0; i < 3; i++) {
                double v = 0;
                for (int j = 0; j < 3; j++) {
                    v += matrix[i][j] * linearRgb[j];
                }
                out[i] = Math.min(1, Math.max(0, v)); // out-of-gamut results are clipped, as a display would
            }
            return out;
        }
    }

    private static final Pattern HEX = Pattern.compile("#([0-9a-f]{3}|[0-9a-f]{6})");
    private static final Pattern RGB = Pattern.compile("rgba?\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*(?:,\\s*([\\d.]+)\\s*)?\\)");

    private ColourVision() {
    }

    /** sRGB components 0–255 of a CSS colour ({@code #rgb}, {@code #rrggbb}, {@code rgb(r, g, b)}). */
    static int[] parse(String css) {
        String c = css.trim().toLowerCase(Locale.ROOT);
        Matcher hex = HEX.matcher(c);
        if (hex.matches()) {
            String digits = hex.group(1);
            if (digits.length() == 3) {
                digits = "" + digits.charAt(0) + digits.charAt(0) + digits.charAt(1) + digits.charAt(1) + digits.charAt(2) + digits.charAt(2);
            }
            return new int[] {Integer.parseInt(digits, 0, 2, 16), Integer.parseInt(digits, 2, 4, 16), Integer.parseInt(digits, 4, 6, 16)};
        }
        Matcher rgb = RGB.matcher(c);
        if (rgb.matches()) {
            return new int[] {Integer.parseInt(rgb.group(1)), Integer.parseInt(rgb.group(2)), Integer.parseInt(rgb.group(3))};
        }
        throw new IllegalArgumentException("not a CSS colour this test reads: " + css);
    }

    /** CIELAB (D65) of a CSS colour as seen with this vision. */
    static double[] lab(String css, Vision vision) {
        int[] srgb = parse(css);
        double[] linear = new double[3];
        for (int i = 0; i < 3; i++) {
            double v = srgb[i] / 255.0;
            linear[i] = v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        }
        double[] l = vision.simulate(linear);
        // IEC 61966-2-1 sRGB → XYZ, normalised to the D65 white.
        double x = (0.4124564 * l[0] + 0.3575761 * l[1] + 0.1804375 * l[2]) / 0.95047;
        double y = 0.2126729 * l[0] + 0.7151522 * l[1] + 0.0721750 * l[2];
        double z = (0.0193339 * l[0] + 0.1191920 * l[1] + 0.9503041 * l[2]) / 1.08883;
        double fx = f(x), fy = f(y), fz = f(z);
        return new double[] {116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)};
    }

    private static double f(double t) {
        double delta = 6.0 / 29;
        return t > delta * delta * delta ? Math.cbrt(t) : t / (3 * delta * delta) + 4.0 / 29;
    }

    /** CIEDE2000 ΔE between two colours as seen with this vision. */
    static double deltaE2000(String a, String b, Vision vision) {
        return deltaE2000(lab(a, vision), lab(b, vision));
    }

    /** CIEDE2000 colour difference of two CIELAB colours (kL = kC = kH = 1). */
    static double deltaE2000(double[] lab1, double[] lab2) {
        double c1 = Math.hypot(lab1[1], lab1[2]), c2 = Math.hypot(lab2[1], lab2[2]);
        double cMean7 = Math.pow((c1 + c2) / 2, 7);
        double g = 0.5 * (1 - Math.sqrt(cMean7 / (cMean7 + Math.pow(25, 7))));
        double a1 = (1 + g) * lab1[1], a2 = (1 + g) * lab2[1];
        double c1p = Math.hypot(a1, lab1[2]), c2p = Math.hypot(a2, lab2[2]);
        double h1 = hue(a1, lab1[2]), h2 = hue(a2, lab2[2]);
        double dL = lab2[0] - lab1[0], dC = c2p - c1p;
        double dh = 0;
        if (c1p * c2p != 0) {
            dh = h2 - h1;
            if (dh > 180) {
                dh -= 360;
            } else if (dh < -180) {
                dh += 360;
            }
        }
        double dH = 2 * Math.sqrt(c1p * c2p) * Math.sin(Math.toRadians(dh / 2));
        double lMean = (lab1[0] + lab2[0]) / 2, cpMean = (c1p + c2p) / 2;
        double hMean;
        if (c1p * c2p == 0) {
            hMean = h1 + h2;
        } else if (Math.abs(h1 - h2) <= 180) {
            hMean = (h1 + h2) / 2;
        } else {
            hMean = h1 + h2 < 360 ? (h1 + h2 + 360) / 2 : (h1 + h2 - 360) / 2;
        }
        double t = 1 - 0.17 * cos(hMean - 30) + 0.24 * cos(2 * hMean) + 0.32 * cos(3 * hMean + 6) - 0.20 * cos(4 * hMean - 63);
        double dTheta = 30 * Math.exp(-Math.pow((hMean - 275) / 25, 2));
        double cp7 = Math.pow(cpMean, 7);
        double rC = 2 * Math.sqrt(cp7 / (cp7 + Math.pow(25, 7)));
        double sL = 1 + 0.015 * Math.pow(lMean - 50, 2) / Math.sqrt(20 + Math.pow(lMean - 50, 2));
        double sC = 1 + 0.045 * cpMean;
        double sH = 1 + 0.015 * cpMean * t;
        double rT = -Math.sin(Math.toRadians(2 * dTheta)) * rC;
        return Math.sqrt(Math.pow(dL / sL, 2) + Math.pow(dC / sC, 2) + Math.pow(dH / sH, 2) + rT * (dC / sC) * (dH / sH));
    }

    private static double hue(double a, double b) {
        if (a == 0 && b == 0) {
            return 0;
        }
        double h = Math.toDegrees(Math.atan2(b, a));
        return h < 0 ? h + 360 : h;
    }

    private static double cos(double degrees) {
        return Math.cos(Math.toRadians(degrees));
    }
}
