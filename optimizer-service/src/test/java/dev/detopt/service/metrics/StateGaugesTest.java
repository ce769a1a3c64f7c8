package dev.detopt.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/** The database gauges follow their source, with bounded per-study cardinality. */
class StateGaugesTest {

    /** A source whose answers the test sets. */
    static final class FakeSource implements MetricsStateSource {
        Map<String, Long> tasks = new LinkedHashMap<>();
        List<RunningStudy> running = new ArrayList<>();

        @Override
        public Map<String, Long> tasksByState() {
            return tasks;
        }

        @Override
        public List<RunningStudy> runningStudies() {
            return running;
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeSource source = new FakeSource();
    private final StateGauges gauges = new StateGauges(registry,
            new StaticListableBeanFactory(Map.of("source", source)).getBeanProvider(MetricsStateSource.class),
            new MetricsProperties(Duration.ofSeconds(10), 2));

    @Test
    void tasksPerStateFollowTheSource() {
        source.tasks.put("QUEUED", 7L);
        source.tasks.put("LEASED", 3L);
        gauges.refresh();
        assertThat(registry.get("detopt.tasks").tag("state", "queued").gauge().value()).isEqualTo(7.0);
        assertThat(registry.get("detopt.tasks").tag("state", "leased").gauge().value()).isEqualTo(3.0);

        source.tasks.remove("LEASED");
        source.tasks.put("QUEUED", 2L);
        gauges.refresh();
        assertThat(registry.get("detopt.tasks").tag("state", "queued").gauge().value()).isEqualTo(2.0);
        assertThat(registry.find("detopt.tasks").tag("state", "leased").gauge()).isNull();
    }

    @Test
    void onlyTheFirstMaxStudiesGetPerStudyGaugesAndStoppedStudiesDisappear() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        source.running.add(new MetricsStateSource.RunningStudy(a, "calorimeter", 4, 1.25));
        source.running.add(new MetricsStateSource.RunningStudy(b, "x".repeat(100), 9, 0.5));
        source.running.add(new MetricsStateSource.RunningStudy(c, "third", 1, 3.0));
        gauges.refresh();

        assertThat(registry.get("detopt.studies.running").gauge().value()).isEqualTo(3.0);
        assertThat(registry.get("detopt.study.step").tag("study", a.toString()).tag("name", "calorimeter").gauge().value())
                .isEqualTo(4.0);
        assertThat(registry.get("detopt.study.loss").tag("study", b.toString()).gauge().value()).isEqualTo(0.5);
        assertThat(registry.get("detopt.study.loss").tag("study", b.toString()).gauge().getId().getTag("name"))
                .hasSize(64);
        assertThat(registry.find("detopt.study.step").tag("study", c.toString()).gauge()).as("beyond max-studies").isNull();
        assertThat(registry.find("detopt.study.step").gauges()).hasSize(2);

        source.running.removeFirst();
        gauges.refresh();
        assertThat(registry.find("detopt.study.step").tag("study", a.toString()).gauge()).isNull();
        assertThat(registry.get("detopt.study.step").tag("study", c.toString()).gauge().value()).isEqualTo(1.0);
    }

    @Test
    void withoutASourceNothingIsRegisteredAndNothingRuns() {
        SimpleMeterRegistry empty = new SimpleMeterRegistry();
        StateGauges none = new StateGauges(empty, new StaticListableBeanFactory().getBeanProvider(MetricsStateSource.class),
                new MetricsProperties(Duration.ofSeconds(10), 20));
        none.refresh();
        none.start();
        assertThat(none.isRunning()).isFalse();
        assertThat(empty.find("detopt.tasks").gauges()).isEmpty();
    }
}
