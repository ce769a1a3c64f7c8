package dev.detopt.service.study;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Makes a service outage visible. Every replica marks itself alive in {@code service_replicas}
 * every {@code detopt.liveness.interval}. A replica that starts when no replica has been alive for
 * more than {@link #OUTAGE_AFTER_INTERVALS} intervals knows the service was down since the last
 * mark: it writes a {@code service-outage} event on every running or paused study and moves each
 * running study's current step start forward by the time that step lost to the outage, so that
 * step durations and the events/s figure count only time the service was up.
 */
@Component
public class ServiceLiveness {

    /** A gap in the marks no longer than this many intervals is not an outage (a missed tick, a slow start). */
    static final int OUTAGE_AFTER_INTERVALS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(ServiceLiveness.class);

    /** When no replica was alive. */
    public record Outage(Instant from, Instant to) {
        public Duration length() {
            return Duration.between(from, to);
        }
    }

    private final JdbcClient jdbc;
    private final StudyEventLog events;
    private final Duration interval;
    private final String replica = UUID.randomUUID().toString();

    public ServiceLiveness(JdbcClient jdbc, StudyEventLog events,
                           @Value("${detopt.liveness.interval:2s}") Duration interval) {
        this.jdbc = jdbc;
        this.events = events;
        this.interval = interval;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Transactional
    public void recordOutageAtStart() {
        // Locks the table against a second replica starting at the same moment: one records the outage.
        jdbc.sql("LOCK TABLE service_replicas IN EXCLUSIVE MODE").update();
        // markAlive may have ticked already when the start was slow: this replica's own mark is no evidence.
        Instant lastAlive = jdbc.sql("SELECT max(alive_at) AS last_alive FROM service_replicas WHERE id <> ?").param(replica)
                .query((rs, row) -> StudyRepository.instant(rs, "last_alive")).list().getFirst();
        Instant now = jdbc.sql("SELECT now() AS now").query((rs, row) -> StudyRepository.instant(rs, "now")).single();
        jdbc.sql("INSERT INTO service_replicas (id) VALUES (?) ON CONFLICT (id) DO UPDATE SET alive_at = now()")
                .param(replica).update();
        jdbc.sql("DELETE FROM service_replicas WHERE alive_at < now() - interval '1 day'").update();
        if (lastAlive == null || Duration.between(lastAlive, now).compareTo(interval.multipliedBy(OUTAGE_AFTER_INTERVALS)) <= 0) {
            return;
        }
        record(new Outage(lastAlive, now));
    }

    private void record(Outage outage) {
        List<UUID> affected = jdbc.sql("SELECT id FROM studies WHERE status IN ('RUNNING', 'PAUSED') ORDER BY id")
                .query(UUID.class).list();
        long millis = outage.length().toMillis();
        for (UUID study : affected) {
            events.append(study, StudyEventType.SERVICE_OUTAGE, "the service was down from " + outage.from() + " to "
                    + outage.to() + " (" + String.format(java.util.Locale.ROOT, "%.1f", millis / 1000.0)
                    + " s); the current step's duration leaves that out");
        }
        // A step that began after the last mark lost the time from its start (at the latest) to now.
        Timestamp from = Timestamp.from(outage.from());
        Timestamp to = Timestamp.from(outage.to());
        jdbc.sql("UPDATE studies SET step_started_at = step_started_at + (?::timestamptz - greatest(step_started_at, ?::timestamptz))"
                        + " WHERE status = 'RUNNING' AND step_started_at < ?::timestamptz")
                .params(to, from, to).update();
        LOG.warn("The service was down from {} to {} ({} s); recorded on {} running or paused studies",
                outage.from(), outage.to(), millis / 1000.0, affected.size());
    }

    @Scheduled(fixedDelayString = "${detopt.liveness.interval:2s}", initialDelayString = "${detopt.liveness.interval:2s}")
    public void markAlive() {
        try {
            jdbc.sql("INSERT INTO service_replicas (id) VALUES (?) ON CONFLICT (id) DO UPDATE SET alive_at = now()")
                    .param(replica).update();
        } catch (RuntimeException e) {
            LOG.warn("Could not mark this replica alive: {}", e.toString()); // retried at the next tick
        }
    }
}
