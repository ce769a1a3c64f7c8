package dev.detopt.model.estimate;

/**
 * The only source of randomness of a {@link SteppedProgram}. Each gradient estimator supplies its
 * own implementation: plain draws for pathwise AD, score accumulation for the score function, or
 * candidate alternatives for stochastic AD. Programs must draw every random number through it, in
 * an order that depends only on the program's state, so that a run can be replayed.
 */
public interface RandomContext {
    /** A θ-independent uniform number in [0, 1). */
    double uniform();

    /**
     * A Bernoulli decision that is true with probability {@code p}; implemented as
     * [u &gt; 1 − p] for one uniform u.
     *
     * @param p  success probability in [0, 1]
     * @param dp derivative of p along the differentiated parameter (0 when nothing is differentiated)
     */
    boolean bernoulli(double p, double dp);
}
