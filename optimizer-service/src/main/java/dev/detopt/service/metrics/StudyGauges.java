package dev.detopt.service.metrics;

import dev.detopt.service.queue.TaskState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Gauges read from the database every few seconds, so every replica reports the same numbers and
 * a scrape never queries the database:
 * <pre>
 * detopt_tasks{state="queued"|"held"|"leased"|"completed"|"cancelled"}
 * detopt_studies_running
 * detopt_study_step{study, name}   current step of each running study (at most {@link #MAX_STUDIES},
 * detopt_study_loss{study, name}   last total loss                     most recently updated first)
 * detopt_workers_active            workers seen in the last minute
 * </pre>
 */
@Component
public class StudyGauges {
    static final int MAX_STUDIES = 50;
    private static final int MAX_NAME = 64;
    private static final Logger log = LoggerFactory.getLogger(StudyGauges.class);

    private final JdbcClient jdbc;
    private final Map<TaskState, AtomicLong> tasks = new EnumMap<>(TaskState.class);
    private final AtomicLong activeWorkers = new AtomicLong();
    private final MultiGauge studyStep;
    private final MultiGauge studyLoss;
    private final AtomicLong runningStudies = new AtomicLong();

    private record RunningStudy(UUID id, String name, int step, Double lastTotal) {
    }

    public StudyGauges(JdbcClient jdbc, MeterRegistry registry) {
        this.jdbc = jdbc;
        for (TaskState state : TaskState.values()) {
            AtomicLong value = new AtomicLong();
            tasks.put(state, value);
            Gauge.builder("detopt.tasks", value, AtomicLong::get).description("Tasks by state")
                    .tag("state", state.name().toLowerCase()).register(registry);
        }
        Gauge.builder("detopt.workers.active", activeWorkers, AtomicLong::get)
                .description("Workers seen in the last minute").register(registry);
        Gauge.builder("detopt.studies.running", runningStudies, AtomicLong::get).description("Running studies")
                .register(registry);
        studyStep = MultiGauge.builder("detopt.study.step").description("Latest step of a running study")
                .register(registry);
        studyLoss = MultiGauge.builder("detopt.study.loss").description("Latest loss of a running study")
                .register(registry);
    }

    @Scheduled(fixedDelayString = "${detopt.metrics.refresh-interval:5s}", initialDelay = 1_000)
    public void refresh() {
        try {
            Map<TaskState, Long> counts = new EnumMap<>(TaskState.class);
            jdbc.sql("SELECT state, count(*) AS n FROM tasks GROUP BY state")
                    .query((org.springframework.jdbc.core.RowCallbackHandler) rs ->
                            counts.put(TaskState.valueOf(rs.getString("state")), rs.getLong("n")));
            for (TaskState state : TaskState.values()) {
                tasks.get(state).set(Math.max(0, counts.getOrDefault(state, 0L)));
            }
            activeWorkers.set(jdbc.sql("SELECT count(*) FROM workers WHERE last_seen_at > now() - interval '1 minute'")
                    .query(Long.class).single());
            runningStudies.set(jdbc.sql("SELECT count(*) FROM studies WHERE status = 'RUNNING'").query(Long.class).single());
            List<RunningStudy> running = jdbc.sql("SELECT id, name, step, last_total FROM studies"
                            + " WHERE status = 'RUNNING' ORDER BY updated_at DESC LIMIT ?")
                    .param(MAX_STUDIES)
                    .query((rs, row) -> new RunningStudy(rs.getObject("id", UUID.class), rs.getString("name"),
                            rs.getInt("step"), rs.getObject("last_total", Double.class)))
                    .list();
            List<MultiGauge.Row<?>> steps = new ArrayList<>();
            List<MultiGauge.Row<?>> losses = new ArrayList<>();
            for (RunningStudy study : running) {
                Tags tags = Tags.of("study", study.id().toString(), "name",
                        study.name().length() <= MAX_NAME ? study.name() : study.name().substring(0, MAX_NAME));
                steps.add(MultiGauge.Row.of(tags, study.step()));
                losses.add(MultiGauge.Row.of(tags, study.lastTotal() == null ? Double.NaN : study.lastTotal()));
            }
            studyStep.register(steps, true);
            studyLoss.register(losses, true);
        } catch (RuntimeException e) {
            log.debug("Gauge refresh failed: {}", e.toString());
        }
    }
}
