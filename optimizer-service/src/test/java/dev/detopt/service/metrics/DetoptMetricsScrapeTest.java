package dev.detopt.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.service.HttpTestClient;
import dev.detopt.service.ServiceTest;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** DetoptMetrics as Prometheus scrapes it, with the application tag. */
@ServiceTest
class DetoptMetricsScrapeTest {

    private static final String TAG = "application=\"detopt-optimizer-service\"";

    @LocalServerPort
    int port;

    @Autowired
    DetoptMetrics metrics;

    @Test
    void recordedCountsAndTimesAppearInTheScrape() {
        String before = scrape("text/plain");
        metrics.leasesGranted(3);
        metrics.leasesExpired(1);
        metrics.taskCompleted(5_000);
        metrics.taskCompleted(2_500);
        metrics.taskPreempted();
        metrics.taskFailed();
        metrics.stepFinished(Duration.ofMillis(1_500));
        metrics.stepReduced(Duration.ofMillis(12));
        String after = scrape("text/plain");

        assertThat(value(after, "detopt_leases_granted_total") - value(before, "detopt_leases_granted_total")).isEqualTo(3.0);
        assertThat(value(after, "detopt_leases_expired_total") - value(before, "detopt_leases_expired_total")).isEqualTo(1.0);
        assertThat(value(after, "detopt_tasks_completed_total") - value(before, "detopt_tasks_completed_total")).isEqualTo(2.0);
        assertThat(value(after, "detopt_events_simulated_total") - value(before, "detopt_events_simulated_total"))
                .isEqualTo(7_500.0);
        assertThat(value(after, "detopt_tasks_preempted_total") - value(before, "detopt_tasks_preempted_total")).isEqualTo(1.0);
        assertThat(value(after, "detopt_tasks_failed_total") - value(before, "detopt_tasks_failed_total")).isEqualTo(1.0);
        assertThat(value(after, "detopt_step_duration_seconds_count") - value(before, "detopt_step_duration_seconds_count"))
                .isEqualTo(1.0);
        assertThat(after).contains("detopt_step_duration_seconds_bucket{").contains("detopt_step_reduction_seconds_bucket{");
    }

    private String scrape(String accept) {
        HttpTestClient api = new HttpTestClient(port);
        HttpTestClient.Response response = api.send(api.request("/actuator/prometheus", null).header("Accept", accept).GET().build());
        assertThat(response.status()).isEqualTo(200);
        return response.body();
    }

    /** The value of an untagged-but-for-application series. */
    private static double value(String scrape, String name) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)").matcher(scrape);
        while (matcher.find()) {
            if (matcher.group(1).contains(TAG)) {
                return Double.parseDouble(matcher.group(2));
            }
        }
        throw new AssertionError(name + " with " + TAG + " not in the scrape");
    }
}
