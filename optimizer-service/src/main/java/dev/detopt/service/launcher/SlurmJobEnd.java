package dev.detopt.service.launcher;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How a worker job ended, from its Slurm state, and whether that is a preemption (the platform took
 * the worker away: its batch resumes elsewhere from the checkpoint it wrote on SIGTERM) or a
 * failure, as the Kubernetes launcher counts pod endings. A worker exits 0 only after SIGTERM
 * (time-limit signal, {@code scancel --signal=TERM}, preemption grace), so a COMPLETED job the
 * launcher did not stop was stopped by Slurm or an operator.
 */
record SlurmJobEnd(String job, String state, int exitCode, boolean preempted, String reason) {

    /** Job states after which a job no longer runs (squeue's long names). */
    static final Set<String> TERMINAL = Set.of("COMPLETED", "CANCELLED", "FAILED", "TIMEOUT", "PREEMPTED", "NODE_FAIL",
            "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "SPECIAL_EXIT", "REVOKED");

    /** Ends that are the platform's doing, never the worker's fault. */
    private static final Set<String> PREEMPTIONS = Set.of("COMPLETED", "CANCELLED", "TIMEOUT", "PREEMPTED", "NODE_FAIL",
            "BOOT_FAIL", "DEADLINE", "REVOKED");

    /**
     * @param state    squeue/scontrol state, e.g. {@code TIMEOUT} or {@code CANCELLED by 0}
     * @param exitCode the job's exit code, -1 when unknown
     * @param detail   squeue's reason or the node, for the message
     */
    static SlurmJobEnd of(String job, String state, int exitCode, String detail) {
        String base = state.trim().split("[ +]", 2)[0];
        boolean preempted = PREEMPTIONS.contains(base);
        String what = switch (base) {
            case "COMPLETED" -> "exited " + Math.max(exitCode, 0) + " after SIGTERM from Slurm or an operator";
            case "CANCELLED" -> "cancelled (scancel or an administrator)";
            case "TIMEOUT" -> "reached its time limit";
            case "PREEMPTED" -> "preempted by a higher-priority job";
            case "NODE_FAIL" -> "its node failed";
            case "OUT_OF_MEMORY" -> "ran out of memory";
            case "FAILED" -> "exited " + exitCode;
            default -> "ended";
        };
        String text = base + ": job " + job + " " + what + (detail == null || detail.isBlank() || detail.equals("None")
                ? "" : " (" + detail + ")");
        return new SlurmJobEnd(job, base, exitCode, preempted, text);
    }

    /** The exit status of {@code ExitCode=<status>:<signal>} (scontrol, jobcomp/filetxt); a signal gives 128+signal. */
    static int exitCode(String value) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        String[] parts = value.trim().split(":");
        try {
            int status = Integer.parseInt(parts[0]);
            int signal = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return signal != 0 ? 128 + signal : status;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code Key=Value} fields of one line of {@code scontrol show job -o} or of a jobcomp/filetxt record. */
    static Map<String, String> fields(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String token : line.trim().split("\\s+")) {
            int equals = token.indexOf('=');
            if (equals > 0) {
                fields.put(token.substring(0, equals), token.substring(equals + 1));
            }
        }
        return fields;
    }

    /** The {@code <array job>_<index>} key of a jobcomp/filetxt or scontrol record, or its JobId. */
    static String key(Map<String, String> fields) {
        String array = fields.get("ArrayJobId");
        String index = fields.get("ArrayTaskId");
        if (array != null && index != null && !array.equals("0") && !index.isBlank() && !index.equals("4294967294")) {
            return array + "_" + index;
        }
        return fields.getOrDefault("JobId", "?");
    }
}
