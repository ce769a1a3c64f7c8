package dev.detopt.model.branching;

import dev.detopt.model.estimate.RandomContext;
import dev.detopt.model.estimate.SteppedProgram;

import java.util.Arrays;

/**
 * The branching shower of science.md §3 (after Kagan &amp; Heinrich, arXiv:2308.16680) as a stepped
 * program; one step moves every live particle by one time step.
 *
 * <p>Per particle and step: at the pre-step position it interacts with probability m(x, y; θ)
 * (the only θ-dependent decision); an interaction is a hit at that position, after which the
 * particle splits in two (probability {@code splitProbability}: half the energy each, directions
 * p ± (0.05, 0.05) renormalised) or loses energy 2 (clamped at 0) with its direction kicked by
 * (±0.05, ±0.05), random signs, renormalised. A particle whose energy is below 0.5 is recorded as a
 * final hit where it is and stops; every other particle then moves by 0.02·p and stops once r &gt; 20.
 * Observables: per-event loss (mean hit radius − 2)², the mean hit radius and the number of hits
 * (an event without hits has mean hit radius 0). Positions never depend on θ continuously, so all
 * pathwise tangents are zero.
 */
final class BranchingShower implements SteppedProgram<BranchingShower.State> {
    static final int LOSS = 0;
    static final int MEAN_HIT_RADIUS = 1;
    static final int HITS = 2;
    static final int OBSERVABLES = 3;

    static final double INITIAL_ENERGY = 25.0;
    static final double TIME_STEP = 0.02;
    static final double STOP_ENERGY = 0.5;
    static final double ENERGY_LOSS = 2.0;
    static final double KICK = 0.05;
    static final double OUTER_RADIUS = 20.0;
    static final double TARGET_RADIUS = 2.0;
    /** Far beyond any physical shower (each particle escapes within a few thousand steps); guards against bugs. */
    static final int MAX_STEPS = 1_000_000;

    private final double splitProbability;

    BranchingShower(double splitProbability) {
        this.splitProbability = splitProbability;
    }

    /** The mutable state of one shower: live particles (double-buffered) and hit sums. */
    static final class State {
        double theta;
        boolean tracksTheta;
        int count;
        double[] x = new double[8];
        double[] y = new double[8];
        double[] px = new double[8];
        double[] py = new double[8];
        double[] energy = new double[8];
        private double[] nx = new double[8];
        private double[] ny = new double[8];
        private double[] npx = new double[8];
        private double[] npy = new double[8];
        private double[] nEnergy = new double[8];
        private int nextCount;
        double hitRadiusSum;
        long hits;
        int steps;

        private void ensureNextCapacity(int needed) {
            if (needed > nx.length) {
                int size = Math.max(needed, nx.length * 2);
                nx = Arrays.copyOf(nx, size);
                ny = Arrays.copyOf(ny, size);
                npx = Arrays.copyOf(npx, size);
                npy = Arrays.copyOf(npy, size);
                nEnergy = Arrays.copyOf(nEnergy, size);
            }
        }

        private void swapBuffers() {
            double[] t;
            t = x; x = nx; nx = t;
            t = y; y = ny; ny = t;
            t = px; px = npx; npx = t;
            t = py; py = npy; npy = t;
            t = energy; energy = nEnergy; nEnergy = t;
            count = nextCount;
            nextCount = 0;
        }

        private void ensureCapacity(int needed) {
            if (needed > x.length) {
                x = Arrays.copyOf(x, needed);
                y = Arrays.copyOf(y, needed);
                px = Arrays.copyOf(px, needed);
                py = Arrays.copyOf(py, needed);
                energy = Arrays.copyOf(energy, needed);
            }
        }

        void copyFrom(State other) {
            theta = other.theta;
            tracksTheta = other.tracksTheta;
            count = other.count;
            ensureCapacity(count);
            System.arraycopy(other.x, 0, x, 0, count);
            System.arraycopy(other.y, 0, y, 0, count);
            System.arraycopy(other.px, 0, px, 0, count);
            System.arraycopy(other.py, 0, py, 0, count);
            System.arraycopy(other.energy, 0, energy, 0, count);
            hitRadiusSum = other.hitRadiusSum;
            hits = other.hits;
            steps = other.steps;
        }

        /** Adds a particle after its interaction: a final hit if its energy is spent, else moved one step. */
        private void emit(double px0, double py0, double x0, double y0, double r0, double e) {
            if (e < STOP_ENERGY) {
                hitRadiusSum += r0;
                hits++;
                return;
            }
            double x1 = x0 + TIME_STEP * px0;
            double y1 = y0 + TIME_STEP * py0;
            if (x1 * x1 + y1 * y1 > OUTER_RADIUS * OUTER_RADIUS) {
                return;
            }
            ensureNextCapacity(nextCount + 1);
            nx[nextCount] = x1;
            ny[nextCount] = y1;
            npx[nextCount] = px0;
            npy[nextCount] = py0;
            nEnergy[nextCount] = e;
            nextCount++;
        }
    }

    @Override
    public int observables() {
        return OBSERVABLES;
    }

    @Override
    public State newState() {
        return new State();
    }

    @Override
    public void copy(State from, State into) {
        into.copyFrom(from);
    }

    @Override
    public void start(State s, double[] theta, int direction, RandomContext random) {
        s.theta = theta[0];
        s.tracksTheta = direction == 0;
        s.hitRadiusSum = 0;
        s.hits = 0;
        s.steps = 0;
        double phi = Math.PI * (2 * random.uniform() - 1);
        s.count = 1;
        s.x[0] = 0;
        s.y[0] = 0;
        s.px[0] = Math.cos(phi);
        s.py[0] = Math.sin(phi);
        s.energy[0] = INITIAL_ENERGY;
    }

    @Override
    public boolean finished(State s) {
        return s.count == 0;
    }

    @Override
    public void step(State s, RandomContext random) {
        if (++s.steps > MAX_STEPS) {
            throw new IllegalStateException("branching shower did not finish within " + MAX_STEPS + " steps");
        }
        double theta = s.theta;
        int count = s.count;
        s.nextCount = 0;
        for (int i = 0; i < count; i++) {
            double x = s.x[i];
            double y = s.y[i];
            double px = s.px[i];
            double py = s.py[i];
            double e = s.energy[i];
            double r = Math.sqrt(x * x + y * y);
            double pattern = materialPattern(x, y, r);
            double inner = sigmoid(10 * (r - theta));
            double outer = sigmoid(-10 * (r - theta - 10));
            double m = pattern * inner * outer;
            // dm/dθ = m·(−10(1 − inner) + 10(1 − outer))
            double dm = s.tracksTheta ? 10 * m * (inner - outer) : 0;
            if (!random.bernoulli(m, dm)) {
                s.emit(px, py, x, y, r, e);
                continue;
            }
            s.hitRadiusSum += r;
            s.hits++;
            boolean split = splitProbability >= 1 || (splitProbability > 0 && random.uniform() < splitProbability);
            if (split) {
                double half = 0.5 * e;
                double ax = px + KICK;
                double ay = py + KICK;
                double an = Math.sqrt(ax * ax + ay * ay);
                double bx = px - KICK;
                double by = py - KICK;
                double bn = Math.sqrt(bx * bx + by * by);
                s.emit(ax / an, ay / an, x, y, r, half);
                s.emit(bx / bn, by / bn, x, y, r, half);
            } else {
                double kx = px + (random.uniform() < 0.5 ? KICK : -KICK);
                double ky = py + (random.uniform() < 0.5 ? KICK : -KICK);
                double kn = Math.sqrt(kx * kx + ky * ky);
                s.emit(kx / kn, ky / kn, x, y, r, Math.max(0, e - ENERGY_LOSS));
            }
        }
        s.swapBuffers();
    }

    /**
     * The θ-independent part of the interaction probability
     * m = 0.5·σ(−10 sin(10(α + 2r)))·σ(−10 cos(10(r − 2)))·σ(10(r − θ))·σ(−10(r − θ − 10)),
     * with α = atan2(x, y) (x first, as in science.md).
     */
    static double materialPattern(double x, double y, double r) {
        return 0.5 * sigmoid(-10 * Math.sin(10 * (Math.atan2(x, y) + 2 * r))) * sigmoid(-10 * Math.cos(10 * (r - 2)));
    }

    /** The interaction probability m(x, y; θ). */
    static double interactionProbability(double x, double y, double theta) {
        double r = Math.sqrt(x * x + y * y);
        return materialPattern(x, y, r) * sigmoid(10 * (r - theta)) * sigmoid(-10 * (r - theta - 10));
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    @Override
    public void results(State s, double[] observables, double[] tangents) {
        double meanRadius = s.hits == 0 ? 0 : s.hitRadiusSum / s.hits;
        double d = meanRadius - TARGET_RADIUS;
        observables[LOSS] = d * d;
        observables[MEAN_HIT_RADIUS] = meanRadius;
        observables[HITS] = s.hits;
        Arrays.fill(tangents, 0, OBSERVABLES, 0.0);
    }
}
