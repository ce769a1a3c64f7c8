package dev.detopt.service.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.service.queue.TaskState;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and the Prometheus alerts query only metrics the service registers: the
 * {@code detopt_*} names are derived from the Micrometer builders in the service's sources
 * (Counter → {@code _total}, Timer → {@code _seconds_count/_sum/_max/_bucket}, Gauge and MultiGauge as is).
 */
class MonitoringConfigurationTest {

    private static final Pattern METER = Pattern.compile("(Counter|Timer|MultiGauge|Gauge|DistributionSummary|LongTaskTimer)\\s*\\.\\s*builder\\(\\s*\"(detopt\\.[a-z0-9._]+)\"");
    /** {@code detopt_tasks{state="queued"}}, also JSON-escaped ({@code \"}) in the dashboard. */
    private static final Pattern TASK_STATE_LABEL = Pattern.compile("detopt_tasks\\{[^}]*?state\\s*=\\s*\\\\?\"([A-Za-z_]+)");
    /** {@code registry.counter("detopt.worker.crashes", …)}: the MeterRegistry shortcuts. */
    private static final Pattern REGISTRY_SHORTCUT = Pattern.compile("\\.(counter|timer|gauge|summary)\\(\\s*\"(detopt\\.[a-z0-9._]+)\"");
    private static final Pattern QUERIED = Pattern.compile("\\b(detopt_[a-z0-9_]+)");

    static Set<String> registered;

    @BeforeAll
    static void deriveRegisteredNames() {
        registered = new TreeSet<>();
        for (Path file : RepositoryFiles.filesUnder(RepositoryFiles.root().resolve("optimizer-service/src/main/java"), ".java")) {
            Matcher matcher = METER.matcher(RepositoryFiles.read(file));
            while (matcher.find()) {
                String base = matcher.group(2).replace('.', '_');
                switch (matcher.group(1)) {
                    case "Counter" -> registered.add(base + "_total");
                    case "Timer", "LongTaskTimer" -> {
                        for (String suffix : new String[] {"_count", "_sum", "_max", "_bucket", "_active_count", "_duration_sum"}) {
                            registered.add(base + "_seconds" + suffix);
                        }
                    }
                    case "DistributionSummary" -> {
                        for (String suffix : new String[] {"_count", "_sum", "_max", "_bucket"}) {
                            registered.add(base + suffix);
                        }
                    }
                    default -> registered.add(base);
                }
            }
            Matcher shortcut = REGISTRY_SHORTCUT.matcher(RepositoryFiles.read(file));
            while (shortcut.find()) {
                String base = shortcut.group(2).replace('.', '_');
                switch (shortcut.group(1)) {
                    case "counter" -> registered.add(base + "_total");
                    case "timer" -> List.of("_count", "_sum", "_max").forEach(suffix -> registered.add(base + "_seconds" + suffix));
                    case "summary" -> List.of("_count", "_sum", "_max").forEach(suffix -> registered.add(base + suffix));
                    default -> registered.add(base);
                }
            }
        }
    }

    @Test
    void dashboardQueriesOnlyRegisteredMetrics() {
        assertThat(unregistered(RepositoryFiles.read(RepositoryFiles.root().resolve("services/grafana/dashboards/detopt.json"))))
                .as("detopt_* metrics in the Grafana dashboard that the service does not register").isEmpty();
    }

    @Test
    void alertsQueryOnlyRegisteredMetrics() {
        assertThat(unregistered(RepositoryFiles.read(RepositoryFiles.root().resolve("services/prometheus/alerts.yml"))))
                .as("detopt_* metrics in the alert rules that the service does not register").isEmpty();
    }

    @Test
    void derivationFindsTheLoopMeters() {
        assertThat(registered).contains("detopt_tasks_completed_total", "detopt_leases_expired_total",
                "detopt_step_reduction_seconds_bucket", "detopt_tasks", "detopt_workers_active", "detopt_study_loss",
                "detopt_worker_crashes_total", "detopt_worker_preemptions_total");
        assertThat(registered).noneMatch(name -> name.endsWith("_created"));
    }

    @Test
    void taskStateLabelsAreTheOnesTheGaugeReports() {
        Set<String> reported = new TreeSet<>();
        for (TaskState state : TaskState.values()) {
            reported.add(state.name().toLowerCase(Locale.ROOT)); // StudyGauges tags state=lower-case name
        }
        Set<String> queried = new TreeSet<>();
        for (String file : new String[] {"services/grafana/dashboards/detopt.json", "services/prometheus/alerts.yml"}) {
            Matcher matcher = TASK_STATE_LABEL.matcher(RepositoryFiles.read(RepositoryFiles.root().resolve(file)));
            while (matcher.find()) {
                queried.add(matcher.group(1));
            }
        }
        assertThat(queried).as("state label values queried on detopt_tasks").isNotEmpty().isSubsetOf(reported);
    }

    @Test
    void aQueryOfAnUnregisteredMetricIsReported() {
        // The two checks above pass on an empty result; this one shows the comparison can fail.
        assertThat(unregistered("sum(rate(detopt_tasks_completed_total[5m])) / detopt_tasks_vanished_total"))
                .containsExactly("detopt_tasks_vanished_total");
    }

    private static Set<String> unregistered(String text) {
        Set<String> unknown = new TreeSet<>();
        Matcher matcher = QUERIED.matcher(text);
        while (matcher.find()) {
            String name = matcher.group(1);
            if (!registered.contains(name)) {
                unknown.add(name);
            }
        }
        return unknown;
    }
}
