package dev.detopt.model.random;

/**
 * What a random stream is used for. The numeric id (never the ordinal) enters the stream key, so
 * adding a purpose never changes the numbers of an existing one.
 */
public enum StreamPurpose {
    /** The physics of the event itself. */
    SIMULATION(1),
    /** Fresh numbers for a stochastic-AD alternative path once the primal's queue is empty. */
    ALTERNATIVE(2),
    /** Finite differences with independent streams: substream 2j is θ−h·e_j, 2j+1 is θ+h·e_j. */
    FINITE_DIFFERENCE(3),
    /** Simulating a target design θ* (profile-match objectives) with its own seed. */
    TARGET(4),
    /**
     * The surrogate estimator's design displacement of an antithetic pair of events (2k, 2k+1): keyed
     * by the pair's even event, which takes +δ, while the odd event takes −δ.
     */
    SURROGATE(5),
    /** The choice an event draws for each categorical parameter: substream j is categorical parameter j. */
    CATEGORICAL(6);

    private final int id;

    StreamPurpose(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }
}
