package dev.detopt.service.read;

import dev.detopt.model.study.StepRecord;
import dev.detopt.service.queue.TaskRepository;
import dev.detopt.service.queue.TaskState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** The read side's documents about what a study produced (the API's JSON shapes). */
public final class StudyViews {
    private StudyViews() {
    }

    /** A completed step: its exact record and the service's timing of it. */
    public record StepView(int step, JsonNode record, Instant startedAt, Instant completedAt, Long durationMillis) {
    }

    /**
     * One plotted step; {@code observables}: the estimates of the observables the request named
     * (null when it named none, or for steps recorded before observables were); {@code probabilities}: each
     * categorical parameter's probabilities per choice at the step (null without categoricals).
     */
    public record SeriesPoint(int step, Double physics, Double cost, Double penalty, Double total, Double gradientNorm,
                              long eventsTotal, Map<String, Double> theta, Map<String, Double> gradient,
                              Map<String, Double> gradientStderr, Double physicsStderr,
                              Map<String, StepRecord.ObservableEstimate> observables,
                              Map<String, Map<String, Double>> probabilities) {
    }

    /** The plot series, downsampled. */
    public record Series(UUID studyId, int totalPoints, int returnedPoints, boolean downsampled, List<SeriesPoint> points) {
    }

    /** The best design so far by total loss (all null before the first step). */
    public record Best(UUID studyId, Integer step, Double total, Map<String, Double> theta) {
    }

    /** One task of the current step. */
    public record TaskView(long taskId, int step, int batchIndex, long eventFrom, long eventTo, String state, int attempt,
                           String leaseOwner, Instant leaseExpiresAt, String checkpointKey, int preemptions, int expiries,
                           int failures) {
    }

    /** The study's tasks: counts by state, the current step's tasks, and a summary per step. */
    public record TasksView(UUID studyId, int currentStep, Map<TaskState, Long> counts,
                            List<TaskView> currentStepTasks, List<TaskRepository.StepTaskSummary> steps) {
    }

    /** One entry of the study's event log. */
    public record EventView(long id, Instant at, String type, String message, JsonNode details) {
    }

    /** A page of the event log; {@code next}: the id to ask after. */
    public record EventsView(List<EventView> items, long next) {
    }

    /** The summary the change feed sends with every change of the study. */
    public record StudyEvent(StudyView study, Map<TaskState, Long> tasks) {
    }

    /** The queue as the dashboard shows it. */
    public record QueueView(long queued, long leased, Map<TaskState, Long> tasksByState) {
    }

    /** One stored snapshot: its name, its step and where to download it. */
    public record ArtifactView(String name, int step, String href) {
    }

    /** A study's snapshots: every {@code every} steps and the last, under {@code prefix} in the object store. */
    public record ArtifactsView(UUID studyId, int every, String prefix, List<ArtifactView> items) {
    }

    /** A download: file name, media type ({@code json} or {@code csv}) and body. */
    public record Export(String filename, String format, String body) {
    }
}
