package dev.detopt.service.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.OptimizerServiceApplication;
import dev.detopt.service.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Benchmark of the task queue over HTTP (issue 6 point 8), not part of the default test run (the
 * class name does not match surefire's includes). N simulated workers (virtual threads) lease
 * one-event batches of several gaussian studies, run them with shared-model and complete them,
 * against the service on a durable embedded PostgreSQL (fsync on) in a temporary directory.
 *
 * <pre>
 * ./mvnw -pl optimizer-service -am test -Dtest=LoopBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbench.workers=64 -Dbench.seconds=30 -Dbench.studies=16 -Dbench.batches=8
 * </pre>
 *
 * Prints completions per second, p50/p99 latency of lease and complete, and the step turnaround:
 * from sending the result that completes a step to a worker holding a task of the next step.
 */
class LoopBenchmark {
    private static final String TOKENS = "admin:" + TestTokens.ADMIN + ",operator:" + TestTokens.OPERATOR + ",viewer:"
            + TestTokens.VIEWER + ",worker:" + TestTokens.WORKER;

    private final int workers = Integer.getInteger("bench.workers", 64);
    private final int seconds = Integer.getInteger("bench.seconds", 30);
    private final int warmupSeconds = Integer.getInteger("bench.warmup", 5);
    private final int studies = Integer.getInteger("bench.studies", 16);
    private final int batches = Integer.getInteger("bench.batches", 8);
    /** Tasks asked for per lease; above 1 the results go back in one bulk complete request. */
    private final int tasksPerLease = Integer.getInteger("bench.tasksPerLease", 1);

    private final AtomicBoolean measuring = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong completions = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final List<long[]> leaseLatencies = new ArrayList<>();
    private final List<long[]> completeLatencies = new ArrayList<>();
    private final List<Long> turnarounds = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Long> advancingCompletes = java.util.Collections.synchronizedList(new ArrayList<>());
    /** study:step → when the result completing the previous step was sent (nanoTime). */
    private final Map<String, Long> stepEndSent = new ConcurrentHashMap<>();
    private final Map<String, Boolean> stepSeen = new ConcurrentHashMap<>();

    @Test
    void run() throws Exception {
        Path directory = Files.createTempDirectory("detopt-bench");
        try (ConfigurableApplicationContext service = new SpringApplicationBuilder(OptimizerServiceApplication.class)
                .run("--server.port=0", "--detopt.embedded.directory=" + directory, "--detopt.embedded.persistent=" + Boolean.parseBoolean(System.getProperty("bench.durable", "true")),
                        "--detopt.embedded.s3-port=0", "--detopt.security.static-tokens=" + TOKENS,
                        "--logging.level.root=WARN", "--server.tomcat.max-connections=20000",
                        "--server.tomcat.accept-count=2000")) {
            String base = "http://127.0.0.1:" + ((WebServerApplicationContext) service).getWebServer().getPort();
            HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor())
                    .connectTimeout(Duration.ofSeconds(30)).build();
            for (int s = 0; s < studies; s++) {
                String spec = """
                        {"name": "bench %d", "simulator": {"name": "gaussian", "config": {"center": 2.0}},
                         "parameters": [{"name": "mu", "initial": -1.0, "lower": -5, "upper": 5},
                                        {"name": "sigma", "initial": 0.5, "lower": 0.01, "frozen": true}],
                         "estimator": {"kind": "pathwise"}, "objective": {"type": "expected-loss"},
                         "optimizer": {"type": "sgd", "learningRate": 0.01},
                         "eventsPerStep": %d, "eventsPerBatch": 1, "maxSteps": 1000000, "seed": %d}
                        """.formatted(s, batches, s);
                JsonNode created = WireJson.mapper().readTree(send(http, base + "/api/v1/studies", spec, TestTokens.OPERATOR).body());
                send(http, base + "/api/v1/studies/" + created.path("id").asString() + "/start", "", TestTokens.OPERATOR);
            }
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int capacity = Math.max(4096, (1 << 22) / workers);
                long[] leaseBuffer = new long[capacity];
                long[] completeBuffer = new long[capacity];
                synchronized (leaseLatencies) {
                    leaseLatencies.add(leaseBuffer);
                    completeLatencies.add(completeBuffer);
                }
                String id = "bench-" + w;
                threads.add(Thread.ofVirtual().start(() -> work(http, base, id, leaseBuffer, completeBuffer)));
            }
            Thread.sleep(warmupSeconds * 1000L);
            long completedBefore = completions.get();
            long errorsBefore = errors.get();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpuBefore = os.getProcessCpuTime();
            long postmaster = postmasterPid(service);
            double pgCpuBefore = postgresCpuSeconds(postmaster);
            // -Dbench.jfr=file.jfr: a Flight Recorder profile of the measured interval only (no start-up).
            String jfrFile = System.getProperty("bench.jfr");
            jdk.jfr.Recording recording = null;
            if (jfrFile != null) {
                recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
                recording.start();
            }
            measuring.set(true);
            long started = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            measuring.set(false);
            if (recording != null) {
                recording.stop();
                recording.dump(Path.of(jfrFile));
                recording.close();
            }
            double elapsed = (System.nanoTime() - started) / 1e9;
            double cpuSeconds = (os.getProcessCpuTime() - cpuBefore) / 1e9;
            double pgCpuSeconds = postgresCpuSeconds(postmaster) - pgCpuBefore;
            long completed = completions.get() - completedBefore;
            running.set(false);
            for (Thread thread : threads) {
                thread.join(60_000);
            }
            System.out.printf("%nBENCHMARK workers=%d studies=%d batchesPerStep=%d tasksPerLease=%d measured=%.1fs (warm-up %ds),"
                    + " cores=%d%n", workers, studies, batches, tasksPerLease, elapsed, warmupSeconds,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("completions: %d  (%.0f/s)   errors during measurement: %d (total %d)%n", completed,
                    completed / elapsed, errors.get() - errorsBefore, errors.get());
            System.out.printf("JVM CPU (service + simulated workers): %.1f s = %.2f cores, %.2f ms per completion%n",
                    cpuSeconds, cpuSeconds / elapsed, 1000 * cpuSeconds / Math.max(1, completed));
            System.out.printf("PostgreSQL CPU (postmaster and its processes): %.1f s = %.2f cores, %.2f ms per completion%n",
                    pgCpuSeconds, pgCpuSeconds / elapsed, 1000 * pgCpuSeconds / Math.max(1, completed));
            System.out.println("lease latency     " + percentiles(leaseLatencies));
            System.out.println("complete latency  " + percentiles(completeLatencies));
            System.out.println("step-completing complete latency " + percentiles(List.of(toArray(advancingCompletes))));
            System.out.println("step turnaround (last result sent -> next step's task leased) "
                    + percentiles(List.of(toArray(turnarounds))));
            assertThat(completed).isPositive();
        }
    }

    private void work(HttpClient http, String base, String id, long[] leaseLatency, long[] completeLatency) {
        BatchExecutor executor = new BatchExecutor(1, id);
        int leases = 0;
        int completes = 0;
        try {
            send(http, base + "/api/v1/workers/register", "{\"workerId\":\"" + id + "\",\"threads\":1}", TestTokens.WORKER);
        } catch (Exception e) {
            errors.incrementAndGet();
        }
        while (running.get()) {
            try {
                long t0 = System.nanoTime();
                HttpResponse<String> leased = send(http, base + "/api/v1/workers/" + id + "/lease?max=" + tasksPerLease + "&waitSeconds=5", "",
                        TestTokens.WORKER);
                long t1 = System.nanoTime();
                if (leased.statusCode() != 200) {
                    errors.incrementAndGet();
                    continue;
                }
                JsonNode tasks = WireJson.mapper().readTree(leased.body()).path("tasks");
                if (tasks.isEmpty()) {
                    continue;
                }
                if (measuring.get() && leases < leaseLatency.length) {
                    leaseLatency[leases++] = t1 - t0;
                }
                if (tasksPerLease == 1) {
                    completes = completeOne(http, base, id, tasks.get(0), executor, t1, completeLatency, completes);
                } else {
                    completes = completeBulk(http, base, id, tasks, executor, t1, completeLatency, completes);
                }
            } catch (Exception e) {
                errors.incrementAndGet();
            }
        }
        // Mark the unused tail so percentiles ignore it.
        Arrays.fill(leaseLatency, leases, leaseLatency.length, -1);
        Arrays.fill(completeLatency, completes, completeLatency.length, -1);
    }

    /** One task, one {@code …/tasks/{id}/complete} request (the original protocol). */
    private int completeOne(HttpClient http, String base, String id, JsonNode item, BatchExecutor executor, long leasedAt,
                            long[] completeLatency, int completes) throws Exception {
        BatchTask task = WireJson.mapper().treeToValue(item.path("task"), BatchTask.class);
        noteLeased(task, leasedAt);
        BatchResult result = executor.execute(task);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leaseToken", item.path("leaseToken").asString());
        body.put("result", result);
        long t2 = System.nanoTime();
        HttpResponse<String> answer = send(http, base + "/api/v1/workers/" + id + "/tasks/"
                + item.path("taskId").asLong() + "/complete", WireJson.write(body), TestTokens.WORKER);
        long t3 = System.nanoTime();
        if (answer.statusCode() != 200) {
            errors.incrementAndGet();
            return completes;
        }
        completions.incrementAndGet();
        if (measuring.get() && completes < completeLatency.length) {
            completeLatency[completes++] = t3 - t2;
        }
        if (WireJson.mapper().readTree(answer.body()).path("stepCompleted").asBoolean()) {
            noteStepCompleted(task, t2, t3);
        }
        return completes;
    }

    /** Every leased task run, then all results in one {@code POST …/{workerId}/complete}. */
    private int completeBulk(HttpClient http, String base, String id, JsonNode items, BatchExecutor executor, long leasedAt,
                             long[] completeLatency, int completes) throws Exception {
        List<Map<String, Object>> results = new ArrayList<>(items.size());
        List<BatchTask> batchTasks = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            BatchTask task = WireJson.mapper().treeToValue(item.path("task"), BatchTask.class);
            noteLeased(task, leasedAt);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("taskId", item.path("taskId").asLong());
            entry.put("leaseToken", item.path("leaseToken").asString());
            entry.put("result", executor.execute(task));
            results.add(entry);
            batchTasks.add(task);
        }
        long t2 = System.nanoTime();
        HttpResponse<String> answer = send(http, base + "/api/v1/workers/" + id + "/complete",
                WireJson.write(Map.of("results", results)), TestTokens.WORKER);
        long t3 = System.nanoTime();
        if (answer.statusCode() != 200) {
            errors.incrementAndGet();
            return completes;
        }
        if (measuring.get() && completes < completeLatency.length) {
            completeLatency[completes++] = t3 - t2;
        }
        JsonNode answers = WireJson.mapper().readTree(answer.body()).path("results");
        for (int i = 0; i < answers.size(); i++) {
            JsonNode item = answers.get(i);
            if (item.path("status").asInt() != 200) {
                errors.incrementAndGet();
                continue;
            }
            completions.incrementAndGet();
            if (item.path("stepCompleted").asBoolean()) {
                noteStepCompleted(batchTasks.get(i), t2, t3);
            }
        }
        return completes;
    }

    private void noteLeased(BatchTask task, long leasedAt) {
        String stepKey = task.studyId() + ":" + task.step();
        Long endSent = stepEndSent.remove(stepKey);
        if (endSent != null && stepSeen.putIfAbsent(stepKey, true) == null && measuring.get()) {
            turnarounds.add(leasedAt - endSent);
        }
    }

    private void noteStepCompleted(BatchTask task, long sent, long answered) {
        String next = task.studyId() + ":" + (task.step() + 1);
        if (!stepSeen.containsKey(next)) {
            stepEndSent.put(next, sent);
        }
        if (measuring.get()) {
            advancingCompletes.add(answered - sent);
        }
    }

    private static HttpResponse<String> send(HttpClient http, String url, String body, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                        .header("Authorization", TestTokens.bearer(token)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The embedded PostgreSQL's postmaster: the parent of a backend of the service's pool. */
    private static long postmasterPid(ConfigurableApplicationContext service) {
        Integer backend = service.getBean(org.springframework.jdbc.core.JdbcTemplate.class)
                .queryForObject("SELECT pg_backend_pid()", Integer.class);
        return ProcessHandle.of(backend).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
    }

    /** CPU seconds of the postmaster, its live children and its reaped children (Linux /proc; 0 elsewhere). */
    private static double postgresCpuSeconds(long postmaster) {
        if (postmaster < 0) {
            return 0;
        }
        double ticks = procTicks(postmaster, true);
        for (ProcessHandle child : ProcessHandle.of(postmaster).map(p -> p.descendants().toList()).orElse(List.of())) {
            ticks += procTicks(child.pid(), false);
        }
        return ticks / 100.0; // USER_HZ
    }

    private static double procTicks(long pid, boolean withReapedChildren) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[11..14] = utime, stime, cutime, cstime (stat fields 14-17)
            double ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            if (withReapedChildren) {
                ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
            }
            return ticks;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long[] toArray(List<Long> values) {
        synchronized (values) {
            return values.stream().mapToLong(Long::longValue).toArray();
        }
    }

    private static String percentiles(List<long[]> buffers) {
        long[] all;
        synchronized (buffers) {
            all = buffers.stream().flatMapToLong(Arrays::stream).filter(v -> v > 0).sorted().toArray();
        }
        if (all.length == 0) {
            return "n=0";
        }
        return String.format("n=%d p50=%.2f ms p99=%.2f ms max=%.2f ms", all.length, all[(int) (all.length * 0.50)] / 1e6,
                all[Math.min(all.length - 1, (int) (all.length * 0.99))] / 1e6, all[all.length - 1] / 1e6);
    }
}
