package dev.detopt.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import dev.detopt.worker.contract.WorkerApiContract;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The real worker API keeps the contract the worker tests' fake keeps (worker module,
 * ContractServerConformanceTest): the same checks, through the worker's own client.
 */
@ServiceTest
class ServiceConformanceTest extends WorkerApiContract {
    @LocalServerPort
    int port;

    private long seed = 7_000;

    @TestFactory
    Stream<DynamicTest> contract() {
        return checks().stream().map(check -> DynamicTest.dynamicTest(check.name(), check.body()::run));
    }

    @Override
    protected String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    protected String workerToken() {
        return TestTokens.WORKER;
    }

    @Override
    protected void queueFreshTasks(int count) {
        ApiClient api = new ApiClient(port);
        api.cancelActiveStudies();
        if (count == 0) {
            return;
        }
        ApiClient.Response created = api.post("/api/v1/studies", TestSpecs.gaussian(2, 8L * count, 8, seed++),
                TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        ApiClient.Response started = api.post("/api/v1/studies/" + created.json().path("id").asString() + "/start",
                (String) null, TestTokens.OPERATOR);
        assertThat(started.status()).as(started.body()).isEqualTo(200);
    }
}
