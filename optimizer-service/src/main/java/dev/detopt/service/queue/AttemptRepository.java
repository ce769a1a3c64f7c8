package dev.detopt.service.queue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads the {@code task_attempts} history (written by {@link TaskRepository} as leases start and end). */
@Repository
public class AttemptRepository {
    /** What {@link #ATTEMPT_ROW} reads. */
    private static final String ATTEMPT_COLUMNS = "attempt, worker, pod, node, started_at, ended_at, outcome, reason,"
            + " exception, exit_code, stderr_tail, resumed_from_event, events_done, checkpoint_next_event, cpu_seconds,"
            + " cpu_seconds_lost";
    private static final RowMapper<AttemptRow> ATTEMPT_ROW = (rs, row) -> new AttemptRow(rs.getInt("attempt"),
            rs.getString("worker"), rs.getString("pod"), rs.getString("node"), TaskRepository.instant(rs, "started_at"),
            TaskRepository.instant(rs, "ended_at"), rs.getString("outcome"), rs.getString("reason"),
            rs.getString("exception"), (Integer) rs.getObject("exit_code"), rs.getString("stderr_tail"),
            (Long) rs.getObject("resumed_from_event"), rs.getLong("events_done"),
            (Long) rs.getObject("checkpoint_next_event"), rs.getDouble("cpu_seconds"), rs.getDouble("cpu_seconds_lost"));

    private final JdbcClient jdbc;

    public AttemptRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One attempt of a task, as stored. */
    public record AttemptRow(int attempt, String worker, String pod, String node, Instant startedAt, Instant endedAt,
                             String outcome, String reason, String exception, Integer exitCode, String stderrTail,
                             Long resumedFromEvent, long eventsDone, Long checkpointNextEvent, double cpuSeconds,
                             double cpuSecondsLost) {
    }

    /** The study a task belongs to, if the task exists. */
    public Optional<UUID> studyOf(long taskId) {
        return jdbc.sql("SELECT study_id FROM tasks WHERE id = ?").param(taskId).query(UUID.class).optional();
    }

    /** Every attempt of a task, oldest first. */
    public List<AttemptRow> ofTask(long taskId) {
        return jdbc.sql("SELECT " + ATTEMPT_COLUMNS + " FROM task_attempts WHERE task_id = ? ORDER BY attempt")
                .param(taskId)
                .query(ATTEMPT_ROW)
                .list();
    }

    /** The newest ended attempt of the study that failed, with its diagnostics (the dashboard's last error). */
    public Optional<AttemptRow> lastFailure(UUID studyId) {
        return jdbc.sql("SELECT " + ATTEMPT_COLUMNS + " FROM task_attempts WHERE study_id = ?"
                        + " AND outcome IN ('failed', 'lost', 'expired') ORDER BY ended_at DESC LIMIT 1")
                .param(studyId)
                .query(ATTEMPT_ROW)
                .optional();
    }
}
