package dev.detopt.service.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestTokens;
import dev.detopt.service.TestWorker;
import dev.detopt.model.study.StepRecord;
import dev.detopt.model.study.contract.WireJson;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The study page's physics sections in headless Chromium against the whole service: the detector
 * drawn from θ, the deposit profile against the API's numbers, the answer, a snapshot download.
 * Screenshots go to target/dashboard-screenshots/ (those in docs/img are copied from there).
 */
@ServiceTest
class PhysicsDashboardBrowserTest {
    private static final int LAYERS = 8;
    private static final int STEPS = 10_000;

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;

    /** A small calorimeter profile match (identify e and a), fast enough for a test. */
    private static final String CALORIMETER_SPEC = """
            {
              "name": "calorimeter profile in the browser",
              "simulator": {"name": "calorimeter", "config": {"layers": %d, "transverseSizeMm": 100, "particle": "e-"}},
              "parameters": [
                {"name": "e", "unit": "MeV", "initial": 900, "lower": 200, "upper": 3000, "scale": 100},
                {"name": "a", "unit": "mm", "initial": 4.0, "lower": 0.5, "upper": 10, "scale": 0.5},
                {"name": "g", "unit": "mm", "initial": 5.7, "frozen": true}
              ],
              "estimator": {"kind": "pathwise"},
              "objective": {"type": "profile-match", "observables": ["absorber.*", "gap.*"],
                            "target": {"simulate": {"parameters": {"e": 600, "a": 2.5}, "events": 300, "seed": 7}}},
              "optimizer": {"type": "adam", "learningRate": 0.3},
              "eventsPerStep": 40, "eventsPerBatch": 20, "maxSteps": 6, "seed": 2025,
              "artifactEvery": 3
            }
            """.formatted(LAYERS);

    @RegisterExtension
    static final BrowserSession browser = new BrowserSession();

    @LocalServerPort
    int port;

    private String runToCompletion(ApiClient api, String spec) throws Exception {
        api.cancelActiveStudies();
        ApiClient.Response created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR);
        try (TestWorker worker = new TestWorker(api, "physics-browser-worker")) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() ->
                    api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("status").asString().equals("COMPLETED"));
        }
        return id;
    }

    private Page openStudy(String id) {
        return browser.openSignedIn("#/studies/" + id, TestTokens.VIEWER, "viewer");
    }

    @Test
    void theDetectorTheProfileTheAnswerAndASnapshotMatchTheApi() throws Exception {
        ApiClient api = new ApiClient(port);
        String id = runToCompletion(api, CALORIMETER_SPEC);
        Page page = openStudy(id);
        assertThat(page.getByTestId("detector-svg")).isVisible();

        // Keyboard: the step slider goes to step 2 with Home and two right arrows.
        Locator slider = page.locator("#step-slider");
        slider.focus();
        page.keyboard().press("Home");
        page.keyboard().press("ArrowRight");
        page.keyboard().press("ArrowRight");
        assertThat(page.getByTestId("detector-step")).hasText("2");

        // The drawing: LAYERS absorber and LAYERS gap rectangles, each as thick as θ at step 2, to scale.
        JsonNode record = api.get("/api/v1/studies/" + id + "/steps?page=2&size=1", TestTokens.VIEWER).json()
                .path("items").get(0).path("record");
        assertThat(record.path("step").asInt()).isEqualTo(2);
        double a = record.path("theta").path("a").asDouble();
        double g = record.path("theta").path("g").asDouble();
        Locator svg = page.getByTestId("detector-svg");
        assertThat(svg).hasAttribute("data-layers", String.valueOf(LAYERS));
        double pxPerMm = Double.parseDouble(svg.getAttribute("data-scale-px-per-mm"));
        assertThat(thicknesses(svg.locator("rect[data-material=absorber]"))).hasSize(LAYERS).containsOnly(a);
        assertThat(thicknesses(svg.locator("rect[data-material=gap]"))).hasSize(LAYERS).containsOnly(g);
        List<Double> widths = numbers(svg.locator("rect[data-material=absorber]"), "width");
        assertThat(widths).allSatisfy(w -> assertThat(w).isCloseTo(a * pxPerMm, org.assertj.core.data.Offset.offset(1e-9 * a * pxPerMm)));

        // The profile at step 2: every compared observable's mean, s.e. and target are the API's numbers.
        JsonNode state = api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("state");
        assertThat(page.getByTestId("profile-step")).containsText("Step 2");
        Locator rows = page.locator("[data-testid=profile-table] tbody tr");
        assertThat(rows).hasCount(2 * LAYERS);
        for (int i = 0; i < 2 * LAYERS; i++) {
            String name = (i < LAYERS ? "absorber." : "gap.") + (i % LAYERS);
            Locator row = page.locator("[data-testid=profile-table] tr[data-observable='" + name + "']");
            JsonNode estimate = record.path("observables").path(name);
            assertThat(Double.parseDouble(row.locator("[data-mean]").getAttribute("data-mean")))
                    .as("mean of %s", name).isEqualTo(estimate.path("mean").asDouble());
            assertThat(Double.parseDouble(row.locator("[data-stderr]").getAttribute("data-stderr")))
                    .as("s.e. of %s", name).isEqualTo(estimate.path("stderr").asDouble());
            assertThat(Double.parseDouble(row.locator("[data-target]").getAttribute("data-target")))
                    .as("target of %s", name).isEqualTo(state.path("target").get(i).asDouble());
        }
        assertThat(page.locator("[data-testid=profile-chart] canvas")).hasCount(1);
        assertThat(page.locator("[data-testid=profile-residual] canvas")).hasCount(1);
        // The hover readout names the compared observable under the cursor, not its index.
        for (String chart : List.of("profile-chart", "profile-residual")) {
            Locator box = page.getByTestId(chart);
            box.scrollIntoViewIfNeeded();
            box.locator(".u-over").hover();
            assertThat(box.locator(".u-legend .u-series").first().locator(".u-value"))
                    .hasText(java.util.regex.Pattern.compile("^(absorber|gap)\\.\\d+$"));
        }

        // The answer: final θ, Gauss–Newton uncertainty with units, times with their zone.
        JsonNode answer = api.get("/api/v1/studies/" + id + "/answer", TestTokens.VIEWER).json();
        assertThat(page.getByTestId("answer-method")).containsText("Gauss–Newton");
        Locator aRow = page.locator("tr[data-answer-parameter=a]");
        assertThat(aRow.locator("[data-value]")).isVisible();
        assertThat(Double.parseDouble(aRow.locator("[data-value]").getAttribute("data-value")))
                .isEqualTo(answer.path("finalTheta").path("a").asDouble());
        assertThat(aRow.locator("[data-uncertainty]")).containsText("mm");
        assertThat(page.getByTestId("answer-started")).hasText(java.util.regex.Pattern.compile("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC$"));
        assertThat(page.getByTestId("answer-best")).containsText("biased low");
        assertThat(page.getByTestId("parameter-space").locator("svg")).isVisible();

        // A snapshot downloads, and is the service's snapshot of that step.
        Locator button = page.locator("button[data-artifact='step-2.json']");
        assertThat(button).isVisible();
        Download download = page.waitForDownload(button::click);
        JsonNode snapshot = WireJson.mapper().readTree(Files.readString(download.path()));
        assertThat(snapshot.path("step").asInt()).isEqualTo(2);
        assertThat(snapshot.path("record")).isEqualTo(record);

        page.setViewportSize(1280, 800);
        HeadlessChromium.screenshot(page, "dashboard-physics-1280");
        // A 4K screen: the page widens (two columns of panels) instead of leaving a narrow strip.
        page.setViewportSize(3840, 2160);
        assertThat(((Number) page.evaluate("document.querySelector('main').getBoundingClientRect().width")).doubleValue())
                .isGreaterThan(2000);
        HeadlessChromium.screenshot(page, "dashboard-physics-4k");
        page.setViewportSize(1400, 1000);
        element(page, "[data-testid=answer-panel]", "dashboard-answer");
        element(page, "section:has(#detector-h)", "dashboard-detector");
        element(page, "[data-testid=physics-panel]", "dashboard-profile");
        element(page, "[data-testid=space-panel]", "dashboard-parameter-space");
        element(page, "section:has(#observable-h)", "dashboard-observable");
    }

    /** Example (b) in small: the resolution per step with its error, and the visible energy's mean. */
    @Test
    void anEnergyResolutionStudyShowsTheResolutionAndTheVisibleEnergy() throws Exception {
        ApiClient api = new ApiClient(port);
        String id = runToCompletion(api, """
                {
                  "name": "resolution in the browser",
                  "simulator": {"name": "calorimeter", "config": {"layers": 6, "transverseSizeMm": 100, "particle": "e-"}},
                  "parameters": [
                    {"name": "e", "unit": "MeV", "initial": 500, "frozen": true},
                    {"name": "a", "unit": "mm", "initial": 3.0, "lower": 0.5, "upper": 6.0},
                    {"name": "g", "unit": "mm", "initial": 5.7, "lower": 1.0, "upper": 15.0}
                  ],
                  "estimator": {"kind": "pathwise"},
                  "objective": {"type": "energy-resolution", "observable": "visible", "squaredObservable": "visible.squared"},
                  "optimizer": {"type": "adam", "learningRate": 0.1},
                  "eventsPerStep": 40, "eventsPerBatch": 20, "maxSteps": 5, "seed": 31
                }
                """);
        Page page = openStudy(id);
        assertThat(page.locator("[data-testid=resolution-chart] canvas")).hasCount(1);
        assertThat(page.locator("#observable-select")).hasValue("visible");
        assertThat(page.locator("[data-testid=observable-chart] canvas")).hasCount(1);
        assertThat(page.getByTestId("answer-method")).containsText("spread");
        element(page, "[data-testid=physics-panel]", "dashboard-resolution");

        // The branching simulator's detector: its annulus at the newest θ, to scale.
        String branching = runToCompletion(api, dev.detopt.service.TestSpecs.branching(4, 40, 20, 3));
        page.navigate(browser.url("#/studies/" + branching));
        Locator annulus = page.locator("[data-testid=detector-svg] path[data-inner-radius]");
        assertThat(annulus).hasCount(1);
        double theta = api.get("/api/v1/studies/" + branching + "/steps?size=1&order=desc", TestTokens.VIEWER).json()
                .path("items").get(0).path("record").path("theta").path("theta").asDouble();
        assertThat(Double.parseDouble(annulus.getAttribute("data-inner-radius"))).isEqualTo(theta);
        element(page, "section:has(#detector-h)", "dashboard-annulus");
    }

    /**
     * 10,000 steps stay fluid: the page asks for a downsampled series, and the longest main-thread
     * task (Chromium's Long Tasks API) while it loads, draws and replays the slider stays short.
     * The steps are written straight into the steps table (real records, real PostgreSQL): running
     * 10,000 steps through workers would take minutes.
     */
    @Test
    void tenThousandStepsStayFluid() {
        ApiClient api = new ApiClient(port);
        ApiClient.Response created = api.post("/api/v1/studies", """
                {"name": "ten thousand steps", "simulator": {"name": "gaussian", "config": {"center": 2.0}},
                 "parameters": [{"name": "mu", "unit": "cm", "initial": -1.0, "lower": -5, "upper": 5},
                                {"name": "sigma", "unit": "cm", "initial": 1.0, "lower": 0.05, "upper": 3}],
                 "estimator": {"kind": "pathwise"}, "objective": {"type": "expected-loss"},
                 "optimizer": {"type": "adam", "learningRate": 0.01},
                 "eventsPerStep": 10, "maxSteps": 10000, "seed": 1}
                """, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        java.util.UUID id = java.util.UUID.fromString(created.json().path("id").asString());
        List<Object[]> rows = new java.util.ArrayList<>();
        for (int k = 0; k < STEPS; k++) {
            double mu = -1.0 + 3.0 * (1 - Math.exp(-k / 2000.0)) + 0.01 * Math.sin(k);
            double sigma = 1.0 - 0.9 * (1 - Math.exp(-k / 3000.0));
            double loss = (mu - 2.0) * (mu - 2.0) + sigma * sigma;
            StepRecord record = new StepRecord(k, java.util.Map.of("mu", mu, "sigma", sigma), loss, 0.05, 0, 0, loss,
                    java.util.Map.of("mu", 2 * (mu - 2.0), "sigma", 2 * sigma), java.util.Map.of("mu", 0.1, "sigma", 0.1),
                    Math.hypot(2 * (mu - 2.0), 2 * sigma), 10, 10L * (k + 1), null,
                    java.util.Map.of("y", new StepRecord.ObservableEstimate(mu, 0.3, null),
                            "loss", new StepRecord.ObservableEstimate(loss, 0.1, null)));
            rows.add(new Object[] {id, k, WireJson.write(record), loss, 0.05, 0.0, 0.0, loss, record.gradientNorm(), 10L,
                    10L * (k + 1)});
        }
        jdbc.batchUpdate("INSERT INTO steps (study_id, step, record, physics, physics_stderr, cost, penalty, total,"
                + " gradient_norm, events, events_total) VALUES (?, ?, ?::json, ?, ?, ?, ?, ?, ?, ?, ?)", rows);

        Page page = openStudy(id.toString());
        page.evaluate("window.__longest = 0; new PerformanceObserver(list => list.getEntries().forEach(e =>"
                + " window.__longest = Math.max(window.__longest, e.duration))).observe({type: 'longtask', buffered: true})");
        assertThat(page.getByTestId("steps-plotted")).containsText("steps 0–" + (STEPS - 1));
        assertThat(page.getByTestId("detector-svg")).isVisible();
        assertThat(page.locator("[data-testid=observable-chart] canvas")).hasCount(1);
        // Replay the design with the keyboard from the first kept step to the last.
        page.locator("#step-slider").focus();
        page.keyboard().press("Home");
        assertThat(page.getByTestId("detector-step")).hasText("0");
        for (int i = 0; i < 20; i++) {
            page.keyboard().press("PageUp");
        }
        page.keyboard().press("End");
        assertThat(page.getByTestId("detector-step")).hasText(String.valueOf(STEPS - 1));
        double longest = ((Number) page.evaluate("window.__longest")).doubleValue();
        double load = ((Number) page.evaluate("performance.getEntriesByType('navigation')[0].duration")).doubleValue();
        System.out.printf("10,000 steps: longest main-thread task %.0f ms (navigation %.0f ms)%n", longest, load);
        // A frame-budget figure would be flaky on a shared 2-core machine; a task over a second would not be fluid.
        assertThat(longest).as("longest main-thread task in ms").isLessThan(1000);
        HeadlessChromium.screenshot(page, "dashboard-10000-steps");
    }

    private static void element(Page page, String selector, String name) {
        page.locator(selector).first().screenshot(new Locator.ScreenshotOptions()
                .setPath(java.nio.file.Path.of("target", "dashboard-screenshots", name + ".png")));
    }

    private static List<Double> thicknesses(Locator rects) {
        return numbers(rects, "data-thickness-mm");
    }

    /** An attribute of every element as a double (JavaScript numbers arrive as Integer or Double). */
    private static List<Double> numbers(Locator elements, String attribute) {
        Object values = elements.evaluateAll("(es, name) => es.map(e => +e.getAttribute(name))", attribute);
        return ((List<?>) values).stream().map(v -> ((Number) v).doubleValue()).toList();
    }
}
