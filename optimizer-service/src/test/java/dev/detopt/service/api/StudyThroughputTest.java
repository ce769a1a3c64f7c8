package dev.detopt.service.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.detopt.service.ApiClient;
import dev.detopt.service.ServiceApiTestBase;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import dev.detopt.service.TestWorker;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code eventsPerSecond} of the single-study view: events over durations of the last ten steps. */
@ServiceTest
class StudyThroughputTest extends ServiceApiTestBase {
    @Test
    void eventsPerSecondCoversTheLastTenStepsOnly() throws Exception {
        ApiClient.Response created = api.post("/api/v1/studies", TestSpecs.gaussian(13, 32, 16, 31), TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        assertThat(created.json().path("eventsPerSecond").isNull()).as("no step yet").isTrue();

        api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR);
        try (TestWorker worker = new TestWorker(api, "throughput-test-worker")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                    api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("status").asString().equals("COMPLETED"));
        }
        // Steps 3..12 are the last ten of thirteen; every step simulated 32 events.
        Map<String, Object> window = jdbc.queryForMap("SELECT sum(events) AS events, sum(duration_millis) AS millis"
                + " FROM steps WHERE study_id = ?::uuid AND step BETWEEN 3 AND 12", id);
        assertThat(((Number) window.get("events")).longValue()).isEqualTo(10 * 32);
        double millis = ((Number) window.get("millis")).doubleValue();
        assertThat(millis).isPositive();

        JsonNode study = api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json();
        assertThat(study.path("eventsPerSecond").asDouble()).isCloseTo(10 * 32 * 1000.0 / millis, within(1e-9));
        JsonNode listed = api.get("/api/v1/studies?size=500", TestTokens.VIEWER).json().path("items");
        for (JsonNode item : listed) {
            assertThat(item.path("eventsPerSecond").isNull()).as("lists leave the figure out").isTrue();
        }
    }
}
