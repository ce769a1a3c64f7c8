package dev.detopt.model.external;

/**
 * An external simulator program failed: it crashed or exited, timed out, broke the protocol, or sent
 * values detopt refuses (wrong counts, NaN, ±∞). The message says which, names the program and ends
 * with the tail of its stderr. The batch fails; no statistics of the failed request are kept.
 */
public final class SimulatorFailure extends RuntimeException {
    /** Longest reason kept (the worker's failure report allows 10,000 characters in all). */
    static final int MAX_REASON_CHARS = 4_000;
    /** Longest stderr tail kept: its last characters. */
    static final int MAX_TAIL_CHARS = 3_000;

    private final String stderrTail;
    private final Integer exitCode;

    public SimulatorFailure(String message, String stderrTail) {
        this(message, stderrTail, null);
    }

    /** @param exitCode the program's exit code, when it exited (null otherwise) */
    public SimulatorFailure(String message, String stderrTail, Integer exitCode) {
        super(compose(message, stderrTail));
        this.stderrTail = tail(stderrTail);
        this.exitCode = exitCode;
    }

    /** The program's exit code when it exited on its own, else null (killed, timed out, protocol error). */
    public Integer exitCode() {
        return exitCode;
    }

    private static String tail(String stderrTail) {
        if (stderrTail == null) {
            return "";
        }
        return stderrTail.length() <= MAX_TAIL_CHARS ? stderrTail : "…" + stderrTail.substring(stderrTail.length() - MAX_TAIL_CHARS);
    }

    private static String compose(String message, String stderrTail) {
        String reason = message.length() <= MAX_REASON_CHARS ? message : message.substring(0, MAX_REASON_CHARS) + "…";
        String tail = tail(stderrTail);
        return tail.isEmpty() ? reason : reason + "; stderr tail:\n" + tail;
    }

    /** The last lines the program wrote to stderr (possibly empty, at most {@value #MAX_TAIL_CHARS} characters). */
    public String stderrTail() {
        return stderrTail;
    }
}
