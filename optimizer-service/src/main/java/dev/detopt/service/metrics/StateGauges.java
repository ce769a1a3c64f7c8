package dev.detopt.service.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Gauges over the database's state, refreshed in the background from the
 * {@link MetricsStateSource} (when there is one) so that a scrape never queries the database:
 * <pre>
 * detopt_tasks{state="queued"|…}                 tasks per state
 * detopt_studies_running                         running studies
 * detopt_study_step{study="&lt;id&gt;",name="…"}       latest step of each running study (at most max-studies)
 * detopt_study_loss{study="&lt;id&gt;",name="…"}       its latest loss
 * </pre>
 * A study that stops running loses its rows at the next refresh.
 */
@Component
public class StateGauges implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(StateGauges.class);
    private static final int MAX_NAME = 64;

    private final ObjectProvider<MetricsStateSource> sources;
    private final MetricsProperties properties;
    private final MultiGauge tasks;
    private final MultiGauge studySteps;
    private final MultiGauge studyLosses;
    private final MultiGauge runningStudies;
    private ScheduledExecutorService refresher;

    public StateGauges(MeterRegistry registry, ObjectProvider<MetricsStateSource> sources, MetricsProperties properties) {
        this.sources = sources;
        this.properties = properties;
        tasks = MultiGauge.builder("detopt.tasks").description("Tasks per state").register(registry);
        studySteps = MultiGauge.builder("detopt.study.step").description("Latest step of a running study").register(registry);
        studyLosses = MultiGauge.builder("detopt.study.loss").description("Latest loss of a running study").register(registry);
        runningStudies = MultiGauge.builder("detopt.studies.running").description("Running studies").register(registry);
    }

    /** Reads the source once and replaces every row (missing rows are removed). */
    public void refresh() {
        MetricsStateSource source = sources.getIfAvailable();
        if (source == null) {
            return;
        }
        try {
            tasks.register(source.tasksByState().entrySet().stream()
                    .map(entry -> MultiGauge.Row.of(Tags.of("state", entry.getKey().toLowerCase(Locale.ROOT)),
                            entry.getValue()))
                    .toList(), true);
            List<MetricsStateSource.RunningStudy> running = source.runningStudies();
            runningStudies.register(List.of(MultiGauge.Row.of(Tags.empty(), running.size())), true);
            List<MetricsStateSource.RunningStudy> shown = running.stream().limit(properties.maxStudies()).toList();
            studySteps.register(shown.stream().map(study -> MultiGauge.Row.of(tags(study), study.step())).toList(), true);
            studyLosses.register(shown.stream().map(study -> MultiGauge.Row.of(tags(study), study.loss())).toList(), true);
        } catch (RuntimeException e) {
            LOG.warn("Could not refresh the state gauges", e);
        }
    }

    private static Tags tags(MetricsStateSource.RunningStudy study) {
        String name = study.name() == null ? "" : study.name();
        return Tags.of("study", study.id().toString(), "name", name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME));
    }

    @Override
    public synchronized void start() {
        if (refresher != null || sources.getIfAvailable() == null) {
            return;
        }
        refresher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("detopt-state-gauges").factory());
        long period = properties.stateRefresh().toMillis();
        refresher.scheduleWithFixedDelay(this::refresh, 0, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (refresher != null) {
            refresher.shutdownNow();
            refresher = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return refresher != null;
    }
}
