package dev.detopt.service.study;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The append-only log of what happened to a study (rows are only ever inserted). */
@Repository
public class StudyEventLog {

    public record Entry(long id, UUID studyId, Instant at, String type, String message, String detailsJson) {
    }

    private final JdbcClient jdbc;

    public StudyEventLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void append(UUID studyId, StudyEventType type, String message) {
        append(studyId, type, message, null);
    }

    public void append(UUID studyId, StudyEventType type, String message, String detailsJson) {
        jdbc.sql("INSERT INTO study_events (study_id, type, message, details) VALUES (?, ?, ?, ?::jsonb)")
                .params(studyId, type.wireName(), message, detailsJson).update();
    }

    /** Entries after {@code afterId} in order, at most {@code limit}. */
    public List<Entry> list(UUID studyId, long afterId, int limit) {
        return jdbc.sql("SELECT id, study_id, at, type, message, details::text AS details FROM study_events"
                        + " WHERE study_id = ? AND id > ? ORDER BY id LIMIT ?")
                .params(studyId, afterId, limit)
                .query((rs, row) -> new Entry(rs.getLong("id"), rs.getObject("study_id", UUID.class),
                        StudyRepository.instant(rs, "at"), rs.getString("type"), rs.getString("message"),
                        rs.getString("details")))
                .list();
    }

    public long count(UUID studyId, StudyEventType type) {
        return jdbc.sql("SELECT count(*) FROM study_events WHERE study_id = ? AND type = ?")
                .params(studyId, type.wireName()).query(Long.class).single();
    }
}
