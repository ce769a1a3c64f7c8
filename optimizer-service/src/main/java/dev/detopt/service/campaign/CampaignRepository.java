package dev.detopt.service.campaign;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of campaigns: the {@code study_groups} table and the campaign columns of studies (V6). */
@Repository
public class CampaignRepository {

    /** A stored group. {@code varyJson}: path → values, in the order given. */
    public record GroupRow(UUID id, String name, String owner, String baseSpecJson, String varyJson, Instant createdAt) {
    }

    /** A member's best design's numbers (the step record at its best step). */
    public record BestPoint(UUID studyId, int step, Double physics, Double cost, Double total) {
    }

    private final JdbcClient jdbc;

    public CampaignRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insertGroup(UUID id, String name, String owner, String baseSpecJson, String varyJson) {
        jdbc.sql("INSERT INTO study_groups (id, name, owner, base_spec, vary) VALUES (?, ?, ?, ?::jsonb, ?::json)")
                .params(id, name, owner, baseSpecJson, varyJson).update();
    }

    public Optional<GroupRow> group(UUID id) {
        return jdbc.sql("SELECT id, name, owner, base_spec::text AS base_spec, vary::text AS vary, created_at"
                        + " FROM study_groups WHERE id = ?")
                .param(id).query((rs, row) -> new GroupRow(rs.getObject("id", UUID.class), rs.getString("name"),
                        rs.getString("owner"), rs.getString("base_spec"), rs.getString("vary"),
                        rs.getTimestamp("created_at").toInstant()))
                .optional();
    }

    public List<GroupRow> groups(int limit, long offset) {
        return jdbc.sql("SELECT id, name, owner, base_spec::text AS base_spec, vary::text AS vary, created_at"
                        + " FROM study_groups ORDER BY created_at DESC, id LIMIT ? OFFSET ?")
                .params(limit, offset).query((rs, row) -> new GroupRow(rs.getObject("id", UUID.class), rs.getString("name"),
                        rs.getString("owner"), rs.getString("base_spec"), rs.getString("vary"),
                        rs.getTimestamp("created_at").toInstant()))
                .list();
    }

    public long countGroups() {
        return jdbc.sql("SELECT count(*) FROM study_groups").query(Long.class).single();
    }

    /** Per group, its members' count by status. */
    public Map<UUID, Map<String, Integer>> statusCounts(List<UUID> groupIds) {
        Map<UUID, Map<String, Integer>> counts = new HashMap<>();
        if (groupIds.isEmpty()) {
            return counts;
        }
        jdbc.sql("SELECT group_id, status, count(*) AS n FROM studies WHERE group_id = ANY (?::uuid[])"
                        + " GROUP BY group_id, status ORDER BY group_id, status")
                .param(groupIds.stream().map(UUID::toString).toArray(String[]::new))
                .query(rs -> {
                    counts.computeIfAbsent(rs.getObject("group_id", UUID.class), g -> new LinkedHashMap<>())
                            .put(rs.getString("status"), rs.getInt("n"));
                });
        return counts;
    }

    /** Member ids in sweep order (the first path varying slowest). */
    public List<UUID> members(UUID groupId) {
        return jdbc.sql("SELECT id FROM studies WHERE group_id = ? ORDER BY group_index, id")
                .param(groupId).query(UUID.class).list();
    }

    public void joinGroup(UUID studyId, UUID groupId, int index, String valuesJson) {
        jdbc.sql("UPDATE studies SET group_id = ?, group_index = ?, group_values = ?::json WHERE id = ?")
                .params(groupId, index, valuesJson, studyId).update();
    }

    /** Marks a new study as a fork holding the state it continues from (status stays CREATED). */
    public void markFork(UUID studyId, UUID parentId, int fromStep, String stateJson, int step, Double lastTotal,
                         Double bestTotal, Integer bestStep, long eventsSimulated) {
        jdbc.sql("UPDATE studies SET parent_id = ?, forked_from_step = ?, state = ?::json, step = ?, last_total = ?,"
                        + " best_total = ?, best_step = ?, events_simulated = ?, version = version + 1 WHERE id = ?")
                .params(parentId, fromStep, stateJson, step, lastTotal, bestTotal, bestStep, eventsSimulated, studyId)
                .update();
    }

    /** Sets the description (null clears it) and, when given, the tags. */
    public void setNotes(UUID studyId, boolean setDescription, String description, List<String> tags) {
        if (setDescription) {
            jdbc.sql("UPDATE studies SET description = ?, version = version + 1, updated_at = now() WHERE id = ?")
                    .params(description, studyId).update();
        }
        if (tags != null) {
            jdbc.sql("UPDATE studies SET tags = ?::text[], version = version + 1, updated_at = now() WHERE id = ?")
                    .params(tags.toArray(String[]::new), studyId).update();
        }
    }

    /** Loss (total) by step of each study, for bands and comparisons. */
    public Map<UUID, Map<Integer, Double>> totals(List<UUID> studyIds) {
        Map<UUID, Map<Integer, Double>> series = new LinkedHashMap<>();
        studyIds.forEach(id -> series.put(id, new LinkedHashMap<>()));
        if (studyIds.isEmpty()) {
            return series;
        }
        jdbc.sql("SELECT study_id, step, total FROM steps WHERE study_id = ANY (?::uuid[]) ORDER BY study_id, step")
                .param(studyIds.stream().map(UUID::toString).toArray(String[]::new))
                .query(rs -> {
                    series.get(rs.getObject("study_id", UUID.class)).put(rs.getInt("step"), rs.getObject("total", Double.class));
                });
        return series;
    }

    /** Each study's best step's physics loss, cost and total (studies without a best step are absent). */
    public List<BestPoint> bestPoints(List<UUID> studyIds) {
        if (studyIds.isEmpty()) {
            return List.of();
        }
        return new ArrayList<>(jdbc.sql("SELECT s.id, st.step, st.physics, st.cost, st.total FROM studies s"
                        + " JOIN steps st ON st.study_id = s.id AND st.step = s.best_step WHERE s.id = ANY (?::uuid[])")
                .param(studyIds.stream().map(UUID::toString).toArray(String[]::new))
                .query((rs, row) -> new BestPoint(rs.getObject("id", UUID.class), rs.getInt("step"),
                        rs.getObject("physics", Double.class), rs.getObject("cost", Double.class),
                        rs.getObject("total", Double.class)))
                .list());
    }
}
