package dev.detopt.service.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The study page's operations panel in headless Chromium: a FAILED study shows its last error
 * with the simulator's exit code and stderr on the header, the accounting card its CPU time and
 * failures, and a task's attempt history on click.
 */
@ServiceTest
class OperationsDashboardBrowserTest {
    @RegisterExtension
    static final BrowserSession browser = new BrowserSession();

    @LocalServerPort
    int port;

    @Test
    void aFailedStudyShowsItsLastErrorAccountingAndAttempts() {
        ApiClient api = new ApiClient(port);
        api.cancelActiveStudies();
        api.post("/api/v1/workers/register", Map.of("workerId", "ops-browser", "node", "pool-spot-7", "threads", 1),
                TestTokens.WORKER);
        ApiClient.Response created = api.post("/api/v1/studies", TestSpecs.gaussian(1, 8, 8, 31), TestTokens.OPERATOR);
        UUID study = UUID.fromString(created.json().path("id").asString());
        api.post("/api/v1/studies/" + study + "/start", (String) null, TestTokens.OPERATOR);
        long taskId = -1;
        for (int attempt = 1; attempt <= 3; attempt++) {
            JsonNode lease = api.post("/api/v1/workers/ops-browser/lease?max=1", (String) null, TestTokens.WORKER).json()
                    .path("tasks").get(0);
            taskId = lease.path("taskId").asLong();
            Map<String, Object> fail = new LinkedHashMap<>();
            fail.put("leaseToken", lease.path("leaseToken").asString());
            fail.put("reason", "SimulatorFailure: simulator 'em' exited with code 139 (attempt " + attempt + ")");
            fail.put("exitCode", 139);
            fail.put("stderrTail", "reading geometry\nSegmentation fault (core dumped)");
            fail.put("cpuSeconds", 2.5);
            assertThat(api.post("/api/v1/workers/ops-browser/tasks/" + taskId + "/fail", fail, TestTokens.WORKER).status())
                    .isEqualTo(204);
        }
        assertThat(api.get("/api/v1/studies/" + study, TestTokens.VIEWER).json().path("status").asString()).isEqualTo("FAILED");

        Page page = browser.open("#/studies/" + study);
        BrowserSession.signIn(page, TestTokens.VIEWER);
        assertThat(page.getByTestId("status")).hasText("failed");

        assertThat(page.getByTestId("last-error")).containsText("exited with code 139 (attempt 3)");
        assertThat(page.getByTestId("last-error")).containsText("exit code 139");
        assertThat(page.getByTestId("last-error-stderr")).containsText("Segmentation fault (core dumped)");
        assertThat(page.getByTestId("incidents")).hasText("0 · 0 · 3");
        assertThat(page.getByTestId("cpu-seconds")).hasText("7.5 CPU s");
        assertThat(page.getByTestId("cpu-lost")).hasText("7.5 CPU s");

        page.click("[data-task-id='" + taskId + "']");
        assertThat(page.locator("[data-testid=attempts] tbody tr")).hasCount(3);
        assertThat(page.locator("[data-testid=attempts] tr[data-outcome=failed]")).hasCount(3);
        assertThat(page.getByTestId("attempts")).containsText("pool-spot-7");
        HeadlessChromium.screenshot(page, "dashboard-failed-study");
    }
}
