package dev.detopt.model.study.contract.protocol;

import java.util.regex.Pattern;

/** The limits of the worker API, shared by the service (which refuses more) and the worker (which never sends more). */
public final class WorkerApiLimits {
    /** Longest worker id. */
    public static final int MAX_ID_LENGTH = 200;
    /** What a worker id may contain. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@-]+");
    /** Longest host, pod or node name at registration. */
    public static final int MAX_TEXT_LENGTH = 500;
    /** Most simulation threads a worker may register with. */
    public static final int MAX_THREADS = 4096;
    /** Longest checkpoint object key. */
    public static final int MAX_KEY_LENGTH = 1024;
    /** Longest failure reason. */
    public static final int MAX_REASON_LENGTH = 10_000;
    /** Longest stderr tail of a failed simulator program (the end is kept). */
    public static final int MAX_STDERR_TAIL_LENGTH = 8_192;
    /** Most CPU seconds one attempt may report (a year of a 4096-thread worker). */
    public static final double MAX_CPU_SECONDS = 4096.0 * 366 * 86_400;
    /** Most leases named in one heartbeat or release. */
    public static final int MAX_LEASES_PER_REQUEST = 10_000;
    /** Most results in one bulk completion. */
    public static final int MAX_RESULTS_PER_REQUEST = 1_000;

    private WorkerApiLimits() {
    }

    /** True when {@code id} is a valid worker id. */
    public static boolean validId(String id) {
        return !id.isBlank() && id.length() <= MAX_ID_LENGTH && ID.matcher(id).matches();
    }
}
