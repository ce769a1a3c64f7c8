package dev.detopt.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** Meter names ending in the reserved "created" are renamed before they reach any registry. */
class MeterNamePolicyTest {

    @Test
    void meterNamesEndingInCreatedAreRenamed() {
        SimpleMeterRegistry filtered = new SimpleMeterRegistry();
        filtered.config().meterFilter(new MeterNamePolicy().noCreatedSuffix());
        Counter.builder("detopt.studies.created").register(filtered).increment();
        Counter.builder("detopt.tasks.completed").register(filtered).increment();
        assertThat(filtered.find("detopt.studies.created").counter()).isNull();
        assertThat(filtered.get("detopt.studies.creations").counter().count()).isEqualTo(1.0);
        assertThat(filtered.get("detopt.tasks.completed").counter().count()).isEqualTo(1.0);
    }
}
