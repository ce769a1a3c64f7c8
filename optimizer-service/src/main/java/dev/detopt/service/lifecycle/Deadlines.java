package dev.detopt.service.lifecycle;

import dev.detopt.model.study.StopReason;
import dev.detopt.model.study.StoppingSpec;
import dev.detopt.service.accounting.StudyAccountant;
import dev.detopt.service.study.StudyRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The stopping rules that depend on scheduling, so the engine cannot decide them:
 * {@code stopping.maxWallTime} (time since the study started, pauses and outages included) and
 * {@code stopping.maxCoreHours} (worker CPU, lost work included). Checked at each step boundary; the
 * step that crosses a limit is the last, so the trajectory up to it is the reference runner's.
 */
@Component
public class Deadlines {
    private final StudyAccountant accountant;
    private final Clock clock;

    @Autowired
    public Deadlines(StudyAccountant accountant) {
        this(accountant, Clock.systemUTC());
    }

    Deadlines(StudyAccountant accountant, Clock clock) {
        this.accountant = accountant;
        this.clock = clock;
    }

    /** A limit the study has reached, with the figures, or null. */
    public Reached reached(StudyRow study, StoppingSpec stopping) {
        Duration limit = stopping.wallTimeLimit();
        if (limit != null && study.startedAt() != null) {
            Duration elapsed = Duration.between(study.startedAt(), Instant.now(clock));
            if (elapsed.compareTo(limit) >= 0) {
                return new Reached(StopReason.MAX_WALL_TIME, "ran " + rounded(elapsed) + " of at most " + limit);
            }
        }
        if (stopping.maxCoreHours() != null) {
            double used = accountant.coreHours(study.id());
            if (used >= stopping.maxCoreHours()) {
                return new Reached(StopReason.MAX_CORE_HOURS, String.format(java.util.Locale.ROOT,
                        "used %.6g core-hours of at most %s", used, stopping.maxCoreHours()));
            }
        }
        return null;
    }

    private static Duration rounded(Duration duration) {
        return Duration.ofMillis(duration.toMillis());
    }

    /** The limit reached and what was measured against it. */
    public record Reached(StopReason reason, String detail) {
    }
}
