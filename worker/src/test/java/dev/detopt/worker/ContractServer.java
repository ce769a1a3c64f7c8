package dev.detopt.worker;

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
import java.util.ArrayList;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An in-memory implementation of the service's worker API contract (docs/worker.md), for testing
 * the worker before and independently of the real service: lease tokens, 409 for stale tokens,
 * checkpoint keys carried to the next lease, release and fail requeue. Everything the worker says
 * is appended to an event log that tests wait on.
 */
final class ContractServer implements AutoCloseable {
    private static final Pattern PATH = Pattern.compile("/api/v1/workers/(?:([^/]+)/)?([a-z]+)(?:/(\\d+)/([a-z]+))?");

    static final class Row {
        final long id;
        final BatchTask task;
        String state = "QUEUED";
        String token;
        String owner;
        int attempt;
        String checkpointKey;
        long checkpointNextEvent = -1;
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
    private final Map<Long, Row> rows = new LinkedHashMap<>();
    private final List<String> events = new ArrayList<>();
    private final Set<Long> abandon = new HashSet<>();
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
            JsonNode body = bytes.length == 0 ? WireJson.mapper().createObjectNode()
                    : WireJson.mapper().readTree(new String(bytes, StandardCharsets.UTF_8));
            String worker = path.group(1);
            String action = path.group(4) != null ? path.group(4) : path.group(2);
            long taskId = path.group(3) == null ? -1 : Long.parseLong(path.group(3));
            switch (action) {
                case "register" -> respond(exchange, 200, register(body));
                case "lease" -> respond(exchange, 200, lease(worker, waitSeconds(exchange)));
                case "heartbeat" -> respond(exchange, 200, heartbeat(body));
                case "checkpoint" -> answer(exchange, checkpoint(taskId, body), 204, "");
                case "complete" -> {
                    if (taskId < 0) {
                        respond(exchange, 200, completeAll(body));
                    } else {
                        completionGate.join();
                        boolean ok = complete(taskId, body);
                        answer(exchange, ok, 200, "{\"accepted\":true,\"stepCompleted\":false}");
                    }
                }
                case "fail" -> answer(exchange, fail(taskId, body), 204, "");
                case "release" -> {
                    release(worker, body);
                    respond(exchange, 204, "");
                }
                default -> respond(exchange, 404, "{\"title\":\"Not Found\",\"status\":404}");
            }
        } catch (RuntimeException | InterruptedException e) {
            log("server error " + e);
            throw new IOException(e);
        }
    }

    private static int waitSeconds(HttpExchange exchange) {
        String query = exchange.getRequestURI().getQuery();
        Matcher wait = Pattern.compile("waitSeconds=(\\d+)").matcher(query == null ? "" : query);
        return wait.find() ? Integer.parseInt(wait.group(1)) : 0;
    }

    private synchronized String register(JsonNode body) {
        JsonNode given = body.get("workerId");
        String id = given == null || given.isNull() ? "w-" + nextWorker++ : given.asString();
        log("register " + id + " threads=" + body.path("threads").asInt());
        return "{\"workerId\":\"" + id + "\",\"leaseSeconds\":30,\"heartbeatSeconds\":1}";
    }

    private synchronized String lease(String worker, int waitSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
        log("lease-wait " + worker);
        while (true) {
            for (Row row : rows.values()) {
                if (row.state.equals("QUEUED")) {
                    row.state = "LEASED";
                    row.token = UUID.randomUUID().toString();
                    row.owner = worker;
                    row.attempt++;
                    log("lease " + row.id + " attempt " + row.attempt + " by " + worker);
                    ObjectNode answer = WireJson.mapper().createObjectNode();
                    ArrayNode tasks = answer.putArray("tasks");
                    ObjectNode item = tasks.addObject();
                    item.put("taskId", row.id);
                    item.put("leaseToken", row.token);
                    item.put("leaseExpiresAt", Instant.now().plusSeconds(30).toString());
                    item.put("attempt", row.attempt);
                    item.put("checkpointKey", row.checkpointKey);
                    item.set("task", WireJson.mapper().valueToTree(row.task));
                    return WireJson.write(answer);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return "{\"tasks\":[]}";
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    private synchronized String heartbeat(JsonNode body) {
        ObjectNode answer = WireJson.mapper().createObjectNode();
        ArrayNode extended = answer.putArray("extended");
        ArrayNode abandoned = answer.putArray("abandon");
        for (JsonNode lease : body.path("leases")) {
            long id = lease.path("taskId").asLong();
            Row row = rows.get(id);
            if (abandon.contains(id) || row == null || !lease.path("leaseToken").asString().equals(row.token)) {
                abandoned.add(id);
            } else {
                extended.addObject().put("taskId", id).put("leaseExpiresAt", Instant.now().plusSeconds(30).toString());
                log("heartbeat " + id + " eventsDone=" + lease.path("eventsDone").asLong());
            }
        }
        return WireJson.write(answer);
    }

    private synchronized boolean current(long taskId, JsonNode body) {
        Row row = rows.get(taskId);
        return row != null && row.state.equals("LEASED") && body.path("leaseToken").asString("").equals(row.token);
    }

    private synchronized boolean checkpoint(long taskId, JsonNode body) {
        if (!current(taskId, body)) {
            log("checkpoint refused " + taskId);
            return false;
        }
        Row row = rows.get(taskId);
        row.checkpointKey = body.path("key").asString();
        row.checkpointNextEvent = body.path("nextEvent").asLong();
        log("checkpoint " + taskId + " " + row.checkpointKey + " next=" + row.checkpointNextEvent + " sha256="
                + body.path("sha256").asString());
        return true;
    }

    private synchronized boolean complete(long taskId, JsonNode body) {
        if (!current(taskId, body)) {
            log("complete refused " + taskId);
            return false;
        }
        Row row = rows.get(taskId);
        BatchResult result = WireJson.mapper().treeToValue(body.get("result"), BatchResult.class);
        if (!result.answers(row.task)) {
            throw new IllegalArgumentException("result does not answer task " + taskId);
        }
        row.result = result;
        row.state = "DONE";
        log("complete " + taskId);
        return true;
    }

    private synchronized boolean fail(long taskId, JsonNode body) {
        if (!current(taskId, body)) {
            return false;
        }
        Row row = rows.get(taskId);
        row.state = "FAILED";
        log("fail " + taskId + " preempted=" + body.path("preempted").asBoolean() + " " + body.path("reason").asString());
        return true;
    }

    /** Bulk completion: each result answered on its own (200, or 409 when its lease is not current). */
    private synchronized String completeAll(JsonNode body) {
        ObjectNode answer = WireJson.mapper().createObjectNode();
        ArrayNode results = answer.putArray("results");
        for (JsonNode item : body.path("results")) {
            long id = item.path("taskId").asLong();
            boolean ok = complete(id, item);
            results.addObject().put("taskId", id).put("status", ok ? 200 : 409).put("accepted", ok).put("stepCompleted", false);
        }
        log("complete-all " + body.path("results").size());
        return WireJson.write(answer);
    }

    private synchronized void release(String worker, JsonNode body) {
        if (body.path("leases").isEmpty()) {
            int released = 0;
            for (Row row : rows.values()) {
                if (row.state.equals("LEASED") && worker.equals(row.owner)) {
                    row.state = "QUEUED";
                    row.token = null;
                    released++;
                }
            }
            log("release-all " + worker + " " + body.path("reason").asString() + " " + released);
            notifyAll();
            return;
        }
        for (JsonNode lease : body.path("leases")) {
            long id = lease.path("taskId").asLong();
            Row row = rows.get(id);
            if (row != null && row.state.equals("LEASED") && lease.path("leaseToken").asString("").equals(row.token)) {
                row.state = "QUEUED";
                row.token = null;
                log("release " + id + " " + body.path("reason").asString() + " checkpoint=" + row.checkpointKey);
                notifyAll();
            }
        }
    }

    private static void answer(HttpExchange exchange, boolean current, int status, String body) throws IOException {
        if (current) {
            respond(exchange, status, body);
        } else {
            respond(exchange, 409, "{\"title\":\"Conflict\",\"status\":409,\"detail\":\"lease is not current\"}");
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
