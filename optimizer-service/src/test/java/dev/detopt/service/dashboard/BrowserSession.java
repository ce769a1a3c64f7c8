package dev.detopt.service.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * The lifecycle every dashboard browser test shares: one {@link HeadlessChromium} per test class,
 * launched before its first test and closed after its last. The page a test opened last with
 * {@link #newPage()} or {@link #open(String)} is photographed right after the test, passed or failed
 * (target/dashboard-screenshots/last-&lt;class&gt;-&lt;method&gt;.png, for diagnosis), and closed; then,
 * after the class's own {@code @AfterEach} methods, no uncaught script error may have occurred in any
 * page of the class. A browser test class on the whole service ({@code @ServiceTest}) uses it as
 * <pre>{@code
 * @RegisterExtension
 * static final BrowserSession browser = new BrowserSession();
 *
 * Page page = browser.openSignedIn("#/studies/" + id, TestTokens.VIEWER, "viewer");
 * // http://127.0.0.1:<service port>/#/studies/<id>, signed in, "role: viewer" shown
 * }</pre>
 */
final class BrowserSession implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterTestExecutionCallback, AfterEachCallback {
    private HeadlessChromium chromium;
    private int port;
    /** The page photographed after the test. */
    private Page current;

    @Override
    public void beforeAll(ExtensionContext context) {
        // The machine is shared with other builds: give the page time, it is still a condition wait.
        PlaywrightAssertions.setDefaultAssertionTimeout(30_000);
        chromium = new HeadlessChromium();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        port = SpringExtension.getApplicationContext(context).getEnvironment()
                .getRequiredProperty("local.server.port", Integer.class);
    }

    /** A fresh browser context's page (empty storage, like a new tab session), photographed after the test. */
    Page newPage() {
        current = chromium.newPage();
        return current;
    }

    /** The service's dashboard at this hash route, e.g. {@code "#/studies/" + id}. */
    String url(String hash) {
        return "http://127.0.0.1:" + port + "/" + hash;
    }

    /** A {@link #newPage()} showing the dashboard at this hash route. */
    Page open(String hash) {
        Page page = newPage();
        page.navigate(url(hash));
        return page;
    }

    /** Signs in with the login dialog once the dashboard is ready (it opens the dialog itself on a first 401). */
    static void signIn(Page page, String token) {
        page.waitForSelector("html[data-ready]");
        page.evaluate("document.getElementById('login-dialog').open || document.getElementById('login-button').click()");
        page.fill("#login-token", token);
        page.press("#login-token", "Enter");
    }

    /** {@link #signIn(Page, String)}, then waits until the header shows the token's role. */
    static void signIn(Page page, String token, String role) {
        signIn(page, token);
        PlaywrightAssertions.assertThat(page.getByTestId("session-role")).hasText("role: " + role);
    }

    /** An {@link #open(String) opened} page signed in with this token, its role shown. */
    Page openSignedIn(String hash, String token, String role) {
        Page page = open(hash);
        signIn(page, token, role);
        return page;
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (current != null && !current.isClosed()) {
            HeadlessChromium.screenshot(current, "last-" + context.getRequiredTestClass().getSimpleName() + "-"
                    + context.getRequiredTestMethod().getName());
            current.context().close();
        }
        current = null;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        assertThat(chromium.pageErrors).as("uncaught errors in the page").isEmpty();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (chromium != null) {
            chromium.close();
        }
    }
}
