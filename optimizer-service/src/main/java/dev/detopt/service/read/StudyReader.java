package dev.detopt.service.read;

import dev.detopt.model.study.HistoryCsv;
import dev.detopt.model.study.StepRecord;
import dev.detopt.model.study.StudyState;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.domain.NotFoundException;
import dev.detopt.service.queue.TaskRepository;
import dev.detopt.service.queue.TaskRow;
import dev.detopt.service.queue.WorkerRepository;
import dev.detopt.service.queue.WorkerRow;
import dev.detopt.service.read.StudyViews.Best;
import dev.detopt.service.read.StudyViews.EventView;
import dev.detopt.service.read.StudyViews.EventsView;
import dev.detopt.service.read.StudyViews.Export;
import dev.detopt.service.read.StudyViews.QueueView;
import dev.detopt.service.read.StudyViews.Series;
import dev.detopt.service.read.StudyViews.SeriesPoint;
import dev.detopt.service.read.StudyViews.StepView;
import dev.detopt.service.read.StudyViews.TaskView;
import dev.detopt.service.read.StudyViews.TasksView;
import dev.detopt.service.study.SeriesDownsampler;
import dev.detopt.service.study.StepRepository;
import dev.detopt.service.study.StudyEventLog;
import dev.detopt.service.study.StudyRepository;
import dev.detopt.service.study.StudyRow;
import dev.detopt.service.study.StudyStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * The read side: every view of studies, steps, series, tasks, the event log, exports, the fleet,
 * and the SSE change feed. Controllers read through this service only, never the repositories.
 */
@Service
public class StudyReader {
    private final StudyRepository studies;
    private final StepRepository steps;
    private final TaskRepository tasks;
    private final WorkerRepository workers;
    private final StudyEventLog events;

    public StudyReader(StudyRepository studies, StepRepository steps, TaskRepository tasks, WorkerRepository workers,
                       StudyEventLog events) {
        this.studies = studies;
        this.steps = steps;
        this.tasks = tasks;
        this.workers = workers;
        this.events = events;
    }

    private StudyRow row(UUID id) {
        return studies.find(id).orElseThrow(() -> NotFoundException.study(id));
    }

    /** Throws {@link NotFoundException} unless the study exists (for checks that must come first). */
    public void requireStudy(UUID id) {
        row(id);
    }

    /** The single-study view (with spec, state and recent throughput); 404 when there is no such study. */
    public StudyView view(UUID id) {
        return view(row(id));
    }

    /** The single-study view of a row just read or changed. */
    public StudyView view(StudyRow row) {
        return StudyView.of(row, studies.activeWorkers(row.id()),
                steps.recentEventsPerSecond(row.id(), StudyView.THROUGHPUT_WINDOW), WireJson.mapper().readTree(row.specJson()),
                row.stateJson() == null ? null : WireJson.mapper().readTree(row.stateJson()));
    }

    /** Studies newest first, optionally of one status, as summaries. */
    public Page<StudyView> list(StudyStatus status, int page, int size) {
        return list(status, null, null, page, size);
    }

    /** Studies newest first, filtered by status, tag and text in name or description (each optional). */
    public Page<StudyView> list(StudyStatus status, String tag, String text, int page, int size) {
        List<StudyRow> rows = studies.list(status, tag, text, size, (long) page * size);
        Map<UUID, Integer> active = studies.activeWorkers(rows.stream().map(StudyRow::id).toList());
        List<StudyView> items = rows.stream().map(row -> StudyView.summary(row, active.getOrDefault(row.id(), 0))).toList();
        return new Page<>(items, page, size, studies.count(status, tag, text));
    }

    /** Completed steps, {@code size} per page: oldest first, or newest first. */
    public Page<StepView> steps(UUID id, int page, int size, boolean newestFirst) {
        row(id);
        long from = (long) page * size;
        List<StepView> items = from > Integer.MAX_VALUE ? List.of() : steps.page(id, (int) from, size, newestFirst).stream()
                .map(step -> new StepView(step.step(), WireJson.mapper().readTree(step.recordJson()), step.startedAt(),
                        step.completedAt(), step.durationMillis()))
                .toList();
        return new Page<>(items, page, size, steps.count(id));
    }

    /** The loss, gradient and design series for plots, downsampled to at most {@code maxPoints}. */
    public Series series(UUID id, int maxPoints) {
        row(id);
        List<StepRepository.SeriesPoint> all = steps.series(id);
        List<Integer> keep = SeriesDownsampler.select(all, maxPoints, StepRepository.SeriesPoint::total);
        List<SeriesPoint> points = new ArrayList<>(keep.size());
        for (int index : keep) {
            StepRepository.SeriesPoint point = all.get(index);
            StepRecord record = WireJson.read(point.recordJson(), StepRecord.class);
            points.add(new SeriesPoint(point.step(), finite(record.physics()), finite(record.cost()),
                    finite(record.penalty()), finite(record.total()), finite(record.gradientNorm()), point.eventsTotal(),
                    record.theta(), record.gradient(), record.gradientStderr()));
        }
        return new Series(id, all.size(), points.size(), points.size() < all.size(), points);
    }

    /** The best design so far by total loss (all null before the first step completes). */
    public Best best(UUID id) {
        StudyRow study = row(id);
        if (study.stateJson() == null) {
            return new Best(id, null, null, null);
        }
        StudyState.Best best = WireJson.read(study.stateJson(), StudyState.class).best();
        return best == null ? new Best(id, null, null, null) : new Best(id, best.step(), finite(best.total()), best.theta());
    }

    /** Task counts, the current step's tasks, and a summary of {@code size} steps from {@code fromStep}. */
    public TasksView tasks(UUID id, int fromStep, int size) {
        StudyRow study = row(id);
        List<TaskView> current = tasks.ofStep(id, study.step()).stream().map(StudyReader::view).toList();
        return new TasksView(id, study.step(), tasks.countsByState(id), current, tasks.summaryByStep(id, fromStep, size));
    }

    /** Log entries after {@code after}, at most {@code limit}. */
    public EventsView events(UUID id, long after, int limit) {
        row(id);
        List<EventView> items = logAfter(id, after, limit);
        return new EventsView(items, items.isEmpty() ? after : items.getLast().id());
    }

    List<EventView> logAfter(UUID id, long after, int limit) {
        return events.list(id, after, limit).stream()
                .map(entry -> new EventView(entry.id(), entry.at(), entry.type(), entry.message(),
                        entry.detailsJson() == null ? null : WireJson.mapper().readTree(entry.detailsJson())))
                .toList();
    }

    /**
     * The full history: {@code json} (study, spec, state and every step record, spliced in as
     * stored, so the values are exact) or {@code csv}; null for any other format.
     */
    public Export export(UUID id, String format) {
        StudyRow study = row(id);
        List<String> records = steps.allRecords(id);
        String filename = "study-" + id;
        return switch (format) {
            case "json" -> new Export(filename + ".json", format, exportJson(study, studies.activeWorkers(id), records));
            case "csv" -> new Export(filename + ".csv", format, exportCsv(study, records));
            default -> null;
        };
    }

    /** The change feed of one study for the SSE stream (404 when there is no such study). */
    public StudyFeed feed(UUID id, int fromStep, long afterEvent) {
        row(id);
        return new StudyFeed(this, studies, steps, tasks, id, fromStep, afterEvent);
    }

    /** Registered workers, most recently seen first. */
    public Page<WorkerRow> workers(int page, int size) {
        return new Page<>(workers.list(size, (long) page * size), page, size, workers.count());
    }

    /** The whole queue: leasable and leased tasks, and every task by state. */
    public QueueView queue() {
        var counts = tasks.queuedAndLeased();
        return new QueueView(counts.queued(), counts.leased(), tasks.countsByStateAll());
    }

    private static String exportJson(StudyRow study, int activeWorkers, List<String> records) {
        StringBuilder out = new StringBuilder(256 + records.size() * 400);
        out.append("{\"study\":").append(WireJson.write(StudyView.summary(study, activeWorkers)))
                .append(",\"spec\":").append(study.specJson())
                .append(",\"state\":").append(study.stateJson() == null ? "null" : study.stateJson())
                .append(",\"steps\":[");
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(records.get(i));
        }
        return out.append("]}").toString();
    }

    /** The shared history CSV ({@link HistoryCsv}), the same form the reference runner's CLI writes. */
    static String exportCsv(StudyRow study, List<String> recordsJson) {
        List<StepRecord> records = recordsJson.stream().map(json -> WireJson.read(json, StepRecord.class)).toList();
        Map<String, Double> finalTheta = study.stateJson() == null ? null
                : WireJson.read(study.stateJson(), StudyState.class).theta();
        return HistoryCsv.write(records, finalTheta);
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static TaskView view(TaskRow task) {
        return new TaskView(task.id(), task.step(), task.batchIndex(), task.eventFrom(), task.eventTo(),
                task.state().name(), task.attempt(), task.leaseOwner(), task.leaseExpiresAt(), task.checkpointKey(),
                task.preemptions(), task.expiries(), task.failures());
    }
}
