package dev.detopt.worker;

import dev.detopt.model.study.contract.protocol.BulkCompleteAnswer;
import dev.detopt.model.study.contract.protocol.BulkCompleteItem;
import dev.detopt.model.study.contract.protocol.BulkCompleteRequest;
import dev.detopt.model.study.contract.protocol.BulkCompleteResponse;
import dev.detopt.model.study.contract.protocol.CheckpointKeys;
import dev.detopt.model.study.contract.protocol.CheckpointReport;
import dev.detopt.model.study.contract.protocol.CompleteRequest;
import dev.detopt.model.study.contract.protocol.CompleteResponse;
import dev.detopt.model.study.contract.protocol.ExtendedLease;
import dev.detopt.model.study.contract.protocol.FailRequest;
import dev.detopt.model.study.contract.protocol.HeartbeatRequest;
import dev.detopt.model.study.contract.protocol.HeartbeatResponse;
import dev.detopt.model.study.contract.protocol.LeaseGrant;
import dev.detopt.model.study.contract.protocol.LeaseReference;
import dev.detopt.model.study.contract.protocol.LeaseResponse;
import dev.detopt.model.study.contract.protocol.RegisterRequest;
import dev.detopt.model.study.contract.protocol.RegisterResponse;
import dev.detopt.model.study.contract.protocol.ReleaseRequest;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.WireJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An in-memory implementation of the service's worker API (docs/worker.md), for testing the worker
 * before and independently of the real service: lease tokens, 404 unknown tasks, 409 for stale
 * tokens, 422 for a result that does not answer its task, checkpoint keys carried to the next
 * lease, release and fail requeue. It reads and writes the shared worker-API records, and
 * {@code ContractServerConformanceTest} holds it to the same {@code WorkerApiContract} as the real
 * service. Everything the worker says is appended to an event log that tests wait on.
 */
final class ContractServer implements AutoCloseable {
    private static final Pattern PATH = Pattern.compile("/api/v1/workers/(?:([^/]+)/)?([a-z]+)(?:/(\\d+)/([a-z]+))?");

    static final class Row {
        final long id;
        final BatchTask task;
        String state = "QUEUED";
        UUID token;
        UUID completedToken;
        String owner;
        int attempt;
        String checkpointKey;
        long checkpointNextEvent = -1;
        /** CPU seconds the worker reported with the accepted result and with the newest checkpoint. */
        Double cpuSeconds;
        Double checkpointCpuSeconds;
        BatchResult result;

        Row(long id, BatchTask task) {
            this.id = id;
            this.task = task;
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "contract-server");
        thread.setDaemon(true);
        return thread;
    });
    private final String token;
    /** Answers are written as the service's web layer writes them (nulls included, instants as text). */
    private final JsonMapper json = WireJson.mapper();
    private final Map<Long, Row> rows = new LinkedHashMap<>();
    private final List<String> events = new ArrayList<>();
    private final Set<Long> abandon = new HashSet<>();
    /** Statuses to answer the next requests of an action with, instead of handling them (faults). */
    private final Map<String, Deque<Integer>> faults = new HashMap<>();
    /** When each request of an action arrived ({@link System#nanoTime()}), faulted or not. */
    private final Map<String, List<Long>> arrivals = new HashMap<>();
    private long nextId = 1;
    private int nextWorker = 1;

    ContractServer(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(threads);
        server.createContext("/api/v1/workers/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Single completions wait until {@link #releaseCompletions()} (a slow service). */
    private volatile java.util.concurrent.CompletableFuture<Void> completionGate = java.util.concurrent.CompletableFuture.completedFuture(null);

    void holdCompletions() {
        completionGate = new java.util.concurrent.CompletableFuture<>();
    }

    void releaseCompletions() {
        completionGate.complete(null);
    }

    synchronized long enqueue(BatchTask task) {
        return enqueue(task, 0, null);
    }

    /** A task as if {@code attempts} earlier leases had ended, the last with that checkpoint. */
    synchronized long enqueue(BatchTask task, int attempts, String checkpointKey) {
        Row row = new Row(nextId++, task);
        row.attempt = attempts;
        row.checkpointKey = checkpointKey;
        rows.put(row.id, row);
        notifyAll();
        return row.id;
    }

    synchronized Row row(long id) {
        return rows.get(id);
    }

    /** Takes a queued task out of the queue (as a cancelled study would). */
    synchronized void withdraw(long id) {
        rows.get(id).state = "WITHDRAWN";
    }

    /** Takes every queued task out of the queue. */
    synchronized void withdrawQueued() {
        rows.values().stream().filter(row -> row.state.equals("QUEUED")).forEach(row -> row.state = "WITHDRAWN");
    }

    /**
     * The next requests of {@code action} (register, lease, complete, fail, …) are answered with
     * these statuses, one each, without being handled; later ones are handled as usual.
     */
    synchronized void answerNext(String action, int... statuses) {
        Deque<Integer> queue = faults.computeIfAbsent(action, a -> new ArrayDeque<>());
        for (int status : statuses) {
            queue.add(status);
        }
    }

    /** Arrival times ({@link System#nanoTime()}) of every request of {@code action} so far. */
    synchronized List<Long> arrivals(String action) {
        return List.copyOf(arrivals.getOrDefault(action, List.of()));
    }

    /** Records the request's arrival and takes the fault it is to be answered with, if any. */
    private synchronized Integer arrive(String action) {
        arrivals.computeIfAbsent(action, a -> new ArrayList<>()).add(System.nanoTime());
        Deque<Integer> queue = faults.get(action);
        Integer fault = queue == null ? null : queue.poll();
        if (fault != null) {
            log("fault " + action + " " + fault);
        }
        return fault;
    }

    synchronized void abandonOnHeartbeat(long id) {
        abandon.add(id);
    }

    synchronized List<String> events() {
        return List.copyOf(events);
    }

    /** Waits until an event matching {@code test} is logged; returns it. */
    synchronized String await(Predicate<String> test, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String event : events) {
                if (test.test(event)) {
                    return event;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching event within " + timeout + "; last events: "
                        + events.subList(Math.max(0, events.size() - 20), events.size()));
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    private synchronized void log(String event) {
        events.add(event);
        notifyAll();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, 401, "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"bad worker token\"}");
                return;
            }
            Matcher path = PATH.matcher(exchange.getRequestURI().getPath());
            if (!path.matches() || !exchange.getRequestMethod().equals("POST")) {
                respond(exchange, 404, "{\"title\":\"Not Found\",\"status\":404}");
                return;
            }
            byte[] bytes = exchange.getRequestBody().readAllBytes();
            String body = bytes.length == 0 ? "{}" : new String(bytes, StandardCharsets.UTF_8);
            String worker = path.group(1);
            String action = path.group(4) != null ? path.group(4) : path.group(2);
            long taskId = path.group(3) == null ? -1 : Long.parseLong(path.group(3));
            Integer fault = arrive(action);
            if (fault != null) {
                respond(exchange, fault, "{\"title\":\"Injected fault\",\"status\":" + fault
                        + ",\"detail\":\"injected by the test\"}");
                return;
            }
            // Requests are read strictly, as the service reads them: a field the worker invents is an error.
            switch (action) {
                case "register" -> respond(exchange, 200, WireJson.write(register(WireJson.read(body, RegisterRequest.class))));
                case "lease" -> respond(exchange, 200, json.writeValueAsString(lease(worker, query(exchange, "max", 1),
                        query(exchange, "waitSeconds", 0))));
                case "heartbeat" -> respond(exchange, 200, json.writeValueAsString(heartbeat(WireJson.read(body, HeartbeatRequest.class))));
                case "checkpoint" -> answer(exchange, checkpoint(taskId, WireJson.read(body, CheckpointReport.class)), 204, "");
                case "complete" -> {
                    if (taskId < 0) {
                        respond(exchange, 200, WireJson.write(completeAll(WireJson.read(body, BulkCompleteRequest.class))));
                    } else {
                        completionGate.join();
                        CompleteRequest completion = WireJson.read(body, CompleteRequest.class);
                        BulkCompleteAnswer answer = complete(taskId, completion.leaseToken(), completion.result(),
                                completion.cpuSeconds());
                        answer(exchange, answer.status(), WireJson.write(new CompleteResponse(true, false)));
                    }
                }
                case "fail" -> answer(exchange, fail(taskId, WireJson.read(body, FailRequest.class)), 204, "");
                case "release" -> {
                    release(worker, WireJson.read(body, ReleaseRequest.class));
                    respond(exchange, 204, "");
                }
                default -> respond(exchange, 404, "{\"title\":\"Not Found\",\"status\":404}");
            }
        } catch (RuntimeException | InterruptedException e) {
            log("server error " + e);
            throw new IOException(e);
        }
    }

    private static int query(HttpExchange exchange, String name, int fallback) {
        String query = exchange.getRequestURI().getQuery();
        Matcher value = Pattern.compile("(?:^|&)" + name + "=(\\d+)").matcher(query == null ? "" : query);
        return value.find() ? Integer.parseInt(value.group(1)) : fallback;
    }

    private synchronized RegisterResponse register(RegisterRequest registration) {
        String id = registration.workerId() == null ? "w-" + nextWorker++ : registration.workerId();
        log("register " + id + " threads=" + registration.threads());
        return new RegisterResponse(id, 30, 1);
    }

    private synchronized LeaseResponse lease(String worker, int max, int waitSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
        log("lease-wait " + worker);
        while (true) {
            List<LeaseGrant> granted = new ArrayList<>();
            for (Row row : rows.values()) {
                if (granted.size() < max && row.state.equals("QUEUED")) {
                    row.state = "LEASED";
                    row.token = UUID.randomUUID();
                    row.owner = worker;
                    row.attempt++;
                    log("lease " + row.id + " attempt " + row.attempt + " by " + worker);
                    ObjectNode task = WireJson.mapper().valueToTree(row.task.withCheckpointKey(
                            CheckpointKeys.attempt(row.task.studyId(), row.task.step(), row.task.batchIndex(), row.attempt)));
                    granted.add(new LeaseGrant(row.id, row.token, Instant.now().plusSeconds(30), row.attempt,
                            row.checkpointKey, task));
                }
            }
            long left = deadline - System.nanoTime();
            if (!granted.isEmpty() || left <= 0) {
                return new LeaseResponse(granted);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    private synchronized HeartbeatResponse heartbeat(HeartbeatRequest heartbeat) {
        List<ExtendedLease> extended = new ArrayList<>();
        List<Long> abandoned = new ArrayList<>();
        for (LeaseReference lease : heartbeat.leases()) {
            long id = lease.taskId();
            if (abandon.contains(id) || !current(id, lease.leaseToken())) {
                abandoned.add(id);
            } else {
                extended.add(new ExtendedLease(id, Instant.now().plusSeconds(30)));
                log("heartbeat " + id + " eventsDone=" + (lease.eventsDone() == null ? 0 : lease.eventsDone()));
            }
        }
        return new HeartbeatResponse(extended, abandoned);
    }

    private synchronized boolean current(long taskId, UUID token) {
        Row row = rows.get(taskId);
        return row != null && row.state.equals("LEASED") && row.token != null && row.token.equals(token);
    }

    private synchronized int checkpoint(long taskId, CheckpointReport report) {
        if (!rows.containsKey(taskId)) {
            return 404;
        }
        Row row = rows.get(taskId);
        if (!report.key().startsWith(dev.detopt.model.study.contract.protocol.CheckpointKeys.batchPrefix(row.task.coordinates()))
                || report.nextEvent() < row.task.eventFrom() || report.nextEvent() > row.task.eventTo()) {
            log("checkpoint outside task " + taskId);
            return 422;
        }
        if (!current(taskId, report.leaseToken())) {
            log("checkpoint refused " + taskId);
            return 409;
        }
        row.checkpointKey = report.key();
        row.checkpointNextEvent = report.nextEvent();
        row.checkpointCpuSeconds = report.cpuSeconds();
        log("checkpoint " + taskId + " " + row.checkpointKey + " next=" + row.checkpointNextEvent + " sha256="
                + report.sha256());
        return 204;
    }

    /** The service's rules for one result: 404 unknown task, 200 for a retry of the accepted one, 409, 422. */
    private synchronized BulkCompleteAnswer complete(long taskId, UUID token, BatchResult result, Double cpuSeconds) {
        Row row = rows.get(taskId);
        if (row == null) {
            return answer(taskId, BulkCompleteAnswer.UNKNOWN_TASK, "task " + taskId + " does not exist");
        }
        if (row.state.equals("DONE") && token.equals(row.completedToken)) {
            return answer(taskId, BulkCompleteAnswer.ACCEPTED, null);
        }
        if (!current(taskId, token)) {
            log("complete refused " + taskId);
            return answer(taskId, BulkCompleteAnswer.LEASE_NOT_CURRENT, "lease is not current");
        }
        if (!result.answers(row.task)) {
            log("complete rejected " + taskId);
            return answer(taskId, BulkCompleteAnswer.REJECTED, "the result does not answer task " + taskId);
        }
        row.result = result;
        row.cpuSeconds = cpuSeconds;
        row.state = "DONE";
        row.completedToken = token;
        log("complete " + taskId);
        return answer(taskId, BulkCompleteAnswer.ACCEPTED, null);
    }

    private static BulkCompleteAnswer answer(long taskId, int status, String detail) {
        return new BulkCompleteAnswer(taskId, status, status == BulkCompleteAnswer.ACCEPTED, false, detail, List.of());
    }

    /** A failure or preemption requeues the task, as the service does (below its failure limit). */
    private synchronized int fail(long taskId, FailRequest report) {
        if (!rows.containsKey(taskId)) {
            return 404;
        }
        if (!current(taskId, report.leaseToken())) {
            return 409;
        }
        Row row = rows.get(taskId);
        row.state = "QUEUED";
        row.token = null;
        log("fail " + taskId + " preempted=" + Boolean.TRUE.equals(report.preempted()) + " " + report.reason());
        notifyAll();
        return 204;
    }

    /** Bulk completion: each result answered on its own, as a single completion would be. */
    private synchronized BulkCompleteResponse completeAll(BulkCompleteRequest bulk) {
        List<BulkCompleteAnswer> answers = new ArrayList<>();
        for (BulkCompleteItem item : bulk.results()) {
            answers.add(complete(item.taskId(), item.leaseToken(), item.result(), item.cpuSeconds()));
        }
        log("complete-all " + bulk.results().size());
        return new BulkCompleteResponse(answers);
    }

    private synchronized void release(String worker, ReleaseRequest release) {
        if (release.leases().isEmpty()) {
            int released = 0;
            for (Row row : rows.values()) {
                if (row.state.equals("LEASED") && worker.equals(row.owner)) {
                    row.state = "QUEUED";
                    row.token = null;
                    released++;
                }
            }
            log("release-all " + worker + " " + release.reason() + " " + released);
            notifyAll();
            return;
        }
        for (LeaseReference lease : release.leases()) {
            long id = lease.taskId();
            if (current(id, lease.leaseToken())) {
                Row row = rows.get(id);
                row.state = "QUEUED";
                row.token = null;
                log("release " + id + " " + release.reason() + " checkpoint=" + row.checkpointKey);
                notifyAll();
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        answer(exchange, status, status, body);
    }

    /** {@code status} when it is the success status {@code ok}, else the problem document the service would send. */
    private static void answer(HttpExchange exchange, int status, int ok, String body) throws IOException {
        switch (status) {
            case 404 -> respond(exchange, 404, "{\"title\":\"Not found\",\"status\":404,\"detail\":\"no such task\"}");
            case 409 -> respond(exchange, 409, "{\"title\":\"Conflict\",\"status\":409,\"detail\":\"lease is not current\"}");
            case 422 -> respond(exchange, 422, "{\"title\":\"Invalid request\",\"status\":422,"
                    + "\"detail\":\"the result does not answer its task\"}");
            default -> respond(exchange, ok, body);
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (status == 204) {
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
