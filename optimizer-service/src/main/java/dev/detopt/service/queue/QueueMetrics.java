package dev.detopt.service.queue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * Counters and timers of the loop (the service's meter names are documented in docs/api.md).
 * <pre>
 * detopt_leases_granted_total, detopt_leases_expired_total, detopt_tasks_completed_total,
 * detopt_tasks_preempted_total, detopt_tasks_failed_total, detopt_events_simulated_total,
 * detopt_step_duration_seconds (first task leasable → step recorded),
 * detopt_step_reduction_seconds (the reducing transaction's work: last result → next step queued),
 * detopt_worker_cpu_seconds_total (CPU seconds of ended task attempts, as workers report them),
 * detopt_worker_cpu_lost_seconds_total (the part of it lost to preemptions, expiries and failures)
 * </pre>
 * No per-task or per-worker tags; per-study gauges live in {@link StudyGauges}.
 */
@Component
public class QueueMetrics {
    private final Counter leasesGranted;
    private final Counter leasesExpired;
    private final Counter tasksCompleted;
    private final Counter tasksPreempted;
    private final Counter tasksFailed;
    private final Counter eventsSimulated;
    private final Timer stepDuration;
    private final Counter workerCpu;
    private final Counter workerCpuLost;
    private final Timer stepReduction;

    public QueueMetrics(MeterRegistry registry) {
        leasesGranted = Counter.builder("detopt.leases.granted").description("Tasks leased to workers").register(registry);
        leasesExpired = Counter.builder("detopt.leases.expired").description("Leases that expired and were requeued")
                .register(registry);
        tasksCompleted = Counter.builder("detopt.tasks.completed").description("Batch results accepted").register(registry);
        tasksPreempted = Counter.builder("detopt.tasks.preempted")
                .description("Tasks handed back after a preemption or worker shutdown").register(registry);
        tasksFailed = Counter.builder("detopt.tasks.failed").description("Task attempts that failed").register(registry);
        eventsSimulated = Counter.builder("detopt.events.simulated")
                .description("Monte-Carlo events in accepted batch results").register(registry);
        workerCpu = Counter.builder("detopt.worker.cpu.seconds")
                .description("CPU seconds of ended task attempts, as the workers reported them").register(registry);
        workerCpuLost = Counter.builder("detopt.worker.cpu.lost.seconds")
                .description("CPU seconds of attempts that ended without a result, after their newest checkpoint (redone)")
                .register(registry);
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

    public void leasesGranted(int count) {
        leasesGranted.increment(count);
    }

    public void completed(long events) {
        completed(1, events);
    }

    public void completed(int tasks, long events) {
        tasksCompleted.increment(tasks);
        eventsSimulated.increment(events);
    }

    public void expired(int count) {
        leasesExpired.increment(count);
    }

    public void preempted() {
        tasksPreempted.increment();
    }

    /** CPU seconds of an ended attempt, and the part of them lost. */
    public void cpu(double seconds, double lost) {
        if (seconds > 0) {
            workerCpu.increment(seconds);
        }
        if (lost > 0) {
            workerCpuLost.increment(lost);
        }
    }

    public void failed() {
        tasksFailed.increment();
    }

    public void stepCompleted(Instant stepStartedAt, long reductionNanos) {
        stepReduction.record(Duration.ofNanos(reductionNanos));
        if (stepStartedAt != null) {
            Duration wall = Duration.between(stepStartedAt, Instant.now());
            if (!wall.isNegative()) {
                stepDuration.record(wall);
            }
        }
    }
}
