package dev.detopt.model.external;

/**
 * An external simulator program failed: it crashed or exited, timed out, broke the protocol, or sent
 * values detopt refuses (wrong counts, NaN, ±∞). The message says which, names the program and ends
 * with the tail of its stderr. The batch fails; no statistics of the failed request are kept.
 */
public final class SimulatorFailure extends RuntimeException {
    private final String stderrTail;

    public SimulatorFailure(String message, String stderrTail) {
        super(stderrTail == null || stderrTail.isEmpty() ? message : message + "; stderr tail:\n" + stderrTail);
        this.stderrTail = stderrTail == null ? "" : stderrTail;
    }

    /** The last lines the program wrote to stderr (possibly empty). */
    public String stderrTail() {
        return stderrTail;
    }
}
