package dev.detopt.service.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.detopt.model.external.ExternalSimulators;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import dev.detopt.service.TestWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Study-page modes the other browser tests leave out, each checked against the API's numbers: an
 * external program drawn from its declared drawing hint, the step slider following new steps (and
 * not once moved back), and the (θ − θ*)/θ* parameter panels.
 */
@ServiceTest
class StudyPageModesBrowserTest {
    /** The test profile's registry: em-shower is the Python example, declaring a 20-layer stack. */
    private static final Path REGISTRY = Path.of("src", "test", "resources", "simulators-test.json").toAbsolutePath();
    private static final double TARGET_E = 600;
    private static final double TARGET_A = 2.5;

    @RegisterExtension
    static final BrowserSession browser = new BrowserSession();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @AfterEach
    void cancelTheTestsStudies() {
        new ApiClient(port).cancelActiveStudies();
    }

    private String createAndStart(ApiClient api, String spec) {
        api.cancelActiveStudies();
        ApiClient.Response created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        assertThat(api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        return id;
    }

    private String status(ApiClient api, String id) {
        return api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("status").asString();
    }

    private int stepCount(String id) {
        return jdbc.queryForObject("SELECT count(*) FROM steps WHERE study_id = ?::uuid", Integer.class, id);
    }

    private JsonNode record(ApiClient api, String id, int step) {
        JsonNode record = api.get("/api/v1/studies/" + id + "/steps?page=" + step + "&size=1", TestTokens.VIEWER).json()
                .path("items").get(0).path("record");
        assertThat(record.path("step").asInt()).isEqualTo(step);
        return record;
    }

    private Page openStudy(String id) {
        return browser.openSignedIn("#/studies/" + id, TestTokens.VIEWER, "viewer");
    }

    /** Waits until the drawn bar of mu holds this θ (JS and Java spell doubles differently, so compare numbers). */
    private static void drawnMuIs(Page page, double expected) {
        Locator bar = page.locator("rect[data-parameter=mu]");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(Double.parseDouble(bar.getAttribute("data-value"))).isEqualTo(expected));
    }

    private static List<Double> numbers(Locator elements, String attribute) {
        List<Double> out = new ArrayList<>();
        for (Locator element : elements.all()) {
            out.add(Double.parseDouble(element.getAttribute(attribute)));
        }
        return out;
    }

    @Test
    void anExternalProgramIsDrawnAsTheStackItsHelloDeclares() throws Exception {
        ApiClient api = new ApiClient(port);
        JsonNode listed = null;
        for (JsonNode simulator : api.get("/api/v1/simulators", TestTokens.VIEWER).json()) {
            if (simulator.path("name").asString().equals("em-shower")) {
                listed = simulator;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.path("drawing").path("repeat").asInt()).isEqualTo(20);

        String spec = Files.readString(Path.of("..", "docs", "examples", "simulators", "d-em-shower-resolution.json"))
                .replace("\"eventsPerStep\": 400", "\"eventsPerStep\": 32")
                .replace("\"eventsPerBatch\": 100", "\"eventsPerBatch\": 16")
                .replace("\"maxSteps\": 20", "\"maxSteps\": 3");
        String id = createAndStart(api, spec);
        try (ExternalSimulators simulators = ExternalSimulators.load(REGISTRY);
             TestWorker worker = new TestWorker(api, "modes-external-worker", simulators.catalog())) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .until(() -> status(api, id).equals("COMPLETED"));
        }
        Page page = openStudy(id);
        Locator svg = page.locator("[data-testid=detector-svg][data-drawing=hint]");
        assertThat(svg).isVisible();
        assertThat(page.getByTestId("detector-step")).hasText("2");
        JsonNode theta = record(api, id, 2).path("theta");
        double absorber = theta.path("absorber").asDouble();
        double active = theta.path("active").asDouble();
        assertThat(svg).hasAttribute("data-layers", "20");
        Locator lead = svg.locator("rect[data-material='absorber (lead)']");
        Locator scintillator = svg.locator("rect[data-material='active (scintillator)']");
        assertThat(numbers(lead, "data-thickness")).hasSize(20).containsOnly(absorber);
        assertThat(numbers(scintillator, "data-thickness")).hasSize(20).containsOnly(active);
        double scale = Double.parseDouble(svg.getAttribute("data-scale-px-per-unit"));
        assertThat(numbers(lead, "width")).allSatisfy(w ->
                assertThat(w).isCloseTo(absorber * scale, org.assertj.core.data.Offset.offset(1e-9 * absorber * scale)));
        // Slabs follow each other front to back: the last ends at 20 × (absorber + active).
        List<Double> xs = numbers(scintillator, "x");
        double left = numbers(lead, "x").getFirst();
        assertThat(xs.getLast() + active * scale - left).isCloseTo(20 * (absorber + active) * scale,
                org.assertj.core.data.Offset.offset(1e-6));
        assertThat(page.getByTestId("detector-caption")).containsText("absorber (lead)");
        // The detector panel alone, for docs/dashboard.md.
        page.getByTestId("detector").locator("xpath=..").screenshot(new Locator.ScreenshotOptions()
                .setPath(Path.of("target", "dashboard-screenshots", "dashboard-detector-hint.png")));
    }

    @Test
    void theStepSliderFollowsNewStepsUntilMovedBack() throws Exception {
        ApiClient api = new ApiClient(port);
        String id = createAndStart(api, TestSpecs.gaussian(12, 32, 16, 11));
        try (TestWorker first = new TestWorker(api, "modes-slider-1")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> stepCount(id) >= 2);
        }
        int shown = stepCount(id) - 1; // the worker is stopped: no step completes until the next one
        Page page = openStudy(id);
        assertThat(page.getByTestId("detector-step")).hasText(String.valueOf(shown));
        drawnMuIs(page, record(api, id, shown).path("theta").path("mu").asDouble());

        // Moved back to step 0, the view stays there while new steps arrive (the slider grows).
        page.locator("#step-slider").focus();
        page.keyboard().press("Home");
        assertThat(page.getByTestId("detector-step")).hasText("0");
        try (TestWorker second = new TestWorker(api, "modes-slider-2")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> stepCount(id) >= shown + 4);
        }
        int grown = stepCount(id) - 1;
        assertThat(page.locator("#step-slider")).hasAttribute("max", String.valueOf(grown));
        assertThat(page.getByTestId("detector-step")).hasText("0");
        drawnMuIs(page, record(api, id, 0).path("theta").path("mu").asDouble());

        // At the end again, it follows every new step to the last.
        page.keyboard().press("End");
        assertThat(page.getByTestId("detector-step")).hasText(String.valueOf(grown));
        try (TestWorker third = new TestWorker(api, "modes-slider-3")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> status(api, id).equals("COMPLETED"));
        }
        assertThat(page.getByTestId("detector-step")).hasText("11");
        drawnMuIs(page, record(api, id, 11).path("theta").path("mu").asDouble());
    }

    @Test
    void theRelativeParameterModeShowsEachStepsDeviationFromTheTarget() throws Exception {
        ApiClient api = new ApiClient(port);
        String spec = """
                {
                  "name": "relative parameter panels",
                  "simulator": {"name": "calorimeter", "config": {"layers": 6, "transverseSizeMm": 100, "particle": "e-"}},
                  "parameters": [
                    {"name": "e", "unit": "MeV", "initial": 900, "lower": 200, "upper": 3000, "scale": 100},
                    {"name": "a", "unit": "mm", "initial": 4.0, "lower": 0.5, "upper": 10, "scale": 0.5},
                    {"name": "g", "unit": "mm", "initial": 5.7, "frozen": true}
                  ],
                  "estimator": {"kind": "pathwise"},
                  "objective": {"type": "profile-match", "observables": ["absorber.*", "gap.*"],
                                "target": {"simulate": {"parameters": {"e": %s, "a": %s}, "events": 200, "seed": 7}}},
                  "optimizer": {"type": "adam", "learningRate": 0.3},
                  "eventsPerStep": 40, "eventsPerBatch": 20, "maxSteps": 5, "seed": 31
                }
                """.formatted(TARGET_E, TARGET_A);
        String id = createAndStart(api, spec);
        try (TestWorker worker = new TestWorker(api, "modes-relative-worker")) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .until(() -> status(api, id).equals("COMPLETED"));
        }
        Page page = openStudy(id);
        Locator chartA = page.locator("#parameter-charts .chart[data-parameter=a]");
        assertThat(chartA.locator("canvas")).hasCount(1);
        page.selectOption("#parameter-mode", "relative");
        assertThat(chartA).hasAttribute("aria-label", java.util.regex.Pattern.compile("^\\(a − a\\*\\)/a\\* \\[1\\]"));

        for (String name : List.of("e", "a")) {
            double target = name.equals("e") ? TARGET_E : TARGET_A;
            @SuppressWarnings("unchecked")
            List<List<Number>> drawn = (List<List<Number>>) page.evaluate(
                    "name => document.querySelector(`#parameter-charts .chart[data-parameter=${name}]`).chartData", name);
            assertThat(drawn.get(0)).extracting(Number::intValue).containsExactly(0, 1, 2, 3, 4);
            for (int step = 0; step < 5; step++) {
                double theta = record(api, id, step).path("theta").path(name).asDouble();
                assertThat(drawn.get(1).get(step).doubleValue()).as("(%s − %s*)/%s* at step %d", name, name, name, step)
                        .isCloseTo((theta - target) / target, org.assertj.core.data.Offset.offset(1e-12));
                assertThat(drawn.get(2).get(step)).as("no bounds in this mode").isNull();
                assertThat(drawn.get(4).get(step).doubleValue()).as("the target line is 0").isEqualTo(0.0);
            }
        }
        // The frozen g has no target: its panel keeps θ in millimetres.
        @SuppressWarnings("unchecked")
        List<List<Number>> frozen = (List<List<Number>>) page.evaluate(
                "document.querySelector('#parameter-charts .chart[data-parameter=g]').chartData");
        assertThat(frozen.get(1)).extracting(Number::doubleValue).containsOnly(5.7);
        HeadlessChromium.screenshot(page, "parameters-relative");
    }
}
