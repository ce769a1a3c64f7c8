package dev.detopt.service.read;

import dev.detopt.service.study.StudyRow;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A study as the API shows it. {@code spec} and {@code state} (the exact stored JSON) are only
 * in the single-study view; lists leave them out. {@code activeWorkers}: distinct workers holding a
 * current (unexpired) lease on one of the study's tasks when the view was made.
 * {@code eventsPerSecond}: throughput over the last {@value #THROUGHPUT_WINDOW} steps, only in
 * the single-study view (null in lists and stream summaries).
 */
public record StudyView(
        UUID id,
        String name,
        String status,
        String owner,
        String simulator,
        String estimator,
        int step,
        int maxSteps,
        long eventsSimulated,
        int activeWorkers,
        Double eventsPerSecond,
        Double lastTotal,
        Double bestTotal,
        Integer bestStep,
        String stopReason,
        String failure,
        long version,
        Instant createdAt,
        Instant updatedAt,
        Instant startedAt,
        Instant finishedAt,
        JsonNode spec,
        JsonNode state,
        // Campaigns: fork origin, group membership and the member's swept values, notes and tags.
        UUID parentId,
        Integer forkedFromStep,
        UUID groupId,
        JsonNode groupValues,
        String description,
        List<String> tags) {

    /** Completed steps the single-study view's events per second are measured over. */
    public static final int THROUGHPUT_WINDOW = 10;

    public static StudyView summary(StudyRow row, int activeWorkers) {
        return of(row, activeWorkers, null, null, null);
    }

    public static StudyView of(StudyRow row, int activeWorkers, Double eventsPerSecond, JsonNode spec, JsonNode state) {
        return new StudyView(row.id(), row.name(), row.status().name(), row.owner(), row.simulator(), row.estimator(),
                row.step(), row.maxSteps(), row.eventsSimulated(), activeWorkers, eventsPerSecond,
                finite(row.lastTotal()), finite(row.bestTotal()),
                row.bestStep(), row.stopReason(), row.failure(), row.version(), row.createdAt(), row.updatedAt(),
                row.startedAt(), row.finishedAt(), spec, state, row.parentId(), row.forkedFromStep(), row.groupId(),
                row.groupValuesJson() == null ? null : dev.detopt.model.study.contract.WireJson.mapper().readTree(row.groupValuesJson()),
                row.description(), row.tags());
    }

    private static Double finite(Double value) {
        return value == null || !Double.isFinite(value) ? null : value;
    }
}
