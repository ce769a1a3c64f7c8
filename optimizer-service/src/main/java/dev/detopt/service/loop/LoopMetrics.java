package dev.detopt.service.loop;

import dev.detopt.model.study.StepRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Counters and timers of the loop (Prometheus names {@code detopt_*}). Tags are bounded: no
 * per-task or per-worker tags; per-study gauges live in {@link StudyGauges}.
 */
@Component
public class LoopMetrics {
    private final Counter leaseGrants;
    private final Counter completions;
    private final Counter leaseExpiries;
    private final Counter preemptions;
    private final Counter failures;
    private final Counter eventsSimulated;
    private final Counter stepsCompleted;
    private final Timer stepReduction;

    public LoopMetrics(MeterRegistry registry) {
        leaseGrants = Counter.builder("detopt.lease.grants").description("Task leases granted").register(registry);
        completions = Counter.builder("detopt.task.completions").description("Task results accepted").register(registry);
        leaseExpiries = Counter.builder("detopt.lease.expiries").description("Leases that expired and were requeued")
                .register(registry);
        preemptions = Counter.builder("detopt.task.preemptions").description("Tasks handed back by preempted workers")
                .register(registry);
        failures = Counter.builder("detopt.task.failures").description("Task failures reported by workers")
                .register(registry);
        eventsSimulated = Counter.builder("detopt.events.simulated").description("Events in accepted task results")
                .register(registry);
        stepsCompleted = Counter.builder("detopt.steps.completed").description("Optimization steps completed")
                .register(registry);
        stepReduction = Timer.builder("detopt.step.reduction").description("Time to reduce a step and enqueue the next")
                .publishPercentileHistogram().register(registry);
    }

    public void leasesGranted(int count) {
        leaseGrants.increment(count);
    }

    public void completed(long events) {
        completions.increment();
        eventsSimulated.increment(events);
    }

    public void expired(int count) {
        leaseExpiries.increment(count);
    }

    public void preempted() {
        preemptions.increment();
    }

    public void failed() {
        failures.increment();
    }

    void stepCompleted(UUID studyId, StepRecord record, long reductionNanos) {
        stepsCompleted.increment();
        stepReduction.record(reductionNanos, TimeUnit.NANOSECONDS);
    }
}
