package dev.detopt.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.model.study.contract.BatchExecutor;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.WireJson;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.JsonNode;

/**
 * An in-test worker speaking the worker API over HTTP: register, lease (long-poll), run the batch
 * with shared-model's {@link BatchExecutor}, complete. Runs on its own thread until stopped.
 */
public final class TestWorker implements AutoCloseable {
    private final ApiClient api;
    private final String workerId;
    private final BatchExecutor executor;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger stepsCompleted = new AtomicInteger();
    private final AtomicReference<Throwable> error = new AtomicReference<>();
    private final Thread thread;
    /** CPU seconds reported with each completion (null: not reported). */
    private final Double cpuSecondsPerTask;

    public TestWorker(ApiClient api, String workerId) {
        this(api, workerId, dev.detopt.model.study.catalog.SimulatorCatalog.standard());
    }

    /** A worker that reports {@code cpuSecondsPerTask} with every completion, for accounting. */
    public TestWorker(ApiClient api, String workerId, double cpuSecondsPerTask) {
        this(api, workerId, dev.detopt.model.study.catalog.SimulatorCatalog.standard(), cpuSecondsPerTask);
    }

    /** A worker whose simulators come from {@code catalog} (e.g. the test registry's external programs). */
    public TestWorker(ApiClient api, String workerId, dev.detopt.model.study.catalog.SimulatorCatalog catalog) {
        this(api, workerId, catalog, null);
    }

    private TestWorker(ApiClient api, String workerId, dev.detopt.model.study.catalog.SimulatorCatalog catalog,
                       Double cpuSecondsPerTask) {
        this.api = api;
        this.workerId = workerId;
        this.cpuSecondsPerTask = cpuSecondsPerTask;
        this.executor = new BatchExecutor(catalog, 1, workerId);
        ApiClient.Response registered = api.post("/api/v1/workers/register",
                "{\"workerId\":\"" + workerId + "\",\"host\":\"test\",\"threads\":1}", TestTokens.WORKER);
        assertThat(registered.status()).as(registered.body()).isEqualTo(200);
        thread = Thread.ofPlatform().name("test-worker-" + workerId).daemon().start(this::loop);
    }

    private void loop() {
        try {
            while (running.get()) {
                ApiClient.Response leased = api.post("/api/v1/workers/" + workerId + "/lease?max=2&waitSeconds=1",
                        (String) null, TestTokens.WORKER);
                if (leased.status() != 200) {
                    throw new AssertionError("lease answered " + leased.status() + ": " + leased.body());
                }
                for (JsonNode item : leased.json().path("tasks")) {
                    BatchTask task = WireJson.mapper().treeToValue(item.path("task"), BatchTask.class);
                    BatchResult result = executor.execute(task);
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("leaseToken", item.path("leaseToken").asString());
                    body.put("result", result);
                    if (cpuSecondsPerTask != null) {
                        body.put("cpuSeconds", cpuSecondsPerTask);
                    }
                    ApiClient.Response answer = api.post("/api/v1/workers/" + workerId + "/tasks/"
                            + item.path("taskId").asLong() + "/complete", body, TestTokens.WORKER);
                    // Every user of this worker runs without faults: no lease is lost, so a 409 (lease
                    // expired, taken over, study cancelled under it) is a failure, not a normal answer.
                    if (answer.status() != 200) {
                        throw new AssertionError("complete of task " + item.path("taskId").asLong() + " answered "
                                + answer.status() + ": " + answer.body());
                    }
                    completed.incrementAndGet();
                    if (answer.json().path("stepCompleted").asBoolean()) {
                        stepsCompleted.incrementAndGet();
                    }
                }
            }
        } catch (Throwable e) {
            if (running.get()) {
                error.set(e);
            }
        }
    }

    public int completed() {
        return completed.get();
    }

    /** Completions the service answered with stepCompleted = true (this worker's request advanced a step). */
    public int stepsCompleted() {
        return stepsCompleted.get();
    }

    /** Stops after the current request and rethrows anything that went wrong. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(30_000);
        Throwable failure = error.get();
        if (failure != null) {
            throw new AssertionError("worker " + workerId + " failed", failure);
        }
    }
}
