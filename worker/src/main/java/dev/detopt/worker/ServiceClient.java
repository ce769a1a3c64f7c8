package dev.detopt.worker;

import dev.detopt.model.study.contract.protocol.BulkCompleteAnswer;
import dev.detopt.model.study.contract.protocol.BulkCompleteItem;
import dev.detopt.model.study.contract.protocol.BulkCompleteRequest;
import dev.detopt.model.study.contract.protocol.BulkCompleteResponse;
import dev.detopt.model.study.contract.protocol.CheckpointReport;
import dev.detopt.model.study.contract.protocol.CompleteRequest;
import dev.detopt.model.study.contract.protocol.CompleteResponse;
import dev.detopt.model.study.contract.protocol.FailRequest;
import dev.detopt.model.study.contract.protocol.HeartbeatRequest;
import dev.detopt.model.study.contract.protocol.HeartbeatResponse;
import dev.detopt.model.study.contract.protocol.LeaseGrant;
import dev.detopt.model.study.contract.protocol.LeaseReference;
import dev.detopt.model.study.contract.protocol.LeaseResponse;
import dev.detopt.model.study.contract.protocol.RegisterRequest;
import dev.detopt.model.study.contract.protocol.RegisterResponse;
import dev.detopt.model.study.contract.protocol.ReleaseRequest;
import dev.detopt.model.study.contract.protocol.WorkerApiJson;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.WireJson;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;

/**
 * The worker's side of the service's {@code /api/v1/workers} API (JDK HTTP client, JSON through
 * the shared {@link WireJson} mapper). Transient failures (connection refused or reset, 408, 425,
 * 429, 5xx) are retried with exponential backoff and jitter within each call's time budget; a call
 * marked abortable gives up at once when the worker is told to stop, so a SIGTERM never waits for
 * a long poll or a backoff. Requests and answers are the shared worker-API records
 * ({@code dev.detopt.model.study.contract.protocol}); envelopes are read leniently (the service may
 * add fields), the batch task inside a lease strictly ({@link LeaseGrant#batchTask()}), as the
 * contract demands.
 */
public final class ServiceClient {
    private static final System.Logger LOG = System.getLogger(ServiceClient.class.getName());
    private static final Set<Integer> TRANSIENT = Set.of(408, 425, 429, 500, 502, 503, 504);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    /** How long a call may keep retrying, and whether a stop request ends it early. */
    public record CallPolicy(Duration budget, boolean abortOnStop) {
        /** Retries until the worker stops (registering, polling for work). */
        public static final CallPolicy UNTIL_STOPPED = new CallPolicy(Duration.ofDays(3650), true);
    }

    /** A non-transient answer (4xx other than those retried). */
    public static class ServiceException extends RuntimeException {
        private final int status;

        public ServiceException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** 409: the lease is no longer ours (expired, superseded, study cancelled). */
    public static final class LeaseLostException extends ServiceException {
        public LeaseLostException(String message) {
            super(409, message);
        }
    }

    /** The service did not answer within the call's budget. */
    public static final class ServiceUnavailableException extends RuntimeException {
        public ServiceUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The call was abandoned because the worker is stopping. */
    public static final class StoppedException extends RuntimeException {
        public StoppedException() {
            super("the worker is stopping", null, false, false);
        }
    }

    private final HttpClient http;
    private final String baseUrl;
    private final String simulatorImage;
    private final String token;
    private final CompletableFuture<?> stopSignal;

    /**
     * @param stopSignal completes when the worker must stop; abortable calls end at once with
     *                   {@link StoppedException}
     */
    public ServiceClient(String baseUrl, String token, CompletableFuture<?> stopSignal) {
        this(baseUrl, token, stopSignal, "");
    }

    /**
     * @param simulatorImage the simulator image this worker runs in ({@code DETOPT_SIMULATOR_IMAGE}),
     *                       sent with every lease request so the service hands it only that image's
     *                       tasks; "" on a plain host
     */
    public ServiceClient(String baseUrl, String token, CompletableFuture<?> stopSignal, String simulatorImage) {
        this.simulatorImage = simulatorImage == null ? "" : simulatorImage;
        this.baseUrl = baseUrl;
        this.token = token;
        this.stopSignal = stopSignal;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public RegisterResponse register(String workerId, String host, String pod, String node, int threads,
                                        CallPolicy policy) {
        RegisterRequest registration = new RegisterRequest(emptyToNull(workerId), host, emptyToNull(pod), emptyToNull(node), threads);
        return read(call("POST", "/api/v1/workers/register", registration, REQUEST_TIMEOUT, policy), RegisterResponse.class);
    }

    /** The service's simulator registrations in full: a registry document {@code {"simulators": [...]}}. */
    public JsonNode simulators(CallPolicy policy) {
        return call("GET", "/api/v1/workers/simulators", null, REQUEST_TIMEOUT, policy);
    }

    /** Long-polls for up to {@code max} tasks; empty when none arrived within {@code waitSeconds}. */
    public List<LeaseGrant> lease(String workerId, int max, int waitSeconds, CallPolicy policy) {
        JsonNode answer = call("POST", "/api/v1/workers/" + workerId + "/lease?max=" + max + "&waitSeconds=" + waitSeconds
                        + (simulatorImage.isEmpty() ? "" : "&image=" + URLEncoder.encode(simulatorImage, StandardCharsets.UTF_8)),
                null, REQUEST_TIMEOUT.plusSeconds(waitSeconds), policy);
        List<LeaseGrant> tasks = read(answer, LeaseResponse.class).tasks();
        return tasks == null ? List.of() : tasks;
    }

    /** Extends the leases; returns the ids the service wants abandoned. */
    public Set<Long> heartbeat(String workerId, List<LeaseReference> leases, CallPolicy policy) {
        HeartbeatResponse answer = read(call("POST", "/api/v1/workers/" + workerId + "/heartbeat", new HeartbeatRequest(leases),
                REQUEST_TIMEOUT, policy), HeartbeatResponse.class);
        return answer.abandon() == null ? Set.of() : new HashSet<>(answer.abandon());
    }

    public void checkpoint(String workerId, LeaseReference lease, String key, long nextEvent, String sha256,
                           CallPolicy policy) {
        checkpoint(workerId, lease, key, nextEvent, sha256, null, policy);
    }

    /** Reports a stored checkpoint with the CPU seconds the attempt had used at its progress (or null). */
    public void checkpoint(String workerId, LeaseReference lease, String key, long nextEvent, String sha256,
                           Double cpuSeconds, CallPolicy policy) {
        call("POST", "/api/v1/workers/" + workerId + "/tasks/" + lease.taskId() + "/checkpoint",
                new CheckpointReport(lease.leaseToken(), key, nextEvent, sha256, cpuSeconds), REQUEST_TIMEOUT, policy);
    }

    public CompleteResponse complete(String workerId, LeaseReference lease, BatchResult result, CallPolicy policy) {
        return complete(workerId, lease, result, null, policy);
    }

    public CompleteResponse complete(String workerId, LeaseReference lease, BatchResult result, Double cpuSeconds,
                                     CallPolicy policy) {
        JsonNode answer = call("POST", "/api/v1/workers/" + workerId + "/tasks/" + lease.taskId() + "/complete",
                new CompleteRequest(lease.leaseToken(), result, cpuSeconds), REQUEST_TIMEOUT, policy);
        return new CompleteResponse(answer.path("accepted").asBoolean(true), answer.path("stepCompleted").asBoolean(false));
    }

    /** Several results in one request ({@code POST …/{workerId}/complete}); answers in the order given. */
    public List<BulkCompleteAnswer> completeAll(String workerId, List<BulkCompleteItem> results, CallPolicy policy) {
        BulkCompleteResponse answer = read(call("POST", "/api/v1/workers/" + workerId + "/complete",
                new BulkCompleteRequest(results), REQUEST_TIMEOUT, policy), BulkCompleteResponse.class);
        return answer.results() == null ? List.of() : answer.results();
    }

    public void fail(String workerId, LeaseReference lease, String reason, boolean preempted, CallPolicy policy) {
        call("POST", "/api/v1/workers/" + workerId + "/tasks/" + lease.taskId() + "/fail",
                new FailRequest(lease.leaseToken(), reason.length() > 2000 ? reason.substring(0, 2000) : reason, preempted),
                REQUEST_TIMEOUT, policy);
    }

    /**
     * Reports an attempt that an exception ended: its class, message, and, when a simulator program
     * failed, the program's exit code and stderr tail (each within the API's limits).
     */
    public void fail(String workerId, LeaseReference lease, Throwable error, Double cpuSeconds, CallPolicy policy) {
        String reason = error.getClass().getSimpleName() + ": " + error.getMessage();
        Integer exitCode = null;
        String stderrTail = null;
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof dev.detopt.model.external.SimulatorFailure failure) {
                exitCode = failure.exitCode();
                stderrTail = failure.stderrTail().isEmpty() ? null : tail(failure.stderrTail(),
                        dev.detopt.model.study.contract.protocol.WorkerApiLimits.MAX_STDERR_TAIL_LENGTH);
                break;
            }
        }
        String exception = error.getClass().getName();
        int maxText = dev.detopt.model.study.contract.protocol.WorkerApiLimits.MAX_TEXT_LENGTH;
        call("POST", "/api/v1/workers/" + workerId + "/tasks/" + lease.taskId() + "/fail",
                new FailRequest(lease.leaseToken(), reason.length() > 2000 ? reason.substring(0, 2000) : reason, false,
                        exception.length() > maxText ? exception.substring(0, maxText) : exception, exitCode, stderrTail,
                        cpuSeconds),
                REQUEST_TIMEOUT, policy);
    }

    private static String tail(String text, int max) {
        return text.length() <= max ? text : text.substring(text.length() - max);
    }

    /** Hands the leases back; an empty list hands back every lease the service holds for this worker. */
    public void release(String workerId, List<LeaseReference> leases, String reason, CallPolicy policy) {
        call("POST", "/api/v1/workers/" + workerId + "/release", new ReleaseRequest(leases, reason), REQUEST_TIMEOUT, policy);
    }

    /** An answer envelope, read leniently (a newer service may add fields). */
    private static <T> T read(JsonNode answer, Class<T> type) {
        return WorkerApiJson.lenient().treeToValue(answer, type);
    }

    private JsonNode call(String method, String path, Object body, Duration timeout, CallPolicy policy) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(WireJson.write(body), StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (!token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpRequest built = request.build();
        long deadline = System.nanoTime() + Math.min(policy.budget().toNanos(), Long.MAX_VALUE / 4);
        long backoff = FIRST_BACKOFF.toNanos();
        for (int attempt = 1; ; attempt++) {
            String failure;
            Throwable cause = null;
            try {
                HttpResponse<String> response = send(built, policy.abortOnStop());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return response.body() == null || response.body().isBlank() ? WireJson.mapper().createObjectNode()
                            : WireJson.mapper().readTree(response.body());
                }
                if (!TRANSIENT.contains(status)) {
                    String message = method + " " + path + " → " + status + ": " + problemDetail(response.body());
                    throw status == 409 ? new LeaseLostException(message) : new ServiceException(status, message);
                }
                failure = "HTTP " + status;
            } catch (IOException e) {
                failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                cause = e;
            }
            long now = System.nanoTime();
            long pause = ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1);
            if (now + pause > deadline) {
                throw new ServiceUnavailableException(method + " " + path + " failed after " + attempt + " attempts: "
                        + failure, cause);
            }
            LOG.log(attempt == 1 ? System.Logger.Level.DEBUG : System.Logger.Level.INFO,
                    method + " " + path + ": " + failure + "; retrying in " + pause / 1_000_000 + " ms");
            pauseOrStop(pause, policy.abortOnStop());
            backoff = Math.min(backoff * 2, MAX_BACKOFF.toNanos());
        }
    }

    private HttpResponse<String> send(HttpRequest request, boolean abortOnStop) throws IOException {
        CompletableFuture<HttpResponse<String>> response = http.sendAsync(request,
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        try {
            if (abortOnStop) {
                try {
                    CompletableFuture.anyOf(response, stopSignal).join();
                } catch (CompletionException failed) {
                    // The request failed (e.g. the connection was reset): response.get() below says how.
                }
                if (!response.isDone()) {
                    response.cancel(true);
                    throw new StoppedException();
                }
            }
            return response.get();
        } catch (InterruptedException e) {
            response.cancel(true);
            Thread.currentThread().interrupt();
            throw new StoppedException();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (CancellationException e) {
            throw new StoppedException();
        }
    }

    private void pauseOrStop(long nanos, boolean abortOnStop) {
        try {
            if (abortOnStop) {
                stopSignal.get(nanos, TimeUnit.NANOSECONDS);
                throw new StoppedException();
            }
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (TimeoutException e) {
            // the pause is over
        } catch (ExecutionException e) {
            throw new StoppedException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoppedException();
        }
    }

    /** The RFC 9457 {@code detail} (or title) of an error body, else the body itself, shortened. */
    private static String problemDetail(String body) {
        if (body == null || body.isBlank()) {
            return "(no body)";
        }
        try {
            JsonNode problem = WireJson.mapper().readTree(body);
            String detail = text(problem, "detail");
            String title = text(problem, "title");
            if (detail != null || title != null) {
                return detail != null ? detail : title;
            }
        } catch (RuntimeException notJson) {
            // fall through to the raw body
        }
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
