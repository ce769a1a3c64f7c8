package dev.detopt.service.read;

import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.queue.TaskRepository;
import dev.detopt.service.queue.TaskState;
import dev.detopt.service.read.StudyViews.EventView;
import dev.detopt.service.read.StudyViews.StudyEvent;
import dev.detopt.service.study.StepRepository;
import dev.detopt.service.study.StudyRepository;
import dev.detopt.service.study.StudyRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What changed in one study since the last look, for the SSE stream: it watches the database (the
 * study's row version, new steps, new log entries, task counts), so changes made by any replica
 * arrive. Events: {@code study} (summary, on every change), {@code step} (each new step record),
 * {@code tasks} (task counts by state, when they change), {@code log} (each new log entry),
 * {@code deleted}. Not thread-safe: one per stream.
 */
public final class StudyFeed {
    /** One event to send: SSE name, id (null: none) and JSON data. */
    public record Event(String name, String id, Object data) {
    }

    private static final long COUNTS_CHECK_NANOS = 1_000_000_000L;

    private final StudyReader reader;
    private final StudyRepository studies;
    private final StepRepository steps;
    private final TaskRepository tasks;
    private final UUID id;
    private long lastVersion = -1;
    private int nextStep;
    private long lastEvent;
    private Map<TaskState, Long> lastCounts;
    private long lastCountsCheck;
    private boolean finished;

    StudyFeed(StudyReader reader, StudyRepository studies, StepRepository steps, TaskRepository tasks, UUID id, int fromStep,
              long afterEvent) {
        this.reader = reader;
        this.studies = studies;
        this.steps = steps;
        this.tasks = tasks;
        this.id = id;
        this.nextStep = Math.max(0, fromStep);
        this.lastEvent = Math.max(0, afterEvent);
    }

    /** True after the study was deleted or reached a terminal status: the stream ends after the last events. */
    public boolean finished() {
        return finished;
    }

    /** The events since the last call (none when nothing changed). */
    public List<Event> poll() {
        List<Event> out = new ArrayList<>();
        Optional<Long> version = studies.version(id);
        if (version.isEmpty()) {
            out.add(new Event("deleted", null, Map.of("id", id)));
            finished = true;
            return out;
        }
        if (version.get() != lastVersion) {
            lastVersion = version.get();
            StudyRow row = studies.find(id).orElse(null);
            if (row == null) {
                return out;
            }
            finished = row.status().terminal();
            lastCounts = tasks.countsByState(id);
            lastCountsCheck = System.nanoTime();
            out.add(new Event("study", "v" + row.version(),
                    new StudyEvent(StudyView.summary(row, studies.activeWorkers(id)), lastCounts)));
            for (StepRepository.StoredStep step : steps.page(id, nextStep, 1_000)) {
                out.add(new Event("step", "s" + step.step(), WireJson.mapper().readTree(step.recordJson())));
                nextStep = step.step() + 1;
            }
        } else if (System.nanoTime() - lastCountsCheck > COUNTS_CHECK_NANOS) {
            Map<TaskState, Long> counts = tasks.countsByState(id);
            lastCountsCheck = System.nanoTime();
            if (!counts.equals(lastCounts)) {
                lastCounts = counts;
                out.add(new Event("tasks", null, counts));
            }
        }
        for (EventView entry : reader.logAfter(id, lastEvent, 1_000)) {
            out.add(new Event("log", "e" + entry.id(), entry));
            lastEvent = entry.id();
        }
        return out;
    }
}
