package dev.detopt.service.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import dev.detopt.service.ServiceTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dashboard in headless Chromium against the whole service on the embedded stack.
 */
@ServiceTest
class DashboardBrowserTest {

    private static HeadlessChromium chromium;

    @LocalServerPort
    int port;

    @BeforeAll
    static void launchBrowser() {
        chromium = new HeadlessChromium();
    }

    @AfterAll
    static void closeBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @AfterEach
    void noScriptErrors() {
        assertThat(chromium.pageErrors).as("uncaught errors in the page").isEmpty();
    }

    private String url(String hash) {
        return "http://127.0.0.1:" + port + "/" + hash;
    }

    @Test
    void launchFormOffersTheExampleSpecs() {
        Page page = chromium.newPage();
        page.navigate(url("#/new"));
        assertThat(page.locator("#example-select option[value='c-branching-radius.json']")).hasCount(1);
        page.selectOption("#example-select", "c-branching-radius.json");
        assertThat(page.locator("#spec-editor")).hasValue(java.util.regex.Pattern.compile("\"simulator\": \\{\"name\": \"branching\""));
        HeadlessChromium.screenshot(page, "launch-form");
        page.context().close();
    }
}
