package dev.detopt.model.external;

import dev.detopt.model.study.FieldProblem;
import dev.detopt.model.study.contract.WireJson;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One running simulator program speaking protocol version {@value #PROTOCOL} over its stdin and
 * stdout (docs/simulator-protocol.md). Everything the program sends is checked; any problem throws a
 * {@link SimulatorFailure} and kills the program, which is then unusable. Not thread-safe: one
 * request at a time.
 */
public final class SimulatorProcess implements AutoCloseable {
    public static final int PROTOCOL = 1;
    /** Longest JSON line accepted from a program. */
    static final int MAX_LINE_BYTES = 1 << 20;
    private static final int STDERR_LINES = 20;
    private static final int STDERR_LINE_CHARS = 500;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "detopt-simulator-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private final SimulatorRegistration registration;
    private final Process process;
    private final InputStream stdout;
    private final OutputStream stdin;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final Thread stderrReader;
    private volatile String timedOut;
    private boolean broken;
    private long nextRequestId = 1;
    private byte[] payload = new byte[0];

    private SimulatorProcess(SimulatorRegistration registration, Process process) {
        this.registration = registration;
        this.process = process;
        this.stdout = new BufferedInputStream(process.getInputStream(), 1 << 16);
        this.stdin = new BufferedOutputStream(process.getOutputStream(), 1 << 16);
        this.stderrReader = Thread.ofVirtual().name("detopt-simulator-stderr").start(this::drainStderr);
    }

    /**
     * Starts the registered command, reads its hello, checks it against the registration's
     * declaration, sends the configuration and waits for ready, all within the start timeout.
     */
    public static SimulatorProcess start(SimulatorRegistration registration, ObjectNode config) {
        SimulatorProcess process = launch(registration);
        try {
            SimulatorDeclaration hello = process.readHello(registration.startTimeout());
            if (!hello.sameInterface(registration.declaration())) {
                throw process.fail("its hello declares " + describe(hello) + " but simulator '" + registration.name()
                        + "' is registered with " + describe(registration.declaration()));
            }
            process.configure(config, registration.startTimeout());
            return process;
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
    }

    /** Starts the command and returns its hello without configuring it (for {@code detopt-sim simulator describe}). */
    public static SimulatorDeclaration probe(SimulatorRegistration registration) {
        try (SimulatorProcess process = launch(registration)) {
            return process.readHello(registration.startTimeout());
        }
    }

    private static SimulatorProcess launch(SimulatorRegistration registration) {
        if (registration.command() == null) {
            throw new SimulatorFailure("simulator '" + registration.name() + "' is registered with an image only ("
                    + registration.image() + "); it runs on workers started in that image", "");
        }
        ProcessBuilder builder = new ProcessBuilder(registration.command());
        builder.environment().putAll(registration.environment());
        if (registration.workingDirectory() != null) {
            builder.directory(new File(registration.workingDirectory()));
        }
        try {
            return new SimulatorProcess(registration, builder.start());
        } catch (IOException e) {
            throw new SimulatorFailure("simulator '" + registration.name() + "': cannot start " + registration.command()
                    + ": " + e.getMessage(), "");
        }
    }

    public SimulatorRegistration registration() {
        return registration;
    }

    public long pid() {
        return process.pid();
    }

    public boolean usable() {
        return !broken && process.isAlive();
    }

    private SimulatorDeclaration readHello(Duration timeout) {
        JsonNode message = withTimeout(timeout, "start (hello)", () -> readMessage("hello"));
        expectType(message, "hello");
        JsonNode protocol = message.get("protocol");
        if (protocol == null || !protocol.isInt() || protocol.intValue() != PROTOCOL) {
            throw fail("its hello speaks protocol " + protocol + "; this worker speaks protocol " + PROTOCOL);
        }
        List<FieldProblem> problems = new ArrayList<>();
        SimulatorDeclaration declaration = SimulatorDeclaration.parse(message, "hello", problems, Set.of("type", "protocol"));
        if (declaration == null) {
            throw fail("malformed hello: " + problems.stream().map(FieldProblem::toString).toList());
        }
        return declaration;
    }

    private void configure(ObjectNode config, Duration timeout) {
        ObjectNode message = WireJson.mapper().createObjectNode();
        message.put("type", "configure");
        message.set("config", config == null ? WireJson.mapper().createObjectNode() : config);
        JsonNode answer = withTimeout(timeout, "start (configure)", () -> {
            writeLine(message);
            flush();
            return readMessage("ready");
        });
        expectType(answer, "ready");
    }

    /** What one batch request asks for. */
    public record Request(double[] theta, int[] differentiate, boolean tangents, boolean scores, long step,
                          long firstEvent, long[] seeds) {
    }

    /**
     * Sends one batch request and returns its answer: per event the observables, then the tangents
     * (row-major: observable i, differentiated parameter k) when asked, then the scores when asked,
     * all checked to be finite.
     */
    public double[] request(Request request) {
        int m = registration.declaration().observables().size();
        int n = request.differentiate().length;
        int events = request.seeds().length;
        int tangents = request.tangents() ? n : 0;
        int scores = request.scores() ? n : 0;
        int perEvent = m + m * tangents + scores;
        long expectedBytes = 8L * perEvent * events;
        if (expectedBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("request too large: " + events + " events of " + perEvent + " values");
        }
        long id = nextRequestId++;
        ObjectNode header = WireJson.mapper().createObjectNode();
        header.put("type", "batch");
        header.put("id", id);
        var theta = header.putArray("theta");
        for (double v : request.theta()) {
            theta.add(v);
        }
        var diff = header.putArray("differentiate");
        for (int j : request.differentiate()) {
            diff.add(j);
        }
        header.put("tangents", request.tangents());
        header.put("scores", request.scores());
        header.put("step", request.step());
        header.put("firstEvent", request.firstEvent());
        header.put("events", events);
        header.put("payloadBytes", 8L * events);
        double[] values = new double[perEvent * events];
        withTimeout(registration.batchTimeout(), "batch of " + events + " events", () -> {
            writeLine(header);
            ByteBuffer seeds = ByteBuffer.allocate(8 * events).order(ByteOrder.LITTLE_ENDIAN);
            for (long seed : request.seeds()) {
                seeds.putLong(seed);
            }
            stdin.write(seeds.array());
            flush();
            JsonNode answer = readMessage("result");
            expectType(answer, "result");
            checkEqual(answer, "id", id);
            checkEqual(answer, "events", events);
            checkEqual(answer, "observables", m);
            checkEqual(answer, "tangents", tangents);
            checkEqual(answer, "scores", scores);
            checkEqual(answer, "payloadBytes", expectedBytes);
            int bytes = (int) expectedBytes;
            if (payload.length < bytes) {
                payload = new byte[bytes];
            }
            int read = stdout.readNBytes(payload, 0, bytes);
            if (read < bytes) {
                throw endOfOutput("after " + read + " of the " + bytes + " payload bytes of its result");
            }
            ByteBuffer.wrap(payload, 0, bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(values);
            return null;
        });
        for (int k = 0; k < values.length; k++) {
            if (!Double.isFinite(values[k])) {
                int event = k / perEvent;
                int slot = k % perEvent;
                String what = slot < m ? "observable '" + registration.declaration().observables().get(slot) + "'"
                        : slot < m + m * tangents ? "tangent d" + registration.declaration().observables().get((slot - m) / tangents)
                        + "/d" + registration.declaration().parameters().get(request.differentiate()[(slot - m) % tangents]).name()
                        : "score term for " + registration.declaration().parameters().get(request.differentiate()[slot - m - m * tangents]).name();
                throw fail("it sent " + values[k] + " as " + what + " of event " + (request.firstEvent() + event)
                        + " of step " + request.step() + "; only finite numbers are accepted");
            }
        }
        return values;
    }

    private interface Exchange<T> {
        T run() throws IOException;
    }

    private <T> T withTimeout(Duration timeout, String what, Exchange<T> exchange) {
        if (broken) {
            throw new IllegalStateException("simulator '" + registration.name() + "' process is no longer usable");
        }
        timedOut = null;
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            timedOut = what + " took longer than " + seconds(timeout);
            killTree();
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            return exchange.run();
        } catch (IOException e) {
            throw endOfOutput("(" + e.getMessage() + ")");
        } catch (SimulatorFailure e) {
            broken = true;
            killTree();
            throw e;
        } finally {
            watchdog.cancel(false);
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }

    private JsonNode readMessage(String expected) throws IOException {
        byte[] line = readLine();
        if (line == null) {
            throw endOfOutput("while detopt waited for its " + expected);
        }
        JsonNode node;
        try {
            node = WireJson.mapper().readTree(line);
        } catch (JacksonException e) {
            throw fail("malformed output where its " + expected + " was expected: " + excerpt(line));
        }
        if (node == null || !node.isObject() || !node.path("type").isString()) {
            throw fail("malformed output where its " + expected + " was expected (not a JSON object with a \"type\"): " + excerpt(line));
        }
        if (node.get("type").stringValue().equals("error")) {
            throw fail("it reported an error: " + node.path("message").asString(""));
        }
        return node;
    }

    private byte[] readLine() throws IOException {
        byte[] buffer = new byte[256];
        int length = 0;
        while (true) {
            int b = stdout.read();
            if (b < 0) {
                return length == 0 ? null : java.util.Arrays.copyOf(buffer, length);
            }
            if (b == '\n') {
                return java.util.Arrays.copyOf(buffer, length);
            }
            if (length == MAX_LINE_BYTES) {
                throw fail("malformed output: a line longer than " + MAX_LINE_BYTES + " bytes");
            }
            if (length == buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, Math.min(MAX_LINE_BYTES, 2 * length));
            }
            buffer[length++] = (byte) b;
        }
    }

    private static String excerpt(byte[] line) {
        String text = new String(line, 0, Math.min(line.length, 200), StandardCharsets.UTF_8);
        return "'" + text.replaceAll("\\p{Cntrl}", "?") + (line.length > 200 ? "…'" : "'");
    }

    private void expectType(JsonNode message, String type) {
        if (!type.equals(message.get("type").stringValue())) {
            throw fail("protocol violation: it sent a '" + message.get("type").stringValue() + "' message where a '"
                    + type + "' was expected");
        }
    }

    private void checkEqual(JsonNode message, String field, long expected) {
        JsonNode value = message.get(field);
        if (value == null || !value.isIntegralNumber() || value.longValue() != expected) {
            String what = switch (field) {
                case "observables" -> "observables per event (it declared " + expected + ")";
                case "tangents" -> "tangents per observable";
                case "scores" -> "score terms per event";
                default -> field;
            };
            throw fail("wrong " + what + " in its result: " + value + " instead of " + expected);
        }
    }

    private void writeLine(JsonNode message) throws IOException {
        stdin.write(WireJson.mapper().writeValueAsBytes(message));
        stdin.write('\n');
    }

    private void flush() throws IOException {
        stdin.flush();
    }

    /** A failure whose message names the program; marks it broken and kills it. */
    private SimulatorFailure fail(String reason) {
        return fail(reason, null);
    }

    private SimulatorFailure fail(String reason, Integer exitCode) {
        broken = true;
        killTree();
        awaitStderr();
        return new SimulatorFailure("simulator '" + registration.name() + "' (" + String.join(" ", registration.command())
                + ", pid " + process.pid() + "): " + reason, stderrTail(), exitCode);
    }

    private SimulatorFailure endOfOutput(String when) {
        String reason = timedOut;
        Integer exitCode = null;
        if (reason == null) {
            boolean exited;
            try {
                exited = process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exited = false;
            }
            exitCode = exited ? process.exitValue() : null;
            reason = exited ? "it exited with code " + exitCode + " " + when
                    : "it closed its output " + when;
        } else {
            reason = reason + "; it was killed";
        }
        return fail(reason, exitCode);
    }

    private void killTree() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private void drainStderr() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (stderrTail) {
                    if (stderrTail.size() == STDERR_LINES) {
                        stderrTail.removeFirst();
                    }
                    stderrTail.addLast(line.length() > STDERR_LINE_CHARS ? line.substring(0, STDERR_LINE_CHARS) + "…" : line);
                }
            }
        } catch (IOException e) {
            // the program is gone; the tail so far is what there is
        }
    }

    private void awaitStderr() {
        try {
            stderrReader.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines of the program's stderr. */
    public String stderrTail() {
        synchronized (stderrTail) {
            return String.join("\n", stderrTail);
        }
    }

    private static String describe(SimulatorDeclaration d) {
        return "parameters " + d.parameterNames() + ", " + d.observables().size() + " observables "
                + (d.observables().size() <= 6 ? d.observables() : d.observables().subList(0, 6) + "…")
                + " and capabilities " + d.capabilities();
    }

    /** Closes the program's stdin (the program should exit) and kills it if it is still running after a grace period. */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                killTree();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree();
        }
        broken = true;
    }
}
