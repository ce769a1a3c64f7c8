package dev.detopt.service.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * The orchestrator's counters and timers (issue 6, point 7), registered once so that recording
 * allocates nothing. Prometheus names (with the common tag {@code application}):
 * <pre>
 * detopt_leases_granted_total      tasks handed to workers
 * detopt_leases_expired_total      leases that ran out and were requeued by the sweeper
 * detopt_tasks_completed_total     accepted batch results (a duplicate completion is not counted)
 * detopt_tasks_preempted_total     tasks given back because their worker was preempted or shut down
 * detopt_tasks_failed_total        attempts that ended in a reported failure
 * detopt_events_simulated_total    Monte-Carlo events in accepted results
 * detopt_step_duration_seconds     step wall time: first task leasable → step recorded (histogram)
 * detopt_step_reduction_seconds    the reducing transaction alone: last result → next step leasable
 * </pre>
 * Gauges over the database (tasks by state, running studies' step and loss) come from
 * {@link StateGauges} once a {@link MetricsStateSource} bean exists.
 */
@Component
public class DetoptMetrics {

    private final Counter leasesGranted;
    private final Counter leasesExpired;
    private final Counter tasksCompleted;
    private final Counter tasksPreempted;
    private final Counter tasksFailed;
    private final Counter eventsSimulated;
    private final Timer stepDuration;
    private final Timer stepReduction;

    public DetoptMetrics(MeterRegistry registry) {
        leasesGranted = Counter.builder("detopt.leases.granted").description("Tasks leased to workers").register(registry);
        leasesExpired = Counter.builder("detopt.leases.expired")
                .description("Leases that expired and were requeued").register(registry);
        tasksCompleted = Counter.builder("detopt.tasks.completed").description("Batch results accepted").register(registry);
        tasksPreempted = Counter.builder("detopt.tasks.preempted")
                .description("Tasks handed back after a preemption or worker shutdown").register(registry);
        tasksFailed = Counter.builder("detopt.tasks.failed").description("Task attempts that failed").register(registry);
        eventsSimulated = Counter.builder("detopt.events.simulated")
                .description("Monte-Carlo events in accepted batch results").register(registry);
        stepDuration = Timer.builder("detopt.step.duration")
                .description("Wall time of an optimization step, tasks enqueued to step recorded")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofHours(2))
                .register(registry);
        stepReduction = Timer.builder("detopt.step.reduction")
                .description("Reduction transaction: last batch result accepted to next step leasable")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    public void leasesGranted(int tasks) {
        leasesGranted.increment(tasks);
    }

    public void leasesExpired(int tasks) {
        leasesExpired.increment(tasks);
    }

    /** One accepted result carrying {@code events} simulated events. */
    public void taskCompleted(long events) {
        tasksCompleted.increment();
        eventsSimulated.increment(events);
    }

    public void taskPreempted() {
        tasksPreempted.increment();
    }

    public void taskFailed() {
        tasksFailed.increment();
    }

    public void stepFinished(Duration wallTime) {
        stepDuration.record(wallTime);
    }

    public void stepReduced(Duration reduction) {
        stepReduction.record(reduction);
    }
}
