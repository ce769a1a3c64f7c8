package dev.detopt.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docs/worker.md, "Talking to the service": 408, 425, 429, 500, 502, 503 and 504 are retried with
 * exponential backoff (a pause drawn from [b/2, b] for b = 200 ms doubling), a 409 on completion
 * means the lease is lost (nothing reported), and any other refusal of a result is reported with
 * {@code fail}. The contract server stands in for the service and answers the first requests of
 * an action with the injected statuses.
 */
class WorkerRetryTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Half the first backoff: the shortest pause the jitter may draw before the first retry. */
    private static final long FIRST_PAUSE_MILLIS = 100;

    private ContractServer server;
    private Worker worker;
    private CompletableFuture<Integer> exit;

    @BeforeEach
    void startServer() throws Exception {
        server = new ContractServer(WorkerTestEnvironment.TOKEN);
    }

    @AfterEach
    void stopAll() throws Exception {
        if (worker != null) {
            worker.requestStop();
            assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        }
        server.close();
    }

    /** A worker without checkpoints (no S3): this test is about HTTP answers only. */
    private void startWorker() {
        Map<String, String> env = Map.of("DETOPT_SERVICE_URL", server.url(), "DETOPT_WORKER_TOKEN",
                WorkerTestEnvironment.TOKEN, "DETOPT_WORKER_THREADS", "1");
        WorkerConfig config = WorkerConfig.from(env::get);
        CompletableFuture<Void> stop = new CompletableFuture<>();
        worker = new Worker(config, new ServiceClient(config.serviceUrl(), config.token(), stop), null,
                TestTasks.catalog(new AtomicLong()), stop);
        exit = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("worker-under-retry-test").start(() -> exit.complete(worker.run()));
    }

    @Test
    void everyTransientStatusIsRetriedWithGrowingPausesAndTheResultStillArrives() throws Exception {
        // Where a status not retried shows: a refused registration ends the worker, a refused
        // result is reported with fail (a refused lease would only be asked again a second later).
        server.answerNext("register", 408, 425, 429);
        server.answerNext("complete", 500, 502, 503, 504);
        long id = server.enqueue(TestTasks.gaussian("retry", 0, 0, 1000));

        startWorker();
        server.await(e -> e.equals("complete " + id), WAIT);

        assertThat(server.events()).containsSubsequence("fault register 408", "fault register 425", "fault register 429",
                "register w-1 threads=1", "lease " + id + " attempt 1 by w-1", "fault complete 500", "fault complete 502",
                "fault complete 503", "fault complete 504", "complete " + id);
        assertThat(server.events()).noneMatch(e -> e.startsWith("fail "));
        assertPausesGrow("register", 3);
        assertPausesGrow("complete", 4);
    }

    /** The pause before retry k (k = 0, 1, …) is at least half of 200 ms · 2^k. */
    private void assertPausesGrow(String action, int retries) {
        List<Long> arrivals = server.arrivals(action);
        assertThat(arrivals).hasSizeGreaterThan(retries);
        for (int k = 0; k < retries; k++) {
            long pauseMillis = (arrivals.get(k + 1) - arrivals.get(k)) / 1_000_000;
            long promised = FIRST_PAUSE_MILLIS << k;
            assertThat(pauseMillis).as("%s retry %d came %d ms after the faulted request; the backoff promises at least %d ms"
                    + " (half of 200 ms · 2^%d)", action, k + 1, pauseMillis, promised, k).isGreaterThanOrEqualTo(promised);
        }
    }

    @Test
    void aResultRefusedWithANon409ErrorIsReportedWithFailAndTheBatchRunsAgain() throws Exception {
        server.answerNext("complete", 422);
        long id = server.enqueue(TestTasks.gaussian("refused", 0, 0, 1000));

        startWorker();
        server.await(e -> e.equals("complete " + id), WAIT);

        assertThat(server.events()).containsSubsequence("fault complete 422",
                "fail " + id + " preempted=false result refused: POST /api/v1/workers/w-1/tasks/" + id
                        + "/complete → 422: injected by the test",
                "lease " + id + " attempt 2 by w-1", "complete " + id);
    }

    @Test
    void aResultRefusedWith409IsLeftAloneAsALostLease() throws Exception {
        server.answerNext("complete", 409);
        long lost = server.enqueue(TestTasks.gaussian("lost", 0, 0, 1000));
        startWorker();
        server.await(e -> e.equals("fault complete 409"), WAIT);
        // One sender thread settles results in order: once the next result is in, the 409 was settled.
        long next = server.enqueue(TestTasks.gaussian("lost", 1, 1000, 2000));
        server.await(e -> e.equals("complete " + next), WAIT);

        assertThat(server.events()).noneMatch(e -> e.startsWith("fail ") || e.startsWith("release " + lost));
        assertThat(server.row(lost).state).isEqualTo("LEASED");
    }
}
