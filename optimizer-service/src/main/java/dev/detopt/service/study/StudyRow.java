package dev.detopt.service.study;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One row of {@code studies}: lifecycle columns, the spec and the state as stored JSON text. */
public record StudyRow(
        UUID id,
        String name,
        StudyStatus status,
        String owner,
        String specJson,
        String stateJson,
        long version,
        int step,
        int maxSteps,
        String simulator,
        String estimator,
        Double lastTotal,
        Double bestTotal,
        Integer bestStep,
        long eventsSimulated,
        String stopReason,
        String failure,
        Instant createdAt,
        Instant updatedAt,
        Instant startedAt,
        Instant finishedAt,
        Instant stepStartedAt,
        // Campaigns (V6): a fork's origin, a group member's point of the sweep, the user's notes.
        UUID parentId,
        Integer forkedFromStep,
        UUID groupId,
        String groupValuesJson,
        String description,
        List<String> tags) {
    public StudyRow {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
