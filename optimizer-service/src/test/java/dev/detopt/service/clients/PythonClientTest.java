package dev.detopt.service.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.InProcessWorker;
import dev.detopt.service.TestTokens;
import dev.detopt.service.config.DetoptProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The Python client (clients/python, package {@code detopt}) against this real service with a real
 * worker: runs its unittest suite with {@code python3} (or {@code DETOPT_PYTHON}) as a child
 * process, passing the service's URL and one token per role. The suite's output is in
 * target/python-client-test.log and in the failure message.
 */
@ServiceTest
class PythonClientTest {
    static final Path CLIENT = Path.of("..", "clients", "python").toAbsolutePath().normalize();

    @LocalServerPort
    int port;

    @Autowired
    DetoptProperties detopt;

    @Test
    void theClientsUnitTestsPassAgainstTheService() throws Exception {
        assertThat(CLIENT.resolve("detopt").resolve("__init__.py")).as("the Python client's sources").exists();
        new ApiClient(port).cancelActiveStudies();
        String python = System.getenv().getOrDefault("DETOPT_PYTHON", "python3");
        Path log = Files.createDirectories(Path.of("target")).resolve("python-client-test.log");
        ProcessBuilder builder = new ProcessBuilder(python, "-m", "unittest", "discover", "-v", "-s", "tests", "-t", ".")
                .directory(CLIENT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("DETOPT_TEST_URL", "http://127.0.0.1:" + port);
        env.put("DETOPT_TEST_OPERATOR_TOKEN", TestTokens.OPERATOR);
        env.put("DETOPT_TEST_VIEWER_TOKEN", TestTokens.VIEWER);
        env.put("DETOPT_TEST_ADMIN_TOKEN", TestTokens.ADMIN);
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.put("PYTHONUNBUFFERED", "1");
        Process process;
        Map<String, String> workerEnvironment = InProcessWorker.environment(port, detopt.s3(), "python-client-worker");
        workerEnvironment.put("DETOPT_WORKER_THREADS", "2");
        try (InProcessWorker worker = new InProcessWorker(workerEnvironment)) {
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new AssertionError("cannot run " + python + " (Python >= 3.9 is needed for the client's tests; "
                        + "set DETOPT_PYTHON to its path): " + e.getMessage(), e);
            }
            boolean ended = process.waitFor(4, TimeUnit.MINUTES);
            if (!ended) {
                process.destroyForcibly();
            }
            String output = Files.readString(log);
            System.out.println(output);
            assertThat(ended).as("python unittest ended within 4 minutes:\n" + output).isTrue();
            assertThat(process.exitValue()).as("python unittest exit code; output:\n" + output).isZero();
            assertThat(output).contains("OK").doesNotContain("skipped");
        }
    }
}
