package dev.detopt.model.estimate;

/**
 * A stochastic program written as a state machine, so that an estimator can run a second copy
 * (a stochastic-AD alternative) in lockstep with the primal and fork it from a saved state.
 * Discrete θ-dependent decisions go through {@link RandomContext#bernoulli}; continuous
 * θ-dependence is tracked by the program itself as pathwise tangents along one parameter.
 *
 * <p>Implementations are stateless and thread-safe; all per-run data lives in the state object
 * {@code S}, which is thread-confined and reused between events.
 *
 * @param <S> the mutable run state
 */
public interface SteppedProgram<S> {
    /** Number of observables the program reports. */
    int observables();

    /** A new, empty state (allocated once per evaluator, reused for every event). */
    S newState();

    /** Makes {@code into} an exact copy of {@code from}. */
    void copy(S from, S into);

    /**
     * Starts a run (resetting {@code state}); this is the program's first step and may draw.
     *
     * @param theta     all parameter values
     * @param direction index of the parameter whose tangents are tracked, or −1 for none
     */
    void start(S state, double[] theta, int direction, RandomContext random);

    /** Whether the run has finished (no further {@link #step} is allowed). */
    boolean finished(S state);

    /** Advances an unfinished run by one step. */
    void step(S state, RandomContext random);

    /**
     * Writes the observables of a finished run and their pathwise derivatives along the tracked
     * direction (discrete decisions held fixed; zeros when no direction is tracked).
     */
    void results(S state, double[] observables, double[] tangents);
}
