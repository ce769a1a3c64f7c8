package dev.detopt.worker;

import dev.detopt.worker.contract.WorkerApiContract;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The worker tests' fake service keeps the worker-API contract the real service keeps (ServiceConformanceTest). */
class ContractServerConformanceTest extends WorkerApiContract {
    private ContractServer server;
    private int study;

    @TestFactory
    Stream<DynamicTest> contract() {
        return checks().stream().map(check -> DynamicTest.dynamicTest(check.name(), () -> {
            try (ContractServer fresh = new ContractServer(WorkerTest.TOKEN)) {
                server = fresh;
                check.body().run();
            }
        }));
    }

    @AfterEach
    void forget() {
        server = null;
    }

    @Override
    protected String url() {
        return server.url();
    }

    @Override
    protected String workerToken() {
        return WorkerTest.TOKEN;
    }

    @Override
    protected void queueFreshTasks(int count) {
        server.withdrawQueued();
        String studyId = "contract-study-" + ++study;
        for (int batch = 0; batch < count; batch++) {
            server.enqueue(TestTasks.gaussian(studyId, batch, 8L * batch, 8L * (batch + 1)));
        }
    }
}
