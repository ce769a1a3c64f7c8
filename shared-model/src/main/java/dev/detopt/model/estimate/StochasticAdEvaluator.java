package dev.detopt.model.estimate;

import dev.detopt.model.random.EventRandomness;
import dev.detopt.model.random.StreamPurpose;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.stats.EventSample;
import dev.detopt.model.stats.SampleLayout;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Stochastic AD (Arya et al., NeurIPS 2022) with pruning to a single alternative.
 *
 * <p>Every primal Bernoulli b = [u &gt; 1 − p] with dp ≠ 0 offers a candidate alternative: if dp &gt; 0
 * and b = 0, flipping to 1 with weight dp/(1 − p); if dp &lt; 0 and b = 1, flipping to 0 with weight
 * −dp/p. Candidates are pruned to one: a new candidate replaces the kept one with probability
 * w_new/(w_new + W) and the program weight becomes W + w_new. This is sampled with one uniform per
 * adoption (the next candidate is adopted once the running weight exceeds W_adopted/v) from the
 * pruning substream, so the primal's own random numbers are the same as for the other estimators.
 *
 * <p>An adopted alternative is forked from the primal's state before the current step, replays that
 * step with the primal's numbers up to the flipped decision, and then runs to completion in lockstep
 * with the primal, one step after each primal step. With {@code reuseUniforms} it takes the primal's
 * later numbers first-in-first-out per kind: its decisions take the primal's decision uniforms and its
 * other uniforms the primal's other uniforms (as Kagan &amp; Heinrich's interaction FIFO), so that after
 * the flip the alternative's k-th decision meets the same u as the primal's and does not drift onto a
 * kick's number; both queues are cleared when a new alternative is adopted, and a fresh number from the
 * ALTERNATIVE stream is drawn only when the queue of that kind is empty. Every number the alternative
 * takes is used once and chosen without looking at its value, so its path has the right law.
 * Without reuse all its numbers after the fork are fresh. The per-event gradient is
 * δ + W·(f(alternative) − f(primal)), δ being the primal's pathwise tangent. Decisions inside the
 * alternative offer no candidates (first order).
 */
final class StochasticAdEvaluator<S> extends ProgramEvaluator<S> {
    /** Substreams of {@link StreamPurpose#ALTERNATIVE}. */
    static final int FRESH_SUBSTREAM = 0;
    static final int PRUNING_SUBSTREAM = 1;

    private final boolean reuseUniforms;
    private final S alternative;
    private final S beforeStep;
    private final double[] alternativeObservables;
    private final double[] ignoredTangents;
    private final PrimalDraws primalDraws = new PrimalDraws();
    private final AlternativeDraws alternativeDraws = new AlternativeDraws();

    private EventRandomness randomness;
    private RandomGenerator fresh;
    private RandomGenerator pruning;

    /** The primal's draws during its current step. */
    private double[] stepDraws = new double[64];
    /** Whether each of {@link #stepDraws} was drawn for a decision (else a θ-independent uniform). */
    private boolean[] stepDrawIsDecision = new boolean[64];
    private int stepDrawCount;
    /** Ordinal (within the current step) of the decision flipped by an alternative adopted in it, or −1. */
    private int adoptedAt;
    /** Total weight of all candidates so far. */
    private double weight;
    /** Running weight above which the next candidate is adopted. */
    private double adoptionThreshold;
    private boolean hasAlternative;

    /** The primal's decision uniforms, and its other uniforms, not yet consumed by the alternative. */
    private final DrawQueue decisionQueue = new DrawQueue();
    private final DrawQueue uniformQueue = new DrawQueue();

    StochasticAdEvaluator(SteppedProgram<S> program, DesignPoint point, boolean reuseUniforms) {
        super(program, point, SampleLayout.GradientForm.DIRECT);
        this.reuseUniforms = reuseUniforms;
        this.alternative = program.newState();
        this.beforeStep = program.newState();
        this.alternativeObservables = new double[program.observables()];
        this.ignoredTangents = new double[program.observables()];
    }

    @Override
    public void evaluate(EventRandomness event, EventSample out) {
        randomness = event;
        primalDraws.random = event.stream(StreamPurpose.SIMULATION);
        fresh = null;
        pruning = null;
        weight = 0;
        adoptionThreshold = 0;
        hasAlternative = false;
        decisionQueue.clear();
        uniformQueue.clear();

        boolean first = true;
        boolean primalRunning = true;
        boolean alternativeRunning = false;
        while (primalRunning || alternativeRunning) {
            if (primalRunning) {
                stepDrawCount = 0;
                adoptedAt = -1;
                if (first) {
                    program.start(state, theta, direction, primalDraws);
                } else {
                    if (direction >= 0) {
                        program.copy(state, beforeStep); // the state an alternative adopted in this step forks from
                    }
                    program.step(state, primalDraws);
                }
                primalRunning = !program.finished(state);
                if (adoptedAt >= 0) {
                    forkAlternative(first);
                    alternativeRunning = !program.finished(alternative);
                    first = false;
                    continue;
                }
                if (alternativeRunning && reuseUniforms) {
                    enqueue(0, stepDrawCount);
                }
            }
            first = false;
            if (alternativeRunning) {
                alternativeDraws.replaying = false;
                program.step(alternative, alternativeDraws);
                alternativeRunning = !program.finished(alternative);
            }
        }

        randomness = null;
        program.results(state, out.observables, tangents);
        if (direction < 0) {
            return;
        }
        if (hasAlternative) {
            program.results(alternative, alternativeObservables, ignoredTangents);
            for (int i = 0; i < tangents.length; i++) {
                out.gradient[i] = tangents[i] + weight * (alternativeObservables[i] - out.observables[i]);
            }
        } else {
            System.arraycopy(tangents, 0, out.gradient, 0, tangents.length);
        }
    }

    /** Builds the adopted alternative: the pre-step state, this step replayed with one decision flipped. */
    private void forkAlternative(boolean first) {
        decisionQueue.clear();
        uniformQueue.clear();
        if (reuseUniforms) {
            enqueue(adoptedAt + 1, stepDrawCount);
        }
        alternativeDraws.replaying = true;
        alternativeDraws.ordinal = 0;
        if (first) {
            program.start(alternative, theta, direction, alternativeDraws);
        } else {
            program.copy(beforeStep, alternative);
            program.step(alternative, alternativeDraws);
        }
        if (alternativeDraws.replaying) {
            throw new IllegalStateException("the alternative did not reach the flipped decision: the program's draws"
                    + " depend on something other than its state");
        }
    }

    /** Queues the primal's draws [from, to) of the current step, each to the queue of its kind. */
    private void enqueue(int from, int to) {
        for (int i = from; i < to; i++) {
            (stepDrawIsDecision[i] ? decisionQueue : uniformQueue).add(stepDraws[i]);
        }
    }

    private double freshUniform() {
        if (fresh == null) {
            fresh = randomness.stream(StreamPurpose.ALTERNATIVE, FRESH_SUBSTREAM);
        }
        return fresh.nextDouble();
    }

    private double pruningUniform() {
        if (pruning == null) {
            pruning = randomness.stream(StreamPurpose.ALTERNATIVE, PRUNING_SUBSTREAM);
        }
        return pruning.nextDouble();
    }

    private double recordPrimalDraw(double u, boolean decision) {
        if (stepDrawCount == stepDraws.length) {
            stepDraws = Arrays.copyOf(stepDraws, stepDraws.length * 2);
            stepDrawIsDecision = Arrays.copyOf(stepDrawIsDecision, stepDraws.length);
        }
        stepDrawIsDecision[stepDrawCount] = decision;
        stepDraws[stepDrawCount++] = u;
        return u;
    }

    /** Offers the candidate flip of the decision just drawn (ordinal {@code stepDrawCount − 1}). */
    private void offerCandidate(double candidateWeight) {
        weight += candidateWeight;
        if (!hasAlternative || weight > adoptionThreshold) {
            hasAlternative = true;
            adoptedAt = stepDrawCount - 1;
            // P(no adoption up to total weight W') = W/W' is P(v <= W/W'): adopt again once W' > W/v
            adoptionThreshold = weight / pruningUniform();
        }
    }

    private final class PrimalDraws implements RandomContext {
        RandomGenerator random;

        @Override
        public double uniform() {
            return recordPrimalDraw(random.nextDouble(), false);
        }

        @Override
        public boolean bernoulli(double p, double dp) {
            double u = recordPrimalDraw(random.nextDouble(), true);
            boolean b = u > 1 - p;
            if (dp > 0 && !b) {
                offerCandidate(dp / (1 - p));
            } else if (dp < 0 && b) {
                offerCandidate(-dp / p);
            }
            return b;
        }
    }

    private final class AlternativeDraws implements RandomContext {
        /** True while replaying the fork step's draws up to the flipped decision. */
        boolean replaying;
        int ordinal;

        @Override
        public double uniform() {
            if (replaying) {
                if (ordinal == adoptedAt) {
                    throw new IllegalStateException("the flipped draw of the alternative is a uniform, not a decision:"
                            + " the program's draws depend on something other than its state");
                }
                return stepDraws[ordinal++];
            }
            return next(uniformQueue);
        }

        @Override
        public boolean bernoulli(double p, double dp) {
            if (replaying) {
                boolean b = stepDraws[ordinal] > 1 - p;
                if (ordinal++ == adoptedAt) {
                    replaying = false;
                    return !b;
                }
                return b;
            }
            return next(decisionQueue) > 1 - p;
        }

        private double next(DrawQueue queue) {
            if (reuseUniforms && !queue.isEmpty()) {
                return queue.take();
            }
            return freshUniform();
        }
    }

    /** A first-in-first-out queue of doubles. */
    private static final class DrawQueue {
        private double[] values = new double[256];
        private int head;
        private int tail;

        void clear() {
            head = 0;
            tail = 0;
        }

        boolean isEmpty() {
            return head == tail;
        }

        double take() {
            return values[head++];
        }

        void add(double value) {
            if (tail == values.length) {
                int live = tail - head;
                if (live * 2 > values.length) {
                    values = Arrays.copyOf(values, values.length * 2);
                }
                System.arraycopy(values, head, values, 0, live);
                head = 0;
                tail = live;
            }
            values[tail++] = value;
        }
    }
}
