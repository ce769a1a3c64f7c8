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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in headless Chromium against the whole service on the embedded stack, with an
 * in-test worker computing the steps over the worker API. Every wait is on a condition in the page
 * (Playwright's auto-retrying assertions), never a fixed sleep. Screenshots go to
 * target/dashboard-screenshots/.
 */
@ServiceTest
class DashboardBrowserTest {

    private static final Pattern STEP_CARD = Pattern.compile("^(\\d+) / ");

    /**
     * The Gaussian toy with a simulated target for μ and a cost on σ with a budget, so that every
     * panel of the study page has something to show (target line, cost against budget, penalty).
     */
    private static final String DEMO_SPEC = """
            {
              "name": "dashboard browser test",
              "simulator": {"name": "gaussian", "config": {"center": 2.0}},
              "parameters": [
                {"name": "mu", "unit": "cm", "initial": -1.0, "lower": -5, "upper": 5},
                {"name": "sigma", "unit": "cm", "initial": 1.0, "lower": 0.05, "upper": 3}
              ],
              "estimator": {"kind": "pathwise"},
              "objective": {"type": "profile-match", "observables": ["y"],
                            "target": {"simulate": {"parameters": {"mu": 2.0}, "events": 2000, "seed": 5}}},
              "cost": {"materialPrices": {"body": 100}, "budget": 60, "penalty": {"shape": "additive", "lambda": 1.0}},
              "optimizer": {"type": "adam", "learningRate": 0.05},
              "eventsPerStep": 40,
              "eventsPerBatch": 20,
              "maxSteps": 100000,
              "seed": 11
            }
            """;

    @RegisterExtension
    static final BrowserSession browser = new BrowserSession();

    @LocalServerPort
    int port;

    private static void signIn(Page page, String token, String role) {
        BrowserSession.signIn(page, token, role);
        // The dialog closes right before the view is re-rendered for the new role.
        assertThat(page.locator("#login-dialog")).isHidden();
    }

    /** The last step the loss plot holds, from its "N points, steps 0–K" label (-1 when empty). */
    private static int lastPlottedStep(Page page) {
        Matcher m = Pattern.compile("steps \\d+–(\\d+)").matcher(page.getByTestId("steps-plotted").innerText());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static int shownStep(Page page) {
        Matcher m = STEP_CARD.matcher(page.getByTestId("step").innerText().trim());
        assertThat(m.find()).as("step card text").isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** A spec with a bad bound is refused, and the field error is shown on the parameter's line. */
    private static void badSpecShowsTheFieldError(Page page) {
        page.navigate(page.url().replaceFirst("#.*", "#/new"));
        String bad = TestSpecs.gaussian(50, 20, 10, 3).replace("\"upper\": 5", "\"upper\": -9");
        page.fill("#spec-editor", bad);
        page.click("#create-start");
        Locator errors = page.locator("[data-testid=spec-errors] li");
        assertThat(errors.first()).containsText("parameters[0]");
        // The parameter sits on line 5 of TestSpecs.gaussian's text; its gutter number is marked.
        assertThat(page.locator(".editor .gutter .bad")).containsText(new String[] {"5"});
        assertThat(page.locator("#spec-editor")).hasAttribute("aria-invalid", "true");
        HeadlessChromium.screenshot(page, "dashboard-launch-error");
    }

    @Test
    void operatorLaunchesAStudyFromTheFormWatchesItPausesAndResumesIt() throws Exception {
        ApiClient api = new ApiClient(port);
        // Test classes share one service and queue: this test's worker should see only its own study.
        api.cancelActiveStudies();
        String studyId = null;
        try (TestWorker worker = new TestWorker(api, "dashboard-browser-worker")) {
            Page page = browser.open("#/");
            signIn(page, TestTokens.OPERATOR, "operator");

            badSpecShowsTheFieldError(page);

            // Many small steps so the study is still running while the test pauses and resumes it.
            String spec = DEMO_SPEC;
            page.fill("#spec-editor", spec);
            page.click("#create-start");
            page.waitForURL(Pattern.compile(".*#/studies/[0-9a-f-]{36}$"));
            studyId = page.url().replaceFirst(".*#/studies/", "");
            assertThat(page.locator("#study-title")).hasText("dashboard browser test");
            assertThat(page.getByTestId("status")).hasText("running");

            // Steps arrive on the plot: the loss chart draws a canvas and reports its points.
            assertThat(page.locator("#loss-chart canvas")).hasCount(1);
            assertThat(page.getByTestId("steps-plotted")).containsText("points");
            page.waitForCondition(() -> shownStep(page) >= 3);
            page.check("#loss-log");
            assertThat(page.locator("#loss-chart canvas")).hasCount(1);

            page.click("[data-action=pause]");
            assertThat(page.getByTestId("status")).hasText("paused");
            assertThat(page.locator("[data-action=resume]")).isVisible();
            assertThat(api.get("/api/v1/studies/" + studyId, TestTokens.VIEWER).json().path("status").asString())
                    .isEqualTo("PAUSED");
            int pausedAt = api.get("/api/v1/studies/" + studyId, TestTokens.VIEWER).json().path("step").asInt();

            page.click("[data-action=resume]");
            assertThat(page.getByTestId("status")).hasText("running");
            page.waitForCondition(() -> shownStep(page) > pausedAt + 2);
            assertThat(page.getByTestId("live")).hasText("live");
            // A few dozen steps make a more telling picture for docs/dashboard.md.
            page.waitForCondition(() -> shownStep(page) >= 40 && lastPlottedStep(page) >= 40);
            // The service's throughput over the last steps: a number, not the '–' shown without a figure.
            assertThat(page.getByTestId("rate")).hasText(Pattern.compile("^\\d[\\d.]*(e[+-]?\\d+)?$"));
            HeadlessChromium.screenshot(page, "dashboard-study");

            // The worker count: stop the in-test worker, let another one hold a lease on the study.
            worker.close();
            api.post("/api/v1/workers/register", "{\"workerId\":\"dashboard-lease-holder\",\"host\":\"test\"}",
                    TestTokens.WORKER);
            JsonNode held = api.post("/api/v1/workers/dashboard-lease-holder/lease?max=1&waitSeconds=10", (String) null,
                    TestTokens.WORKER).json().path("tasks").get(0);
            assertThat(held).as("a task of the running study to hold").isNotNull();
            assertThat(page.getByTestId("active-workers")).hasText("1");
            assertThat(page.getByTestId("workers-summary")).containsText("1 worker holding a lease");

            page.navigate(browser.url("#/"));
            Locator row = page.locator("tr[data-study-id='" + studyId + "']");
            assertThat(row.getByTestId("status")).hasText("running");
            assertThat(page.locator("[data-testid=studies-table] th", new Page.LocatorOptions().setHasText("Workers")))
                    .hasCount(1);
            assertThat(row.getByTestId("active-workers")).hasText("1");
            assertThat(row.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                    new Locator.GetByRoleOptions().setName("pause dashboard browser test"))).isVisible();
            page.setViewportSize(1400, 420);
            HeadlessChromium.screenshot(page, "dashboard-list");

            // The lease ends with the study's cancellation: the list's refresh shows nobody on it.
            api.post("/api/v1/studies/" + studyId + "/cancel", (String) null, TestTokens.OPERATOR);
            assertThat(row.getByTestId("status")).hasText("cancelled");
            assertThat(row.getByTestId("active-workers")).hasText("0");
        } finally {
            if (studyId != null) {
                api.post("/api/v1/studies/" + studyId + "/cancel", (String) null, TestTokens.OPERATOR);
            }
        }
    }

    @Test
    void withoutATokenNoRequestIsRefusedAndTheDialogSaysWhereTheLocalTokenIs() {
        Page page = browser.newPage();
        List<String> apiRequests = new CopyOnWriteArrayList<>();
        List<String> consoleErrors = new CopyOnWriteArrayList<>();
        page.onRequest(request -> {
            if (request.url().contains("/api/")) {
                apiRequests.add(request.method() + " " + request.url());
            }
        });
        page.onConsoleMessage(message -> {
            if (message.type().equals("error")) {
                consoleErrors.add(message.text());
            }
        });
        page.navigate(browser.url("#/"));
        page.waitForSelector("html[data-ready]");
        assertThat(page.locator("#login-dialog")).isVisible();
        assertThat(page.getByTestId("login-local-hint")).containsText(".detopt/admin-token");
        assertThat(apiRequests).as("API requests without a token").isEmpty();
        assertThat(consoleErrors).as("console errors before signing in").isEmpty();
    }

    @Test
    void aFinishedStudySaysFinishedNotPolling() {
        ApiClient api = new ApiClient(port);
        ApiClient.Response created = api.post("/api/v1/studies", TestSpecs.gaussian(5, 10, 10, 5)
                .replace("gaussian test", "finished, not polling"), TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        assertThat(api.post("/api/v1/studies/" + id + "/cancel", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);

        Page page = browser.open("#/studies/" + id);
        signIn(page, TestTokens.VIEWER, "viewer");
        assertThat(page.getByTestId("status")).hasText("cancelled");
        assertThat(page.getByTestId("live")).hasText("finished");
    }

    @Test
    void viewerSeesStudiesButNoWriteControls() {
        ApiClient api = new ApiClient(port);
        // Authentication is always on: a service that let an anonymous caller list studies would
        // have no read-only role to show, and that must fail here rather than skip.
        assertThat(api.get("/api/v1/studies", null).status())
                .as("an anonymous request is refused").isEqualTo(401);
        ApiClient.Response created = api.post("/api/v1/studies", TestSpecs.gaussian(5, 10, 10, 5)
                .replace("gaussian test", "viewer sees this"), TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();

        Page page = browser.newPage();
        List<String> apiRequests = new CopyOnWriteArrayList<>();
        page.onRequest(request -> {
            if (request.url().contains("/api/")) {
                apiRequests.add(request.method() + " " + request.url().replaceFirst("^https?://[^/]+", ""));
            }
        });
        page.navigate(browser.url("#/"));
        signIn(page, TestTokens.VIEWER, "viewer");
        Locator row = page.locator("tr[data-study-id='" + id + "']");
        assertThat(row).containsText("viewer sees this");
        assertThat(row.locator("button")).hasCount(0);
        assertThat(row.getByTestId("active-workers")).hasText("0");
        assertThat(page.locator("nav a[data-nav=new]")).isHidden();
        // The role comes from GET /api/v1/me; the dashboard never probes with a write.
        assertThat(apiRequests).contains("GET /api/v1/me");
        assertThat(apiRequests).allMatch(request -> request.startsWith("GET "));

        page.navigate(browser.url("#/studies/" + id));
        assertThat(page.locator("#study-title")).hasText("viewer sees this");
        assertThat(page.locator("[data-action]")).hasCount(0);
        assertThat(page.getByText("Export JSON")).isVisible();
        assertThat(apiRequests).allMatch(request -> request.startsWith("GET "));
    }

    @Test
    void launchFormOffersTheExampleSpecs() {
        Page page = browser.open("#/new");
        page.waitForSelector("html[data-ready]");
        assertThat(page.locator("#example-select option[value='c-branching-radius.json']")).hasCount(1);
        page.selectOption("#example-select", "c-branching-radius.json");
        assertThat(page.locator("#spec-editor")).hasValue(Pattern.compile("\"simulator\": \\{\"name\": \"branching\""));
    }
}
