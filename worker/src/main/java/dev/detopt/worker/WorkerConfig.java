package dev.detopt.worker;

import dev.detopt.storage.S3Settings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Worker settings, read from environment variables (the way Kubernetes, docker-compose and the
 * service's local launcher pass them). Names stay aligned with the service's {@code DETOPT_*}.
 *
 * @param serviceUrl         base URL of the optimizer-service, without a trailing slash
 * @param token              bearer token with the worker role ("" = send none)
 * @param threads            simulation threads
 * @param checkpointInterval longest time between checkpoints of a running batch
 * @param checkpointEvents   most events between checkpoints (0 = time only)
 * @param s3Endpoint         S3 endpoint for checkpoints ("" = run without checkpoints)
 * @param s3Region           S3 signing region
 * @param s3Bucket           bucket for checkpoints
 * @param s3AccessKey        S3 access key
 * @param s3SecretKey        S3 secret key
 * @param workerId           stable worker id to register with ("" = let the service choose)
 * @param host               host name reported at registration
 * @param nodeName           Kubernetes node (downward API), "" outside Kubernetes
 * @param podName            Kubernetes pod (downward API), "" outside Kubernetes
 */
public record WorkerConfig(
        String serviceUrl,
        String token,
        int threads,
        Duration checkpointInterval,
        long checkpointEvents,
        String s3Endpoint,
        String s3Region,
        String s3Bucket,
        String s3AccessKey,
        String s3SecretKey,
        String workerId,
        String host,
        String nodeName,
        String podName) {

    /** Each variable, what it means and its default ("" = none). */
    static final Map<String, String[]> VARIABLES = variables();

    private static Map<String, String[]> variables() {
        Map<String, String[]> variables = new LinkedHashMap<>();
        variables.put("DETOPT_SERVICE_URL", new String[] {"base URL of the optimizer-service", "http://localhost:8080"});
        variables.put("DETOPT_WORKER_TOKEN", new String[] {"bearer token with the worker role", ""});
        variables.put("DETOPT_WORKER_THREADS", new String[] {"simulation threads", "all available processors"});
        variables.put("DETOPT_CHECKPOINT_INTERVAL", new String[] {"longest time between checkpoints: seconds or ISO-8601 (PT5S)", "5"});
        variables.put("DETOPT_CHECKPOINT_EVENTS", new String[] {"most events between checkpoints, 0 = time only", "0"});
        variables.put("DETOPT_S3_ENDPOINT", new String[] {"S3-compatible endpoint for checkpoints (unset: no checkpoints)", ""});
        variables.put("DETOPT_S3_REGION", new String[] {"S3 signing region", S3Settings.DEFAULT_REGION});
        variables.put("DETOPT_S3_BUCKET", new String[] {"bucket for checkpoints", "detopt"});
        variables.put("DETOPT_S3_ACCESS_KEY", new String[] {"S3 access key", ""});
        variables.put("DETOPT_S3_SECRET_KEY", new String[] {"S3 secret key", ""});
        variables.put("DETOPT_WORKER_ID", new String[] {"stable worker id (re-registering it counts as a restart)", "chosen by the service"});
        variables.put("DETOPT_NODE_NAME", new String[] {"Kubernetes node name (downward API)", ""});
        variables.put("DETOPT_POD_NAME", new String[] {"Kubernetes pod name (downward API)", ""});
        variables.put("DETOPT_SIMULATORS", new String[] {"registry file of external simulator programs (docs/simulator-protocol.md)", ""});
        variables.put("DETOPT_SIMULATOR_IMAGE", new String[] {"the simulator image this worker runs in (set by the Kubernetes launcher); service registrations with another image are not run here", ""});
        variables.put("DETOPT_EXIT_WITH_PID", new String[] {"stop (checkpoint, release) when this process ends; set by the local launcher", ""});
        return variables;
    }

    public WorkerConfig {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException("the checkpoint interval must be positive, was " + checkpointInterval);
        }
        if (checkpointEvents < 0) {
            throw new IllegalArgumentException("checkpoint events must not be negative, was " + checkpointEvents);
        }
        serviceUrl = serviceUrl.endsWith("/") ? serviceUrl.substring(0, serviceUrl.length() - 1) : serviceUrl;
    }

    public static WorkerConfig from(UnaryOperator<String> environment) {
        String threads = environment.apply("DETOPT_WORKER_THREADS");
        return new WorkerConfig(
                orDefault(environment.apply("DETOPT_SERVICE_URL"), "http://localhost:8080"),
                orDefault(environment.apply("DETOPT_WORKER_TOKEN"), ""),
                blank(threads) ? Runtime.getRuntime().availableProcessors()
                        : (int) parseCount("DETOPT_WORKER_THREADS", threads, 1),
                parseDuration(orDefault(environment.apply("DETOPT_CHECKPOINT_INTERVAL"), "5")),
                parseCount("DETOPT_CHECKPOINT_EVENTS", orDefault(environment.apply("DETOPT_CHECKPOINT_EVENTS"), "0"), 0),
                orDefault(environment.apply("DETOPT_S3_ENDPOINT"), ""),
                orDefault(environment.apply("DETOPT_S3_REGION"), S3Settings.DEFAULT_REGION),
                orDefault(environment.apply("DETOPT_S3_BUCKET"), "detopt"),
                orDefault(environment.apply("DETOPT_S3_ACCESS_KEY"), ""),
                orDefault(environment.apply("DETOPT_S3_SECRET_KEY"), ""),
                orDefault(environment.apply("DETOPT_WORKER_ID"), ""),
                orDefault(environment.apply("HOSTNAME"), localHostName()),
                orDefault(environment.apply("DETOPT_NODE_NAME"), ""),
                orDefault(environment.apply("DETOPT_POD_NAME"), ""));
    }

    /** Where checkpoints go, or empty when no S3 endpoint is configured. */
    public Optional<S3Settings> s3() {
        return s3Endpoint.isEmpty() ? Optional.empty()
                : Optional.of(new S3Settings(s3Endpoint, s3Region, s3Bucket, s3AccessKey, s3SecretKey));
    }

    private static long parseCount(String name, String value, long minimum) {
        try {
            long count = Long.parseLong(value.trim());
            if (count < minimum) {
                throw new IllegalArgumentException(name + " must be at least " + minimum + ", got " + value);
            }
            return count;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'", e);
        }
    }

    /** Plain seconds ("5", "0.5") or an ISO-8601 duration ("PT5S"). */
    private static Duration parseDuration(String value) {
        try {
            Duration duration = value.startsWith("P") || value.startsWith("p") ? Duration.parse(value)
                    : Duration.ofNanos(Math.round(Double.parseDouble(value) * 1e9));
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("DETOPT_CHECKPOINT_INTERVAL must be positive, got " + value);
            }
            return duration;
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "DETOPT_CHECKPOINT_INTERVAL must be seconds (5) or an ISO-8601 duration (PT5S), got '" + value + "'", e);
        }
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static String orDefault(String value, String fallback) {
        return blank(value) ? fallback : value.trim();
    }

    /** One line per setting; secrets show only whether they are set. */
    public String describe() {
        return "service URL          " + serviceUrl + "\n"
                + "token                " + (token.isEmpty() ? "(not set)" : "(set)") + "\n"
                + "threads              " + threads + "\n"
                + "checkpoint interval  " + checkpointInterval.toMillis() / 1000.0 + " s"
                + (checkpointEvents > 0 ? " or " + checkpointEvents + " events" : "") + "\n"
                + "S3 endpoint          " + (s3Endpoint.isEmpty() ? "(not set: no checkpoints)" : s3Endpoint) + "\n"
                + "S3 bucket            " + s3Bucket + "\n"
                + "S3 access key        " + (s3AccessKey.isEmpty() ? "(not set)" : s3AccessKey) + "\n"
                + "S3 secret key        " + (s3SecretKey.isEmpty() ? "(not set)" : "(set)") + "\n"
                + "worker id            " + (workerId.isEmpty() ? "(chosen by the service)" : workerId) + "\n"
                + "host / node / pod    " + host + " / " + orDefault(nodeName, "-") + " / " + orDefault(podName, "-");
    }

    @Override
    public String toString() {
        return describe().replace('\n', ';');
    }
}
