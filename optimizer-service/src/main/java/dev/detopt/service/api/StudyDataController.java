package dev.detopt.service.api;

import dev.detopt.model.study.HistoryCsv;
import dev.detopt.model.study.StepRecord;
import dev.detopt.model.study.StudyState;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.loop.TaskRepository;
import dev.detopt.service.loop.TaskRow;
import dev.detopt.service.loop.TaskState;
import dev.detopt.service.study.SeriesDownsampler;
import dev.detopt.service.study.StepRepository;
import dev.detopt.service.study.StudyEventLog;
import dev.detopt.service.study.StudyRow;
import dev.detopt.service.study.StudyService;
import dev.detopt.service.web.ApiProblem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** What a study produced: steps, plot series, best design, tasks, event log, exports. */
@RestController
@RequestMapping("/api/v1/studies/{id}")
public class StudyDataController {
    static final int MAX_SERIES_POINTS = 10_000;

    private final StudyService studies;
    private final StepRepository steps;
    private final TaskRepository tasks;
    private final StudyEventLog events;

    public StudyDataController(StudyService studies, StepRepository steps, TaskRepository tasks, StudyEventLog events) {
        this.studies = studies;
        this.steps = steps;
        this.tasks = tasks;
        this.events = events;
    }

    public record StepView(int step, JsonNode record, Instant startedAt, Instant completedAt, Long durationMillis) {
    }

    public record SeriesPoint(int step, Double physics, Double cost, Double penalty, Double total, Double gradientNorm,
                              long eventsTotal, Map<String, Double> theta, Map<String, Double> gradient,
                              Map<String, Double> gradientStderr) {
    }

    public record Series(UUID studyId, int totalPoints, int returnedPoints, boolean downsampled, List<SeriesPoint> points) {
    }

    public record Best(UUID studyId, Integer step, Double total, Map<String, Double> theta) {
    }

    public record TaskView(long taskId, int step, int batchIndex, long eventFrom, long eventTo, String state, int attempt,
                           String leaseOwner, Instant leaseExpiresAt, String checkpointKey, int preemptions, int expiries,
                           int failures) {
    }

    public record TasksView(UUID studyId, int currentStep, Map<TaskState, Long> counts,
                            List<TaskView> currentStepTasks, List<TaskRepository.StepTaskSummary> steps) {
    }

    public record EventView(long id, Instant at, String type, String message, JsonNode details) {
    }

    public record EventsView(List<EventView> items, long next) {
    }

    /** Completed steps, {@code size} per page: oldest first, or newest first with {@code order=desc}. */
    @GetMapping("/steps")
    public StudyController.Page<StepView> steps(@PathVariable UUID id, @RequestParam(defaultValue = "0") int page,
                                                @RequestParam(defaultValue = "100") int size,
                                                @RequestParam(defaultValue = "asc") String order) {
        studies.get(id);
        StudyController.checkPage(page, size);
        boolean newestFirst = switch (order) {
            case "asc" -> false;
            case "desc" -> true;
            default -> throw ApiProblem.badRequest("order", "must be asc or desc");
        };
        long from = (long) page * size;
        List<StepView> items = from > Integer.MAX_VALUE ? List.of() : steps.page(id, (int) from, size, newestFirst).stream()
                .map(step -> new StepView(step.step(), WireJson.mapper().readTree(step.recordJson()), step.startedAt(),
                        step.completedAt(), step.durationMillis()))
                .toList();
        return new StudyController.Page<>(items, page, size, steps.count(id));
    }

    /** The loss, gradient and design series for plots, downsampled to at most {@code maxPoints}. */
    @GetMapping("/series")
    public Series series(@PathVariable UUID id, @RequestParam(defaultValue = "500") int maxPoints) {
        if (maxPoints < 10 || maxPoints > MAX_SERIES_POINTS) {
            throw ApiProblem.badRequest("maxPoints", "must be between 10 and " + MAX_SERIES_POINTS);
        }
        studies.get(id);
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
    @GetMapping("/best")
    public Best best(@PathVariable UUID id) {
        StudyRow study = studies.get(id);
        if (study.stateJson() == null) {
            return new Best(id, null, null, null);
        }
        StudyState.Best best = WireJson.read(study.stateJson(), StudyState.class).best();
        return best == null ? new Best(id, null, null, null) : new Best(id, best.step(), finite(best.total()), best.theta());
    }

    @GetMapping("/tasks")
    public TasksView tasks(@PathVariable UUID id, @RequestParam(defaultValue = "0") int fromStep,
                           @RequestParam(defaultValue = "100") int size) {
        StudyRow study = studies.get(id);
        if (fromStep < 0) {
            throw ApiProblem.badRequest("fromStep", "must not be negative");
        }
        StudyController.checkPage(0, size);
        List<TaskView> current = tasks.ofStep(id, study.step()).stream().map(StudyDataController::view).toList();
        return new TasksView(id, study.step(), tasks.countsByState(id), current, tasks.summaryByStep(id, fromStep, size));
    }

    @GetMapping("/events")
    public EventsView events(@PathVariable UUID id, @RequestParam(defaultValue = "0") long after,
                             @RequestParam(defaultValue = "100") int limit) {
        studies.get(id);
        if (after < 0) {
            throw ApiProblem.badRequest("after", "must not be negative");
        }
        StudyController.checkPage(0, limit);
        List<EventView> items = events.list(id, after, limit).stream()
                .map(entry -> new EventView(entry.id(), entry.at(), entry.type(), entry.message(),
                        entry.detailsJson() == null ? null : WireJson.mapper().readTree(entry.detailsJson())))
                .toList();
        return new EventsView(items, items.isEmpty() ? after : items.getLast().id());
    }

    /** The full history: {@code format=json} (study, spec, state and every step record) or {@code csv}. */
    @GetMapping("/export")
    public ResponseEntity<String> export(@PathVariable UUID id, @RequestParam(defaultValue = "json") String format) {
        StudyRow study = studies.get(id);
        List<String> records = steps.allRecords(id);
        String filename = "study-" + id;
        return switch (format) {
            case "json" -> ResponseEntity.ok()
                    .contentType(MediaType.APPLICATION_JSON)
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + ".json\"")
                    .body(exportJson(study, studies.activeWorkers(id), records));
            case "csv" -> ResponseEntity.ok()
                    .contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + ".csv\"")
                    .body(exportCsv(study, records));
            default -> throw ApiProblem.badRequest("format", "must be json or csv");
        };
    }

    /** Records are spliced in as stored, so the export carries the exact (bit-for-bit) values. */
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
        Map<String, Double> finalTheta = study.stateJson() == null ? null : WireJson.read(study.stateJson(), StudyState.class).theta();
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
