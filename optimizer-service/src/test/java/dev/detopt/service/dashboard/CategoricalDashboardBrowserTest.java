package dev.detopt.service.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Page;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestTokens;
import dev.detopt.service.TestWorker;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The study page of a categorical study in headless Chromium: the design-choice panel draws each
 * choice's probability over the steps and names the most probable choice, the one /answer gives; the
 * detector drawing's legend names the absorber the drawn step most probably holds.
 */
@ServiceTest
class CategoricalDashboardBrowserTest {
    @RegisterExtension
    static final BrowserSession browser = new BrowserSession();

    static final String SPEC = """
            {"name": "absorber choice on the page", "simulator": {"name": "calorimeter", "config": {"layers": 10}},
             "parameters": [
               {"name": "e", "initial": 200, "frozen": true}, {"name": "a", "initial": 2.3, "frozen": true},
               {"name": "g", "initial": 5.7, "frozen": true},
               {"name": "absorber", "choices": ["Pb", "Cu", "Fe"], "logits": [1, 0, -1]}],
             "estimator": {"kind": "pathwise"}, "objective": {"type": "energy-resolution"},
             "optimizer": {"type": "adam", "learningRate": 0.2},
             "eventsPerStep": 40, "maxSteps": 5, "seed": 3}
            """;

    @LocalServerPort
    int port;

    @AfterEach
    void cleanUp() {
        new ApiClient(port).cancelActiveStudies();
    }

    @Test
    void theStudyPageShowsTheProbabilitiesOverStepsAndTheMostProbableChoice() throws Exception {
        ApiClient api = new ApiClient(port);
        api.cancelActiveStudies();
        ApiClient.Response created = api.post("/api/v1/studies", SPEC, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        UUID id = UUID.fromString(created.json().path("id").asString());
        assertThat(api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        try (TestWorker worker = new TestWorker(api, "categorical-page")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                    api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("status").asString().equals("COMPLETED"));
        }
        JsonNode points = api.get("/api/v1/studies/" + id + "/series", TestTokens.VIEWER).json().path("points");
        JsonNode last = points.path(points.size() - 1).path("probabilities").path("absorber");
        String lastBest = "Pb";
        for (String choice : new String[] {"Cu", "Fe"}) {
            if (last.path(choice).asDouble() > last.path(lastBest).asDouble()) {
                lastBest = choice;
            }
        }

        Page page = browser.open("#/studies/" + id);
        BrowserSession.signIn(page, TestTokens.VIEWER);

        assertThat(page.getByTestId("categorical-panel")).isVisible();
        assertThat(page.getByTestId("categorical-choice-absorber")).containsText(
                Pattern.compile("Most probable at step 4: " + lastBest + " \\(p = 0\\.\\d{3}\\)"));
        assertThat(page.locator("[data-categorical='absorber']")).hasAttribute("aria-label",
                "P(absorber) [1] by step: Pb, Cu, Fe");
        // one legend entry per choice, drawn by uPlot once its data arrived
        assertThat(page.locator("[data-categorical='absorber'] .u-legend .u-series")).hasCount(4);
        // no θ chart for a categorical
        assertThat(page.locator("[data-parameter='absorber']")).hasCount(0);
        // the drawing names the absorber the newest step most probably holds, not the built-in PbWO4
        assertThat(page.getByTestId("detector-step")).hasText(String.valueOf(points.path(points.size() - 1).path("step").asInt()));
        assertThat(page.locator("[data-testid='detector-caption'] [data-material='absorber']")).containsText(
                String.format(java.util.Locale.ROOT, "absorber (%s, p = %.3f)", lastBest, last.path(lastBest).asDouble()));
        assertThat(page.locator("[data-testid='detector-caption'] [data-material='gap']")).containsText("liquid argon");
    }
}
