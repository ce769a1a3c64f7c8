package dev.detopt.service.notifications;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of {@code study_webhooks} and {@code webhook_outbox}. */
@Repository
public class WebhookRepository {
    private final JdbcClient jdbc;

    public WebhookRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A webhook of a study (groupId null) or of a group (studyId null). */
    public record Webhook(long id, UUID studyId, String url, List<String> events, Long stalledAfterSeconds, String secret,
                          Instant createdAt, UUID groupId) {
    }

    /** A notice to deliver: the webhook's target and secret, the body, how often it was tried. */
    public record Notice(long id, long webhookId, UUID studyId, String event, String url, String secret, String body,
                         int attempts) {
    }

    /** A running study whose webhook asks for stall notices and whose current step is older than allowed. */
    public record Stalled(long webhookId, UUID studyId, int step, Instant stepStartedAt, UUID groupId) {
    }

    private static final RowMapper<Webhook> WEBHOOK = (rs, row) -> new Webhook(rs.getLong("id"),
            rs.getObject("study_id", UUID.class), rs.getString("url"), strings(rs.getArray("events")),
            (Long) rs.getObject("stalled_after_seconds"), rs.getString("secret"), instant(rs, "created_at"),
            rs.getObject("group_id", UUID.class));

    public Webhook insert(UUID studyId, String url, List<String> events, Long stalledAfterSeconds, String secret) {
        return jdbc.sql("INSERT INTO study_webhooks (study_id, url, events, stalled_after_seconds, secret)"
                        + " VALUES (?, ?, ?, ?, ?) RETURNING *")
                .params(studyId, url, events.toArray(String[]::new), stalledAfterSeconds, secret)
                .query(WEBHOOK).single();
    }

    public Webhook insertForGroup(UUID groupId, String url, List<String> events, Long stalledAfterSeconds, String secret) {
        return jdbc.sql("INSERT INTO study_webhooks (group_id, url, events, stalled_after_seconds, secret)"
                        + " VALUES (?, ?, ?, ?, ?) RETURNING *")
                .params(groupId, url, events.toArray(String[]::new), stalledAfterSeconds, secret)
                .query(WEBHOOK).single();
    }

    public List<Webhook> ofGroup(UUID groupId) {
        return jdbc.sql("SELECT * FROM study_webhooks WHERE group_id = ? ORDER BY id").param(groupId).query(WEBHOOK).list();
    }

    public boolean deleteOfGroup(UUID groupId, long id) {
        return jdbc.sql("DELETE FROM study_webhooks WHERE group_id = ? AND id = ?").params(groupId, id).update() > 0;
    }

    public boolean groupExists(UUID groupId) {
        return jdbc.sql("SELECT count(*) FROM study_groups WHERE id = ?").param(groupId).query(Long.class).single() > 0;
    }

    /**
     * Locks the group's row until the transaction ends, so that members ending at the same time
     * see each other's end one after the other and exactly the last one finds every member ended.
     */
    public void lockGroup(UUID groupId) {
        jdbc.sql("SELECT id FROM study_groups WHERE id = ? FOR UPDATE").param(groupId).query(UUID.class).optional();
    }

    /** Members of the group that have not ended (COMPLETED, FAILED or CANCELLED). */
    public long unendedMembers(UUID groupId) {
        return jdbc.sql("SELECT count(*) FROM studies WHERE group_id = ? AND status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')")
                .param(groupId).query(Long.class).single();
    }

    /** The group's name and member count by status (for a group notice's body). */
    public record GroupStatus(String name, java.util.Map<String, Integer> statusSummary) {
    }

    public GroupStatus groupStatus(UUID groupId) {
        String name = jdbc.sql("SELECT name FROM study_groups WHERE id = ?").param(groupId).query(String.class).single();
        java.util.Map<String, Integer> summary = new java.util.TreeMap<>();
        jdbc.sql("SELECT status, count(*) AS n FROM studies WHERE group_id = ? GROUP BY status").param(groupId)
                .query(rs -> {
                    summary.put(rs.getString("status"), rs.getInt("n"));
                });
        return new GroupStatus(name, summary);
    }

    /** Writes a notice, caused by member {@code studyId}, for every webhook of the group that asks for {@code event}. */
    public int enqueueForGroup(UUID groupId, UUID studyId, String event, int step, String body) {
        return jdbc.sql("""
                        INSERT INTO webhook_outbox (webhook_id, study_id, event, step, body)
                        SELECT w.id, ?, ?, ?, ? FROM study_webhooks w WHERE w.group_id = ? AND ? = ANY(w.events)
                        ON CONFLICT (webhook_id, study_id, event, step) DO NOTHING""")
                .params(studyId, event, step, body, groupId, event).update();
    }

    public List<Webhook> ofStudy(UUID studyId) {
        return jdbc.sql("SELECT * FROM study_webhooks WHERE study_id = ? ORDER BY id").param(studyId).query(WEBHOOK).list();
    }

    public boolean delete(UUID studyId, long id) {
        return jdbc.sql("DELETE FROM study_webhooks WHERE study_id = ? AND id = ?").params(studyId, id).update() > 0;
    }

    /** Writes a notice for every webhook of the study that asks for {@code event} (once per step). */
    public int enqueue(UUID studyId, String event, int step, String body) {
        return jdbc.sql("""
                        INSERT INTO webhook_outbox (webhook_id, study_id, event, step, body)
                        SELECT w.id, w.study_id, ?, ?, ? FROM study_webhooks w WHERE w.study_id = ? AND ? = ANY(w.events)
                        ON CONFLICT (webhook_id, study_id, event, step) DO NOTHING""")
                .params(event, step, body, studyId, event).update();
    }

    /** Writes one stall notice for one webhook (once per step). */
    public int enqueueFor(long webhookId, UUID studyId, String event, int step, String body) {
        return jdbc.sql("""
                        INSERT INTO webhook_outbox (webhook_id, study_id, event, step, body) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (webhook_id, study_id, event, step) DO NOTHING""")
                .params(webhookId, studyId, event, step, body).update();
    }

    /**
     * Running studies stalled past a webhook's limit (the study's own, or its group's) that have no
     * stall notice from that webhook for their current step yet.
     */
    public List<Stalled> stalled() {
        return jdbc.sql("""
                        SELECT w.id AS webhook_id, s.id AS study_id, s.step, s.step_started_at, w.group_id
                        FROM study_webhooks w JOIN studies s ON s.id = w.study_id OR s.group_id = w.group_id
                        WHERE s.status = 'RUNNING' AND 'stalled' = ANY(w.events) AND w.stalled_after_seconds IS NOT NULL
                          AND s.step_started_at IS NOT NULL
                          AND s.step_started_at <= now() - make_interval(secs => w.stalled_after_seconds)
                          AND NOT EXISTS (SELECT 1 FROM webhook_outbox o WHERE o.webhook_id = w.id
                                          AND o.study_id = s.id AND o.event = 'stalled' AND o.step = s.step)
                        LIMIT 100""")
                .query((rs, row) -> new Stalled(rs.getLong("webhook_id"), rs.getObject("study_id", UUID.class),
                        rs.getInt("step"), instant(rs, "step_started_at"), rs.getObject("group_id", UUID.class)))
                .list();
    }

    /**
     * Takes up to {@code limit} due notices for {@code holdSeconds} (skipping rows another replica
     * holds): their next attempt moves past the hold, so a replica that dies mid-delivery leaves them
     * due again afterwards, and no two replicas deliver one notice at the same time.
     */
    public List<Notice> claimDue(int limit, long holdSeconds) {
        return jdbc.sql("""
                        WITH due AS (
                            SELECT o.id FROM webhook_outbox o
                            WHERE o.delivered_at IS NULL AND o.given_up_at IS NULL AND o.next_attempt_at <= now()
                            ORDER BY o.next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
                        UPDATE webhook_outbox o SET next_attempt_at = now() + make_interval(secs => ?),
                            attempts = o.attempts + 1
                        FROM due, study_webhooks w WHERE o.id = due.id AND w.id = o.webhook_id
                        RETURNING o.id, o.webhook_id, o.study_id, o.event, w.url, w.secret, o.body, o.attempts""")
                .params(limit, holdSeconds)
                .query((rs, row) -> new Notice(rs.getLong("id"), rs.getLong("webhook_id"), rs.getObject("study_id", UUID.class),
                        rs.getString("event"), rs.getString("url"), rs.getString("secret"), rs.getString("body"),
                        rs.getInt("attempts")))
                .list();
    }

    public void delivered(long id) {
        jdbc.sql("UPDATE webhook_outbox SET delivered_at = now(), last_error = NULL WHERE id = ?").param(id).update();
    }

    public void retryLater(long id, long delayMillis, String error) {
        jdbc.sql("UPDATE webhook_outbox SET next_attempt_at = now() + make_interval(secs => ?), last_error = ? WHERE id = ?")
                .params(delayMillis / 1000.0, error, id).update();
    }

    public void giveUp(long id, String error) {
        jdbc.sql("UPDATE webhook_outbox SET given_up_at = now(), last_error = ? WHERE id = ?").params(error, id).update();
    }

    /**
     * Deletes the notices delivered or given up more than {@code retention} ago (pending ones stay,
     * however old); returns how many.
     */
    public int pruneSettled(Duration retention) {
        double seconds = retention.toMillis() / 1000.0;
        return jdbc.sql("""
                        DELETE FROM webhook_outbox
                        WHERE delivered_at < now() - make_interval(secs => ?) OR given_up_at < now() - make_interval(secs => ?)""")
                .params(seconds, seconds).update();
    }

    /** The state of a notice (tests and operators). */
    public record OutboxRow(long id, String event, int step, int attempts, Instant deliveredAt, Instant givenUpAt,
                            String lastError) {
    }

    public List<OutboxRow> outboxOf(UUID studyId) {
        return jdbc.sql("SELECT * FROM webhook_outbox WHERE study_id = ? ORDER BY id").param(studyId)
                .query((rs, row) -> new OutboxRow(rs.getLong("id"), rs.getString("event"), rs.getInt("step"),
                        rs.getInt("attempts"), instant(rs, "delivered_at"), instant(rs, "given_up_at"),
                        rs.getString("last_error")))
                .list();
    }

    public Optional<Webhook> find(long id) {
        return jdbc.sql("SELECT * FROM study_webhooks WHERE id = ?").param(id).query(WEBHOOK).optional();
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        java.sql.Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
