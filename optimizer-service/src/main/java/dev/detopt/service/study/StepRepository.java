package dev.detopt.service.study;

import dev.detopt.model.study.StepRecord;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of the {@code steps} table: one row per completed step, the record as exact JSON. */
@Repository
public class StepRepository {

    /** A stored step: the record's exact JSON and the service's timing of it. */
    public record StoredStep(int step, String recordJson, Instant startedAt, Instant completedAt, Long durationMillis) {
    }

    /** The plotted numbers of one step. */
    public record SeriesPoint(int step, double physics, double cost, double penalty, double total, double gradientNorm,
                              long eventsTotal, String recordJson) {
    }

    private final JdbcClient jdbc;

    public StepRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(UUID studyId, StepRecord record, String recordJson, Instant startedAt) {
        jdbc.sql("INSERT INTO steps (study_id, step, record, physics, physics_stderr, cost, penalty, total, gradient_norm,"
                        + " events, events_total, started_at, duration_millis)"
                        + " VALUES (?, ?, ?::json, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                        + " (extract(epoch FROM (clock_timestamp() - ?::timestamptz)) * 1000)::bigint)")
                .params(studyId, record.step(), recordJson, finite(record.physics()), finite(record.physicsStderr()),
                        finite(record.cost()), finite(record.penalty()), finite(record.total()),
                        finite(record.gradientNorm()), record.events(), record.eventsTotal(),
                        startedAt == null ? null : java.sql.Timestamp.from(startedAt),
                        startedAt == null ? null : java.sql.Timestamp.from(startedAt))
                .update();
    }

    /** NaN and ±∞ are stored as SQL NULL in the numeric columns (the exact record keeps them). */
    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /** Steps from {@code fromStep} on, in step order, at most {@code limit}. */
    public List<StoredStep> page(UUID studyId, int fromStep, int limit) {
        return jdbc.sql("SELECT step, record::text AS record, started_at, completed_at, duration_millis FROM steps"
                        + " WHERE study_id = ? AND step >= ? ORDER BY step LIMIT ?")
                .params(studyId, fromStep, limit)
                .query((rs, row) -> new StoredStep(rs.getInt("step"), rs.getString("record"),
                        StudyRepository.instant(rs, "started_at"), StudyRepository.instant(rs, "completed_at"),
                        rs.getObject("duration_millis", Long.class)))
                .list();
    }

    /** The {@code offset}-th to {@code (offset + limit - 1)}-th step in step order, or counted from the newest. */
    public List<StoredStep> page(UUID studyId, int offset, int limit, boolean newestFirst) {
        return jdbc.sql("SELECT step, record::text AS record, started_at, completed_at, duration_millis FROM steps"
                        + " WHERE study_id = ? ORDER BY step " + (newestFirst ? "DESC" : "ASC") + " OFFSET ? LIMIT ?")
                .params(studyId, offset, limit)
                .query((rs, row) -> new StoredStep(rs.getInt("step"), rs.getString("record"),
                        StudyRepository.instant(rs, "started_at"), StudyRepository.instant(rs, "completed_at"),
                        rs.getObject("duration_millis", Long.class)))
                .list();
    }

    public List<String> allRecords(UUID studyId) {
        return jdbc.sql("SELECT record::text FROM steps WHERE study_id = ? ORDER BY step")
                .param(studyId).query(String.class).list();
    }

    /**
     * Events per second over the study's last {@code window} completed steps: their events over
     * their summed durations (each from its tasks being queued to its record being stored; the next
     * step is queued in the same transaction, so this is the wall-clock throughput, including any
     * pause inside those steps). Null before the first step or when no duration is recorded.
     * Reads at most {@code window} rows backwards along the primary key.
     */
    public Double recentEventsPerSecond(UUID studyId, int window) {
        return jdbc.sql("SELECT CASE WHEN sum(duration_millis) > 0 THEN (sum(events) * 1000.0 / sum(duration_millis))::float8 END"
                        + " FROM (SELECT events, duration_millis FROM steps WHERE study_id = ? AND duration_millis IS NOT NULL"
                        + " ORDER BY step DESC LIMIT ?) recent")
                .params(studyId, window)
                .query((rs, row) -> rs.getObject(1, Double.class))
                .list().getFirst(); // one aggregate row, its value null when there is no figure
    }

    /** The newest {@code limit} step records, oldest first. */
    public List<String> newestRecords(UUID studyId, int limit) {
        List<String> newestFirst = jdbc.sql("SELECT record::text FROM steps WHERE study_id = ? ORDER BY step DESC LIMIT ?")
                .params(studyId, limit).query(String.class).list();
        return newestFirst.reversed();
    }

    /** One step's record, if that step is stored. */
    public java.util.Optional<String> record(UUID studyId, int step) {
        return jdbc.sql("SELECT record::text FROM steps WHERE study_id = ? AND step = ?")
                .params(studyId, step).query(String.class).optional();
    }

    public long count(UUID studyId) {
        return jdbc.sql("SELECT count(*) FROM steps WHERE study_id = ?").param(studyId).query(Long.class).single();
    }

    public List<SeriesPoint> series(UUID studyId) {
        return jdbc.sql("SELECT step, physics, cost, penalty, total, gradient_norm, events_total, record::text AS record"
                        + " FROM steps WHERE study_id = ? ORDER BY step")
                .param(studyId)
                .query((rs, row) -> new SeriesPoint(rs.getInt("step"), nan(rs.getObject("physics", Double.class)),
                        nan(rs.getObject("cost", Double.class)), nan(rs.getObject("penalty", Double.class)),
                        nan(rs.getObject("total", Double.class)), nan(rs.getObject("gradient_norm", Double.class)),
                        rs.getLong("events_total"), rs.getString("record")))
                .list();
    }

    /** The exact state after a step (V6), so the study can be forked from it. */
    public void recordStateAfter(UUID studyId, int step, String stateJson) {
        jdbc.sql("UPDATE steps SET state_after = ?::json WHERE study_id = ? AND step = ?").params(stateJson, studyId, step)
                .update();
    }

    /** The state after a step, or empty when the step does not exist (or was stored before V6). */
    public java.util.Optional<String> stateAfter(UUID studyId, int step) {
        return jdbc.sql("SELECT state_after::text FROM steps WHERE study_id = ? AND step = ? AND state_after IS NOT NULL")
                .params(studyId, step).query(String.class).optional();
    }

    /** Copies steps 0..{@code lastStep} of one study to another (a fork keeps its parent's history). */
    public void copy(UUID from, UUID to, int lastStep) {
        jdbc.sql("INSERT INTO steps (study_id, step, record, physics, physics_stderr, cost, penalty, total, gradient_norm,"
                        + " events, events_total, started_at, completed_at, duration_millis, state_after)"
                        + " SELECT ?, step, record, physics, physics_stderr, cost, penalty, total, gradient_norm, events,"
                        + " events_total, started_at, completed_at, duration_millis, state_after"
                        + " FROM steps WHERE study_id = ? AND step <= ?")
                .params(to, from, lastStep).update();
    }

    private static double nan(Double value) {
        return value == null ? Double.NaN : value;
    }
}
