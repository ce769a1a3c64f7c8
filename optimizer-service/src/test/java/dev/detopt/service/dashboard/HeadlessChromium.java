package dev.detopt.service.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Debian's Chromium ({@code /usr/bin/chromium}, installed by {@code .ci/install-chromium.sh}) driven by
 * Playwright, which never downloads a browser of its own here. Each {@link #newPage()} gets a fresh
 * browser context (empty storage, like a new tab session) and records page errors so a test can
 * assert the dashboard ran without script failures.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path EXECUTABLE = Path.of("/usr/bin/chromium");

    /** Without the network switches Chromium keeps trying to reach Google hosts this machine cannot reach. */
    private static final List<String> ARGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-quic");

    private final Playwright playwright;
    private final Browser browser;
    final List<String> pageErrors = new CopyOnWriteArrayList<>();

    HeadlessChromium() {
        assertThat(Files.isExecutable(EXECUTABLE))
                .as("%s is missing: run .ci/install-chromium.sh (as root) first", EXECUTABLE)
                .isTrue();
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        // Playwright gives every launch a fresh temporary --user-data-dir of its own.
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(EXECUTABLE)
                .setHeadless(true)
                .setArgs(ARGS));
    }

    Page newPage() {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                .setViewportSize(1400, 1000)
                .setLocale("en-GB"));
        context.setDefaultTimeout(20_000);
        Page page = context.newPage();
        page.onPageError(error -> pageErrors.add(error));
        return page;
    }

    static void screenshot(Page page, String name) {
        Path dir = Path.of("target", "dashboard-screenshots");
        page.screenshot(new Page.ScreenshotOptions().setPath(dir.resolve(name + ".png")).setFullPage(true));
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
