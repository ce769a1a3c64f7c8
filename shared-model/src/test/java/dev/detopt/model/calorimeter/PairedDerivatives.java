package dev.detopt.model.calorimeter;

import java.util.SplittableRandom;

/**
 * Pathwise derivatives and central finite differences with common random numbers, event by event
 * on the same events, so that their difference has a paired standard error (much smaller than the
 * two separate errors combined). Optionally a second, halved step on the same events, whose
 * difference to the first shows the step's truncation error. Observables: absorber.0 …, gap.0 …,
 * leakage, visible. Tests and figure programs only.
 */
final class PairedDerivatives {
    static final String[] PARAMETERS = {"e", "a", "g"};

    final int layers;
    final int observables;
    final int events;
    private final double[] mean;
    // per parameter k and observable i, at [k * observables + i]
    private final double[] pathwise;
    private final double[] pathwise2;
    private final double[] pathwise3;
    private final double[] pathwise4;
    private final double[] largest;
    private final double[] finite;
    private final double[] finite2;
    private final double[] difference;
    private final double[] difference2;
    private final double[] halfStep;
    private final double[] halfStep2;

    /** All three parameters. */
    PairedDerivatives(CalorimeterConfig config, double[] theta, double[] steps, boolean halfSteps, int events, long seed) {
        this(config, theta, new int[] {0, 1, 2}, steps, halfSteps, events, seed);
    }

    /**
     * Runs the events, differentiating the given parameters (0 e, 1 a, 2 g; the others read 0);
     * halfSteps adds central differences with the steps halved (for the truncation check).
     */
    PairedDerivatives(CalorimeterConfig config, double[] theta, int[] parameters, double[] steps, boolean halfSteps,
                      int events, long seed) {
        this.layers = config.layers();
        this.observables = 2 * layers + 2;
        this.events = events;
        int cells = 3 * observables;
        mean = new double[observables];
        pathwise = new double[cells];
        pathwise2 = new double[cells];
        pathwise3 = new double[cells];
        pathwise4 = new double[cells];
        largest = new double[cells];
        finite = new double[cells];
        finite2 = new double[cells];
        difference = new double[cells];
        difference2 = new double[cells];
        halfStep = new double[cells];
        halfStep2 = new double[cells];
        MaterialTables tables = new MaterialTables(config);
        ShowerTransport tangent = new ShowerTransport(config, tables, parameters);
        ShowerTransport primal = new ShowerTransport(config, tables, new int[0]);
        SplittableRandom seeds = new SplittableRandom(seed);
        double[] y = new double[observables];
        double[] dy = new double[observables];
        double[] plus = new double[observables];
        double[] minus = new double[observables];
        double[] full = new double[observables];
        for (int event = 0; event < events; event++) {
            long eventSeed = seeds.nextLong();
            tangent.simulate(theta[0], theta[1], theta[2], eventSeed);
            observe(tangent, y);
            for (int i = 0; i < observables; i++) {
                mean[i] += y[i];
            }
            for (int j = 0; j < parameters.length; j++) {
                int k = parameters[j];
                tangentsOf(tangent, j, dy);
                centralDifference(primal, theta, k, steps[k], eventSeed, plus, minus);
                for (int i = 0; i < observables; i++) {
                    full[i] = (plus[i] - minus[i]) / (2 * steps[k]);
                }
                if (halfSteps) {
                    centralDifference(primal, theta, k, steps[k] / 2, eventSeed, plus, minus);
                }
                for (int i = 0; i < observables; i++) {
                    int c = k * observables + i;
                    double p = dy[i];
                    double p2 = p * p;
                    pathwise[c] += p;
                    pathwise2[c] += p2;
                    pathwise3[c] += p2 * p;
                    pathwise4[c] += p2 * p2;
                    largest[c] = Math.max(largest[c], Math.abs(p));
                    finite[c] += full[i];
                    finite2[c] += full[i] * full[i];
                    double d = p - full[i];
                    difference[c] += d;
                    difference2[c] += d * d;
                    if (halfSteps) {
                        double s = (plus[i] - minus[i]) / steps[k] - full[i];
                        halfStep[c] += s;
                        halfStep2[c] += s * s;
                    }
                }
            }
        }
    }

    private void centralDifference(ShowerTransport primal, double[] theta, int k, double h, long seed,
                                   double[] plus, double[] minus) {
        double[] t = theta.clone();
        t[k] = theta[k] + h;
        primal.simulate(t[0], t[1], t[2], seed);
        observe(primal, plus);
        t[k] = theta[k] - h;
        primal.simulate(t[0], t[1], t[2], seed);
        observe(primal, minus);
    }

    private void observe(ShowerTransport transport, double[] out) {
        double visible = 0;
        for (int i = 0; i < layers; i++) {
            out[i] = transport.deposit[2 * i];
            out[layers + i] = transport.deposit[2 * i + 1];
            visible += transport.deposit[2 * i + 1];
        }
        out[2 * layers] = transport.leakage;
        out[2 * layers + 1] = visible;
    }

    private void tangentsOf(ShowerTransport transport, int k, double[] out) {
        int n = transport.tangentCount();
        double visible = 0;
        for (int i = 0; i < layers; i++) {
            out[i] = transport.depositTangent[2 * i * n + k];
            out[layers + i] = transport.depositTangent[(2 * i + 1) * n + k];
            visible += out[layers + i];
        }
        out[2 * layers] = transport.leakageTangent[k];
        out[2 * layers + 1] = visible;
    }

    int leakageIndex() {
        return 2 * layers;
    }

    int visibleIndex() {
        return 2 * layers + 1;
    }

    String name(int i) {
        if (i < layers) {
            return "absorber." + i;
        }
        if (i < 2 * layers) {
            return "gap." + (i - layers);
        }
        return i == leakageIndex() ? "leakage" : "visible";
    }

    double mean(int i) {
        return mean[i] / events;
    }

    double pathwise(int k, int i) {
        return pathwise[k * observables + i] / events;
    }

    double pathwiseError(int k, int i) {
        return error(pathwise, pathwise2, k * observables + i);
    }

    double finiteDifference(int k, int i) {
        return finite[k * observables + i] / events;
    }

    double finiteDifferenceError(int k, int i) {
        return error(finite, finite2, k * observables + i);
    }

    /** Mean of pathwise − finite difference over the events. */
    double difference(int k, int i) {
        return difference[k * observables + i] / events;
    }

    double differenceError(int k, int i) {
        return error(difference, difference2, k * observables + i);
    }

    /** Mean of (difference with the halved step) − (difference with the full step). */
    double halfStepChange(int k, int i) {
        return halfStep[k * observables + i] / events;
    }

    double halfStepChangeError(int k, int i) {
        return error(halfStep, halfStep2, k * observables + i);
    }

    /** Kurtosis E[(x − μ)⁴]/σ⁴ of the per-event pathwise tangent (3 for a normal distribution). */
    double kurtosis(int k, int i) {
        int c = k * observables + i;
        double m = pathwise[c] / events;
        double m2 = pathwise2[c] / events;
        double m3 = pathwise3[c] / events;
        double m4 = pathwise4[c] / events;
        double variance = m2 - m * m;
        double central4 = m4 - 4 * m * m3 + 6 * m * m * m2 - 3 * m * m * m * m;
        return central4 / (variance * variance);
    }

    double pathwiseStandardDeviation(int k, int i) {
        int c = k * observables + i;
        double m = pathwise[c] / events;
        return Math.sqrt(pathwise2[c] / events - m * m);
    }

    /** Largest |pathwise tangent| of one event. */
    double largest(int k, int i) {
        return largest[k * observables + i];
    }

    private double error(double[] sum, double[] squares, int c) {
        double m = sum[c] / events;
        return Math.sqrt(Math.max(0.0, squares[c] / events - m * m) / (events - 1));
    }
}
