package dev.detopt.service.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.node.ObjectNode;

/**
 * The launch form's simulator list in headless Chromium: the registered programs (registry file of
 * the test profile and one registered through the API during the test) are offered with their
 * declared parameters, and the starter spec written for one is accepted by the service.
 */
@ServiceTest
class SimulatorPickerBrowserTest {
    @RegisterExtension
    static final BrowserSession browser = new BrowserSession();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @AfterEach
    void cleanUp() {
        new ApiClient(port).cancelActiveStudies();
        jdbc.update("DELETE FROM simulator_registrations");
    }

    @Test
    void theLaunchFormListsRegisteredSimulatorsAndStartsASpecForOne() throws Exception {
        ApiClient api = new ApiClient(port);
        ObjectNode registration = (ObjectNode) WireJson.mapper().readTree(Files.readString(
                Path.of("src", "test", "resources", "simulators-test.json"))).path("simulators").get(0).deepCopy();
        registration.put("name", "picker-shower").put("description", "registered for the picker test");
        assertThat(api.post("/api/v1/simulators", WireJson.write(registration), TestTokens.ADMIN).status()).isEqualTo(201);

        Page page = browser.openSignedIn("#/new", TestTokens.OPERATOR, "operator");

        assertThat(page.locator("#simulator-select option[value='picker-shower']")).hasText("picker-shower (registered program)");
        assertThat(page.locator("#simulator-select option[value='picker-shower']")).hasAttribute("data-source", "api");
        assertThat(page.locator("#simulator-select option[value='em-shower']")).hasAttribute("data-source", "config");
        assertThat(page.locator("#simulator-select option[value='gaussian']")).hasText("gaussian");

        page.selectOption("#simulator-select", "picker-shower");
        assertThat(page.getByTestId("simulator-details")).containsText("registered for the picker test");
        assertThat(page.getByTestId("simulator-parameters")).containsText("absorber");
        assertThat(page.getByTestId("simulator-parameters")).containsText("mm");
        assertThat(page.getByTestId("simulator-estimators")).hasText("Estimators: finite-difference, surrogate");

        page.click("#simulator-start");
        assertThat(page.locator("#spec-editor")).hasValue(Pattern.compile("\"name\": \"picker-shower\""));
        page.getByText("Create", new Page.GetByTextOptions().setExact(true)).click();
        page.waitForURL(Pattern.compile(".*#/studies/.+"));
        String id = page.url().replaceFirst(".*#/studies/", "");
        assertThat(api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("simulator")
                .asString()).isEqualTo("picker-shower");
    }
}
