package dev.detopt.service.study;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of the {@code studies} table. Every change raises {@code version} (watched by SSE). */
@Repository
public class StudyRepository {
    /** The stop reason of a study someone cancelled (the engine's own reasons are StopReason's wire names). */
    public static final String CANCELLED_STOP_REASON = "cancelled";

    private static final String COLUMNS = "id, name, status, owner, spec::text AS spec, state::text AS state, version, step,"
            + " max_steps, simulator, estimator, last_total, best_total, best_step, events_simulated, stop_reason, failure,"
            + " created_at, updated_at, started_at, finished_at, step_started_at,"
            + " parent_id, forked_from_step, group_id, group_values::text AS group_values, description, tags";

    static final RowMapper<StudyRow> MAPPER = StudyRepository::map;

    private final JdbcClient jdbc;

    public StudyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(UUID id, String name, String owner, String specJson, String simulator, String estimator, int maxSteps) {
        jdbc.sql("INSERT INTO studies (id, name, status, owner, spec, simulator, estimator, max_steps)"
                        + " VALUES (?, ?, 'CREATED', ?, ?::jsonb, ?, ?, ?)")
                .params(id, name, owner, specJson, simulator, estimator, maxSteps)
                .update();
    }

    public Optional<StudyRow> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM studies WHERE id = ?").param(id).query(MAPPER).optional();
    }

    /**
     * Locks the row until the transaction ends: the one place where a study's state changes.
     * {@code FOR NO KEY UPDATE}, not {@code FOR UPDATE}: it serialises the study's changes just as
     * well, but does not block the key-share lock that inserting a row referring to the study takes
     * (a log entry, a task). The lease sweeper and a release hold task rows while they append log
     * entries; with {@code FOR UPDATE} a completion or failure holding the study and waiting for
     * such a task row deadlocked with them.
     */
    public Optional<StudyRow> lock(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM studies WHERE id = ? FOR NO KEY UPDATE").param(id).query(MAPPER)
                .optional();
    }

    /**
     * Locks the studies the given tasks belong to, in study-id order (so two callers locking
     * several studies cannot deadlock each other). Only the study rows are locked (see {@link #lock}),
     * not the task rows the subquery reads: tasks are locked after their study.
     */
    public List<StudyRow> lockByTasks(List<Long> taskIds) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM studies WHERE id IN (SELECT study_id FROM tasks WHERE id = ANY(?))"
                        + " ORDER BY id FOR NO KEY UPDATE OF studies")
                .param(taskIds.toArray(Long[]::new)).query(MAPPER).list();
    }

    public List<StudyRow> list(StudyStatus status, int limit, long offset) {
        return list(status, null, null, limit, offset);
    }

    public long count(StudyStatus status) {
        return count(status, null, null);
    }

    /**
     * Studies newest first, filtered by any of: status, a tag the study carries, and text found
     * (case-insensitive) in its name or description.
     */
    public List<StudyRow> list(StudyStatus status, String tag, String text, int limit, long offset) {
        List<Object> params = new java.util.ArrayList<>();
        String where = where(status, tag, text, params);
        params.add(limit);
        params.add(offset);
        return jdbc.sql("SELECT " + COLUMNS + " FROM studies" + where + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?")
                .params(params).query(MAPPER).list();
    }

    public long count(StudyStatus status, String tag, String text) {
        List<Object> params = new java.util.ArrayList<>();
        String where = where(status, tag, text, params);
        return jdbc.sql("SELECT count(*) FROM studies" + where).params(params).query(Long.class).single();
    }

    private static String where(StudyStatus status, String tag, String text, List<Object> params) {
        List<String> conditions = new java.util.ArrayList<>();
        if (status != null) {
            conditions.add("status = ?");
            params.add(status.name());
        }
        if (tag != null) {
            conditions.add("tags @> ARRAY[?]::text[]");
            params.add(tag);
        }
        if (text != null) {
            conditions.add("(strpos(lower(name), lower(?)) > 0 OR strpos(lower(coalesce(description, '')), lower(?)) > 0)");
            params.add(text);
            params.add(text);
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    /**
     * Per study, the number of distinct workers holding a current lease on one of its tasks
     * (LEASED, lease not yet expired). One statement for a whole page of studies, served by
     * {@code tasks_study_state_idx (study_id, state)}; studies without such a lease are absent.
     */
    public Map<UUID, Integer> activeWorkers(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        String[] array = ids.stream().map(UUID::toString).toArray(String[]::new);
        Map<UUID, Integer> counts = new HashMap<>();
        jdbc.sql("SELECT study_id, count(DISTINCT lease_owner) AS workers FROM tasks"
                        + " WHERE study_id = ANY (?::uuid[]) AND state = 'LEASED' AND lease_expires_at > now()"
                        + " GROUP BY study_id")
                .param(array)
                .query(rs -> {
                    counts.put(rs.getObject("study_id", UUID.class), rs.getInt("workers"));
                });
        return counts;
    }

    /** {@link #activeWorkers(Collection)} of one study. */
    public int activeWorkers(UUID id) {
        return activeWorkers(List.of(id)).getOrDefault(id, 0);
    }

    /** The study's row version, or empty when it was deleted. */
    public Optional<Long> version(UUID id) {
        return jdbc.sql("SELECT version FROM studies WHERE id = ?").param(id).query(Long.class).optional();
    }

    public void markStarted(UUID id, String stateJson, int step) {
        jdbc.sql("UPDATE studies SET status = 'RUNNING', state = ?::json, step = ?, version = version + 1,"
                        + " started_at = now(), step_started_at = now(), updated_at = now() WHERE id = ?")
                .params(stateJson, step, id).update();
    }

    public void setStatus(UUID id, StudyStatus status) {
        jdbc.sql("UPDATE studies SET status = ?, version = version + 1, updated_at = now(),"
                        + " finished_at = CASE WHEN ? THEN now() ELSE finished_at END WHERE id = ?")
                .params(status.name(), status.terminal(), id).update();
    }

    /** Ends the study as CANCELLED, with {@link #CANCELLED_STOP_REASON} as its stop reason. */
    public void markCancelled(UUID id) {
        jdbc.sql("UPDATE studies SET status = 'CANCELLED', stop_reason = ?, version = version + 1, updated_at = now(),"
                        + " finished_at = now() WHERE id = ?")
                .params(CANCELLED_STOP_REASON, id).update();
    }

    public void markFailed(UUID id, String failure) {
        jdbc.sql("UPDATE studies SET status = 'FAILED', failure = ?, version = version + 1, updated_at = now(),"
                        + " finished_at = now() WHERE id = ?")
                .params(failure, id).update();
    }

    /** Records the state after a completed step; {@code finished} ends the study as COMPLETED. */
    public void advance(UUID id, String stateJson, int step, double lastTotal, Double bestTotal, Integer bestStep,
                        long eventsSimulated, String stopReason) {
        jdbc.sql("UPDATE studies SET state = ?::json, step = ?, last_total = ?, best_total = ?, best_step = ?,"
                        + " events_simulated = ?, stop_reason = ?, step_started_at = now(), version = version + 1,"
                        + " updated_at = now(),"
                        + " status = CASE WHEN ?::text IS NULL THEN status ELSE 'COMPLETED' END,"
                        + " finished_at = CASE WHEN ?::text IS NULL THEN finished_at ELSE now() END"
                        + " WHERE id = ?")
                .params(stateJson, step, lastTotal, bestTotal, bestStep, eventsSimulated, stopReason, stopReason,
                        stopReason, id)
                .update();
    }

    /** A COMPLETED study continues (extend): new spec and limit, the state without stop reason, RUNNING again. */
    public void extend(UUID id, String specJson, int maxSteps, String stateJson) {
        jdbc.sql("UPDATE studies SET spec = ?::jsonb, max_steps = ?, state = ?::json, status = 'RUNNING', stop_reason = NULL,"
                        + " finished_at = NULL, step_started_at = now(), version = version + 1, updated_at = now() WHERE id = ?")
                .params(specJson, maxSteps, stateJson, id).update();
    }

    public boolean delete(UUID id) {
        return jdbc.sql("DELETE FROM studies WHERE id = ?").param(id).update() > 0;
    }

    private static StudyRow map(ResultSet rs, int row) throws SQLException {
        return new StudyRow(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                StudyStatus.valueOf(rs.getString("status")),
                rs.getString("owner"),
                rs.getString("spec"),
                rs.getString("state"),
                rs.getLong("version"),
                rs.getInt("step"),
                rs.getInt("max_steps"),
                rs.getString("simulator"),
                rs.getString("estimator"),
                rs.getObject("last_total", Double.class),
                rs.getObject("best_total", Double.class),
                rs.getObject("best_step", Integer.class),
                rs.getLong("events_simulated"),
                rs.getString("stop_reason"),
                rs.getString("failure"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                instant(rs, "started_at"),
                instant(rs, "finished_at"),
                instant(rs, "step_started_at"),
                rs.getObject("parent_id", UUID.class),
                rs.getObject("forked_from_step", Integer.class),
                rs.getObject("group_id", UUID.class),
                rs.getString("group_values"),
                rs.getString("description"),
                tags(rs));
    }

    private static List<String> tags(ResultSet rs) throws SQLException {
        java.sql.Array array = rs.getArray("tags");
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
