package dev.detopt.service.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import dev.detopt.service.TestWorker;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The campaign pages in headless Chromium: a group (seed bands, physics-vs-cost scatter with its
 * front), the compare page, notes and tags, extend and fork from the study page, tags in the list.
 * Screenshots go to target/dashboard-screenshots/ (docs/img has copies).
 */
@ServiceTest
class CampaignDashboardBrowserTest {
    /** The sweep's base spec: budgets trade physics loss for cost. */
    static final String BASE = TestSpecs.budgetSweep("adam", 0.1, 12, 64, 32);

    @RegisterExtension
    static final BrowserSession browser = new BrowserSession();

    @LocalServerPort
    int port;

    @Test
    void groupCompareNotesExtendAndFork() throws Exception {
        ApiClient api = new ApiClient(port);
        api.cancelActiveStudies();
        String body = "{\"name\":\"budget sweep\",\"baseSpec\":" + BASE
                + ",\"vary\":{\"cost.budget\":[0.1,0.3,0.6,1.2],\"seed\":[1,2,3]},\"start\":true}";
        ApiClient.Response created = api.post("/api/v1/groups", body, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String groupId = created.json().path("id").asString();
        try (TestWorker worker = new TestWorker(api, "campaign-browser-worker", 0.25)) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() ->
                    api.get("/api/v1/groups/" + groupId, TestTokens.VIEWER).json().path("statusSummary").path("COMPLETED")
                            .asInt() == 12);
            JsonNode group = api.get("/api/v1/groups/" + groupId, TestTokens.VIEWER).json();

            Page page = browser.openSignedIn("#/groups", TestTokens.OPERATOR, "operator");
            assertThat(page.locator("tr[data-group-id='" + groupId + "']")).containsText("cost.budget: 4 × seed: 3");

            // The group page: one band per budget, every best design in the scatter, the front marked.
            page.navigate(browser.url("#/groups/" + groupId));
            assertThat(page.getByTestId("group-summary")).hasText("12 completed");
            assertThat(page.getByTestId("seed-band")).hasCount(4);
            assertThat(page.locator("[data-testid=seed-band] canvas")).hasCount(4);
            assertThat(page.locator("[data-testid=pareto-scatter] circle")).hasCount(12);
            int front = group.path("paretoFront").size();
            assertThat(page.locator("[data-testid=pareto-scatter] circle[data-on-front=true]")).hasCount(front);
            for (JsonNode id : group.path("paretoFront")) {
                assertThat(page.locator("circle[data-study-id='" + id.asString() + "']")).hasAttribute("data-on-front", "true");
            }
            assertThat(page.locator("[data-testid=front-table] tbody tr")).hasCount(front);
            // What the work cost: the group's total and each member's CPU time, as the API counts them.
            JsonNode accounting = api.get("/api/v1/groups/" + groupId + "/accounting", TestTokens.VIEWER).json();
            double total = accounting.path("accounting").path("cpuSeconds").asDouble();
            assertThat(total).isEqualTo(0.25 * worker.completed());
            assertThat(page.locator("[data-testid=group-accounting-list] [data-testid=cpu-seconds]"))
                    .hasText(numberText(total) + " CPU s");
            for (JsonNode member : group.path("members")) {
                String id = member.path("id").asString();
                double cpu = accounting.path("members").path(id).path("cpuSeconds").asDouble();
                assertThat(cpu).isPositive();
                assertThat(page.locator("tr[data-study-id='" + id + "'] td[data-cpu-seconds]")).hasText(numberText(cpu) + " CPU s");
            }
            HeadlessChromium.screenshot(page, "dashboard-group");

            // Compare two members from the list's checkboxes.
            String a = group.path("members").get(0).path("id").asString();
            String b = group.path("members").get(9).path("id").asString();
            page.navigate(browser.url("#/"));
            page.check("input[data-compare='" + a + "']");
            page.check("input[data-compare='" + b + "']");
            page.getByTestId("compare-chosen").click();
            page.waitForURL(Pattern.compile(".*#/compare\\?ids=.*"));
            assertThat(page.locator("[data-testid=compare-table] tbody tr")).hasCount(2);
            assertThat(page.locator("[data-testid=compare-by-step] canvas")).hasCount(1);
            assertThat(page.locator("[data-testid=compare-by-events] canvas")).hasCount(1);
            HeadlessChromium.screenshot(page, "dashboard-compare");

            // Notes and tags from the study page, then the list filtered by the tag.
            String tag = "t" + UUID.randomUUID().toString().substring(0, 8);
            page.navigate(browser.url("#/studies/" + a));
            assertThat(page.getByTestId("group-link")).isVisible();
            page.fill("#notes-description", "cheapest budget, first seed");
            page.fill("#notes-tags", tag + ", budget-scan");
            page.click("[data-action=save-notes]");
            assertThat(page.getByTestId("study-tags")).containsText(tag);
            assertThat(page.getByTestId("study-description")).hasText("cheapest budget, first seed");

            // Extend: the member stopped at maxSteps 12; it runs to 16.
            page.fill("#extend-limit", "16");
            page.click("[data-action=extend]");
            assertThat(page.getByTestId("step")).hasText(Pattern.compile("^16 / 16"), 
                    new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(60_000));
            assertThat(page.getByTestId("status")).hasText("completed");
            HeadlessChromium.screenshot(page, "dashboard-study-campaign");

            // Fork after step 5 with a smaller learning rate: the new study's page, linked to its parent.
            page.fill("#fork-from", "5");
            page.fill("#fork-patch", "{\"optimizer\": {\"learningRate\": 0.02}}");
            page.click("[data-action=fork]");
            page.waitForURL(Pattern.compile(".*#/studies/(?!" + a + ")[0-9a-f-]{36}$"));
            assertThat(page.getByTestId("parent-link")).isVisible();
            String forkId = page.url().replaceFirst(".*#/studies/", "");
            JsonNode fork = api.get("/api/v1/studies/" + forkId, TestTokens.VIEWER).json();
            assertThat(fork.path("parentId").asString()).isEqualTo(a);
            assertThat(fork.path("spec").path("optimizer").path("learningRate").asDouble()).isEqualTo(0.02);

            page.navigate(browser.url("#/?tag=" + tag));
            Locator rows = page.locator("[data-testid=studies-table] tbody tr");
            assertThat(rows).hasCount(1);
            assertThat(rows.getByTestId("tags")).containsText(tag);
            api.post("/api/v1/studies/" + forkId + "/cancel", (String) null, TestTokens.OPERATOR);
        }
    }

    /** How the dashboard prints these CPU seconds (under 1,000, at most two decimals): 3 for 3.0, 2.5 for 2.5. */
    private static String numberText(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
