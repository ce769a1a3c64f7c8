package dev.detopt.service.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestTokens;
import dev.detopt.service.TestWorker;
import dev.detopt.service.dashboard.ColourVision.Vision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The study page's fidelity in headless Chromium: the answer keeps up with new steps, a profile
 * match of one observable is shown as numbers rather than an empty chart, the colours that share a
 * chart stay apart under simulated colour-vision deficiencies, and every chart has units, a hover
 * readout, a layout that fits 1280×800 and 4K, and main actions reachable by keyboard.
 */
@ServiceTest
class DashboardFidelityBrowserTest {
    /** Smallest CIEDE2000 difference between two colours that share a chart, under every simulated vision. */
    private static final double MIN_DELTA_E = 10;

    /**
     * The Gaussian toy matching one observable (y) to a simulated target, with a priced σ: the loss,
     * cost, parameter and observable charts all have something to show.
     */
    private static final String SPEC = """
            {
              "name": "dashboard fidelity",
              "simulator": {"name": "gaussian", "config": {"center": 2.0}},
              "parameters": [
                {"name": "mu", "unit": "cm", "initial": -1.0, "lower": -5, "upper": 5},
                {"name": "sigma", "unit": "cm", "initial": 1.0, "lower": 0.05, "upper": 3}
              ],
              "estimator": {"kind": "pathwise"},
              "objective": {"type": "profile-match", "observables": ["y"],
                            "target": {"simulate": {"parameters": {"mu": 2.0}, "events": 400, "seed": 5}}},
              "cost": {"materialPrices": {"body": 100}, "budget": 60, "penalty": {"shape": "additive", "lambda": 1.0}},
              "optimizer": {"type": "adam", "learningRate": 0.05},
              "eventsPerStep": 32, "eventsPerBatch": 16, "maxSteps": %d, "seed": 11
            }
            """;

    @RegisterExtension
    static final BrowserSession browser = new BrowserSession();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @AfterEach
    void cancelTheStudies() {
        new ApiClient(port).cancelActiveStudies();
    }

    private String createAndStart(ApiClient api, int maxSteps) {
        api.cancelActiveStudies();
        ApiClient.Response created = api.post("/api/v1/studies", SPEC.formatted(maxSteps), TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        assertThat(api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        return id;
    }

    private int stepCount(String id) {
        return jdbc.queryForObject("SELECT count(*) FROM steps WHERE study_id = ?::uuid", Integer.class, id);
    }

    private static JsonNode study(ApiClient api, String id) {
        return api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json();
    }

    private static Page openStudy(String id, String token, String role) {
        return browser.openSignedIn("#/studies/" + id, token, role);
    }

    /**
     * The answer card refreshes with the charts: while every request of the slower physics views
     * (observables over steps) hangs, the answer still follows each new step — at a standstill, and
     * at the end. Then a profile match of a single observable shows its numbers, not an empty chart.
     */
    @Test
    void theAnswerFollowsNewStepsEvenWhileThePhysicsViewsHang() throws Exception {
        ApiClient api = new ApiClient(port);
        String id = createAndStart(api, 10);
        // Hold the physics views' requests from the page's first one on (routed before it loads).
        Page page = browser.newPage();
        List<Route> held = new CopyOnWriteArrayList<>();
        page.route(Pattern.compile(".*/series\\?.*observables=.*"), held::add);
        page.navigate(browser.url("#/studies/" + id));
        BrowserSession.signIn(page, TestTokens.VIEWER, "viewer");

        try (TestWorker worker = new TestWorker(api, "fidelity-answer-1")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> stepCount(id) >= 3);
        }
        // No worker: the study stands still at this many steps, and the page must show exactly that.
        int standing = stepCount(id);
        assertThat(page.getByTestId("step")).hasText(standing + " / 10");
        assertThat(page.getByTestId("answer-steps")).hasAttribute("data-steps", String.valueOf(standing));
        assertThat(page.getByTestId("answer-steps")).containsText("after " + standing + " steps");
        page.waitForCondition(() -> !held.isEmpty()); // the physics views asked, and hang

        try (TestWorker worker = new TestWorker(api, "fidelity-answer-2")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> study(api, id).path("status").asString().equals("COMPLETED"));
        }
        assertThat(page.getByTestId("step")).hasText("10 / 10");
        assertThat(page.getByTestId("answer-steps")).hasAttribute("data-steps", "10");
        assertThat(page.getByTestId("answer-steps")).containsText("Final design");
        JsonNode answer = api.get("/api/v1/studies/" + id + "/answer", TestTokens.VIEWER).json();
        assertThat(answer.path("stepsCompleted").asInt()).isEqualTo(10);
        assertThat(Double.parseDouble(page.locator("tr[data-answer-parameter=mu] [data-value]").getAttribute("data-value")))
                .isEqualTo(answer.path("finalTheta").path("mu").asDouble());
        page.unrouteAll();
        for (Route route : held) {
            route.resume();
        }

        // One compared observable (y): no empty profile chart, but its numbers at the newest step (9).
        JsonNode record = api.get("/api/v1/studies/" + id + "/steps?page=9&size=1", TestTokens.VIEWER).json()
                .path("items").get(0).path("record");
        assertThat(record.path("step").asInt()).isEqualTo(9);
        JsonNode y = record.path("observables").path("y");
        double target = study(api, id).path("state").path("target").get(0).asDouble();
        Locator physics = page.getByTestId("physics-panel");
        assertThat(physics.locator("h2")).hasText("Compared observable against its target");
        assertThat(physics.getByTestId("profile-chart")).isHidden();
        assertThat(physics.getByTestId("profile-residual")).isHidden();
        assertThat(physics.getByTestId("profile-step")).containsText("Step 9: y = ");
        assertThat(physics.getByTestId("profile-step")).containsText("cm");
        assertThat(physics.getByTestId("profile-step")).containsText("standard errors");
        Locator row = physics.locator("[data-testid=profile-table] tr[data-observable=y]");
        assertThat(row).isVisible();
        assertThat(Double.parseDouble(row.locator("[data-mean]").getAttribute("data-mean"))).isEqualTo(y.path("mean").asDouble());
        assertThat(Double.parseDouble(row.locator("[data-stderr]").getAttribute("data-stderr"))).isEqualTo(y.path("stderr").asDouble());
        assertThat(Double.parseDouble(row.locator("[data-target]").getAttribute("data-target"))).isEqualTo(target);
        physics.screenshot(new Locator.ScreenshotOptions()
                .setPath(java.nio.file.Path.of("target", "dashboard-screenshots", "dashboard-single-observable.png")));
    }

    /**
     * Colours read from the shipped modules and from every chart the study page draws: each pair
     * that shares a chart differs by at least {@link #MIN_DELTA_E} (CIEDE2000) under normal vision
     * and simulated protanopia, deuteranopia and tritanopia. Then units on every chart's axis, a
     * hover readout, the layout at 1280×800 and 4K, and the main actions by keyboard.
     */
    @Test
    void chartsAreReadableByEveryoneAtEverySizeAndByKeyboard() throws Exception {
        ApiClient api = new ApiClient(port);
        String id = createAndStart(api, 40);
        try (TestWorker worker = new TestWorker(api, "fidelity-charts")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> stepCount(id) >= 4);
        }
        int standing = stepCount(id);
        Page page = openStudy(id, TestTokens.OPERATOR, "operator");
        assertThat(page.getByTestId("step")).hasText(standing + " / 40");
        assertThat(page.locator("[data-testid=observable-chart] canvas")).hasCount(1);
        assertThat(page.locator("#parameter-charts .chart canvas")).hasCount(2);
        assertThat(page.locator("#cost-chart canvas")).hasCount(1);

        // Colours.
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> groups = (List<Map<String, Object>>) page.evaluate("""
                async () => {
                  const charts = [...document.querySelectorAll('.chart')].filter(c => c.seriesColors)
                    .map(c => ({ name: c.getAttribute('aria-label'), colors: c.seriesColors }));
                  const { COLORS } = await import('./assets/dashboard/charts.js');
                  const { MATERIALS, SLAB_COLORS } = await import('./assets/dashboard/detector.js');
                  const { TASK_COLORS } = await import('./assets/dashboard/study.js');
                  const { PARETO_COLORS } = await import('./assets/dashboard/pareto.js');
                  return [...charts,
                    { name: 'compare and group charts: the whole palette', colors: COLORS },
                    { name: 'calorimeter drawing', colors: [MATERIALS.absorber.color, MATERIALS.gap.color] },
                    { name: "a program's declared stack", colors: SLAB_COLORS },
                    { name: 'task bar', colors: Object.values(TASK_COLORS) },
                    { name: 'Pareto scatter', colors: Object.values(PARETO_COLORS) }];
                }
                """);
        List<String> chartNames = groups.stream().map(g -> String.valueOf(g.get("name"))).toList();
        assertThat(chartNames).anyMatch(n -> n.startsWith("loss")).anyMatch(n -> n.startsWith("cost"))
                .anyMatch(n -> n.startsWith("mu")).anyMatch(n -> n.startsWith("mean"));
        List<String> failures = new ArrayList<>();
        double smallest = Double.MAX_VALUE;
        for (Map<String, Object> group : groups) {
            @SuppressWarnings("unchecked")
            List<String> colours = (List<String>) group.get("colors");
            assertThat(colours).as("colours of %s", group.get("name")).isNotEmpty();
            for (int i = 0; i < colours.size(); i++) {
                for (int j = i + 1; j < colours.size(); j++) {
                    for (Vision vision : Vision.values()) {
                        double delta = ColourVision.deltaE2000(colours.get(i), colours.get(j), vision);
                        smallest = Math.min(smallest, delta);
                        if (delta < MIN_DELTA_E) {
                            failures.add("%s: %s vs %s under %s: ΔE00 %.1f".formatted(group.get("name"), colours.get(i),
                                    colours.get(j), vision, delta));
                        }
                    }
                }
            }
        }
        System.out.printf("colour pairs in %d charts: smallest ΔE00 %.1f%n", groups.size(), smallest);
        assertThat(failures).as("colour pairs too close").isEmpty();

        // Units: every chart's value axis names its unit ([1] for a ratio).
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<String> labels = page.locator("[role=figure].chart").all().stream().map(c -> c.getAttribute("aria-label")).toList();
            assertThat(labels).hasSizeGreaterThanOrEqualTo(7).allSatisfy(label ->
                    assertThat(label.substring(0, label.indexOf(" by "))).as(label).matches(".*\\[[^\\]]+\\]$"));
            assertThat(labels).contains("loss [cm²] by step: total, physics, penalty, cost c(θ)", "mu [cm] by step: mu, lower, upper, target",
                    "y [cm] by step: mean, +1 s.e., −1 s.e.");
            assertThat(labels).anyMatch(l -> l.startsWith("cost [price units] by step"));
        });

        // A hover readout on every drawn chart: the legend shows the numbers under the cursor.
        for (Locator chart : page.locator(".chart:has(canvas)").all()) {
            if (!chart.isVisible()) {
                continue;
            }
            chart.scrollIntoViewIfNeeded();
            chart.locator(".u-over").hover();
            Locator firstSeriesValue = chart.locator(".u-legend .u-series").nth(1).locator(".u-value");
            assertThat(firstSeriesValue).hasText(Pattern.compile("^-?[0-9.]+(e[+-]?[0-9]+)?$"));
        }

        // Layout: nothing wider than the window at 1280×800; at 4K the page widens and its charts grow taller.
        String lossCanvasHeight = "document.querySelector('#loss-chart canvas').getBoundingClientRect().height";
        double laptopHeight = 0;
        for (int[] size : new int[][] {{1280, 800}, {3840, 2160}}) {
            page.setViewportSize(size[0], size[1]);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(((Number) page.evaluate("document.documentElement.scrollWidth")).intValue())
                        .as("page width at %d px", size[0]).isLessThanOrEqualTo(size[0]);
                Object overflowing = page.evaluate("""
                        [...document.querySelectorAll('.panel')].filter(p => p.offsetParent)
                          .flatMap(p => [...p.querySelectorAll('canvas, svg')].filter(c => c.offsetParent)
                            .filter(c => c.getBoundingClientRect().right > p.getBoundingClientRect().right + 1)
                            .map(c => (p.querySelector('h2')?.textContent || '?')))""");
                assertThat((List<?>) overflowing).as("drawings wider than their panel at %d px", size[0]).isEmpty();
            });
            HeadlessChromium.screenshot(page, "fidelity-" + size[0]);
            if (size[0] == 1280) {
                laptopHeight = ((Number) page.evaluate(lossCanvasHeight)).doubleValue();
            }
        }
        double laptop = laptopHeight;
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(((Number) page.evaluate(lossCanvasHeight)).doubleValue()).isGreaterThan(1.4 * laptop));
        assertThat(((Number) page.evaluate("document.querySelector('main').getBoundingClientRect().width")).doubleValue())
                .isGreaterThan(2000);
        page.setViewportSize(1280, 800);

        // Keyboard: Tab from the top reaches the main actions, in page order, and Enter pauses the study.
        page.evaluate("document.activeElement?.blur(); window.scrollTo(0, 0)");
        List<String> reached = new ArrayList<>();
        for (int i = 0; i < 120 && !reached.contains("pause"); i++) {
            page.keyboard().press("Tab");
            reached.add(String.valueOf(page.evaluate("""
                    (() => { const e = document.activeElement;
                      return e.dataset.action || e.id || e.textContent.trim().slice(0, 30); })()""")));
        }
        assertThat(reached).contains("Skip to content", "pause");
        page.keyboard().press("Enter");
        await().atMost(Duration.ofSeconds(20)).until(() -> study(api, id).path("status").asString().equals("PAUSED"));
        assertThat(page.locator("[data-action=resume]")).isVisible();
        for (int i = 0; i < 300 && !reached.contains("observable-select"); i++) {
            page.keyboard().press("Tab");
            reached.add(String.valueOf(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim().slice(0, 30)")));
        }
        assertThat(reached).contains("Export JSON", "Export CSV", "loss-log", "grad-log", "step-slider", "best-overlay",
                "observable-select");
        // The step slider answers to the keyboard.
        page.locator("#step-slider").focus();
        page.keyboard().press("Home");
        assertThat(page.getByTestId("detector-step")).hasText("0");
        page.keyboard().press("End");
        assertThat(page.getByTestId("detector-step")).hasText(String.valueOf(standing - 1));

        // The compare page's loss axes carry the studies' shared unit too.
        page.navigate(browser.url("#/compare?ids=" + id));
        assertThat(page.locator("[role=figure].chart canvas")).hasCount(2);
        List<String> compared = page.locator("[role=figure].chart").all().stream().map(c -> c.getAttribute("aria-label")).toList();
        assertThat(compared).allSatisfy(label -> assertThat(label).startsWith("total loss [cm²] by "));
    }
}
