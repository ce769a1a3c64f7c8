package dev.detopt.worker;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Worker settings, read from environment variables (the way Kubernetes and docker-compose pass
 * them). The worker issue (7) extends this; names stay aligned with the service's {@code DETOPT_*}.
 */
public record WorkerConfig(
        String serviceUrl,
        String token,
        int threads,
        String s3Endpoint,
        String s3Bucket,
        String s3AccessKey,
        String s3SecretKey) {

    /** Each variable, what it means and its default ("" = none). */
    static final Map<String, String[]> VARIABLES = variables();

    private static Map<String, String[]> variables() {
        Map<String, String[]> variables = new LinkedHashMap<>();
        variables.put("DETOPT_SERVICE_URL", new String[] {"base URL of the optimizer-service", "http://localhost:8080"});
        variables.put("DETOPT_WORKER_TOKEN", new String[] {"bearer token with the worker role", ""});
        variables.put("DETOPT_WORKER_THREADS", new String[] {"simulation threads", "all available processors"});
        variables.put("DETOPT_S3_ENDPOINT", new String[] {"S3-compatible endpoint for checkpoints", ""});
        variables.put("DETOPT_S3_BUCKET", new String[] {"bucket for checkpoints", "detopt"});
        variables.put("DETOPT_S3_ACCESS_KEY", new String[] {"S3 access key", ""});
        variables.put("DETOPT_S3_SECRET_KEY", new String[] {"S3 secret key", ""});
        return variables;
    }

    public static WorkerConfig from(UnaryOperator<String> environment) {
        String threads = environment.apply("DETOPT_WORKER_THREADS");
        return new WorkerConfig(
                orDefault(environment.apply("DETOPT_SERVICE_URL"), "http://localhost:8080"),
                orDefault(environment.apply("DETOPT_WORKER_TOKEN"), ""),
                threads == null || threads.isBlank() ? Runtime.getRuntime().availableProcessors() : parseThreads(threads),
                orDefault(environment.apply("DETOPT_S3_ENDPOINT"), ""),
                orDefault(environment.apply("DETOPT_S3_BUCKET"), "detopt"),
                orDefault(environment.apply("DETOPT_S3_ACCESS_KEY"), ""),
                orDefault(environment.apply("DETOPT_S3_SECRET_KEY"), ""));
    }

    private static int parseThreads(String value) {
        try {
            int threads = Integer.parseInt(value.trim());
            if (threads < 1) {
                throw new IllegalArgumentException("DETOPT_WORKER_THREADS must be at least 1, got " + value);
            }
            return threads;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("DETOPT_WORKER_THREADS must be a whole number, got '" + value + "'", e);
        }
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** One line per setting; secrets show only whether they are set. */
    public String describe() {
        return "service URL   " + serviceUrl + "\n"
                + "token         " + (token.isEmpty() ? "(not set)" : "(set)") + "\n"
                + "threads       " + threads + "\n"
                + "S3 endpoint   " + (s3Endpoint.isEmpty() ? "(not set)" : s3Endpoint) + "\n"
                + "S3 bucket     " + s3Bucket + "\n"
                + "S3 access key " + (s3AccessKey.isEmpty() ? "(not set)" : s3AccessKey) + "\n"
                + "S3 secret key " + (s3SecretKey.isEmpty() ? "(not set)" : "(set)");
    }

    @Override
    public String toString() {
        return describe().replace('\n', ';');
    }
}
