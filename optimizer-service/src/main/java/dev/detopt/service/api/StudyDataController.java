package dev.detopt.service.api;

import dev.detopt.service.read.Page;
import dev.detopt.service.read.StudyAnswer;
import dev.detopt.service.read.StudyReader;
import dev.detopt.service.read.StudyViews.ArtifactsView;
import dev.detopt.service.read.StudyViews.Best;
import dev.detopt.service.read.StudyViews.EventsView;
import dev.detopt.service.read.StudyViews.Export;
import dev.detopt.service.read.StudyViews.Series;
import dev.detopt.service.read.StudyViews.StepView;
import dev.detopt.service.read.StudyViews.TasksView;
import dev.detopt.service.web.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What a study produced: steps, plot series, best design, tasks, event log, exports. */
@RestController
@RequestMapping("/api/v1/studies/{id}")
public class StudyDataController {
    static final int MAX_SERIES_POINTS = 10_000;
    static final int MAX_SERIES_OBSERVABLES = 8;

    private final StudyReader reader;

    public StudyDataController(StudyReader reader) {
        this.reader = reader;
    }

    /** Completed steps, {@code size} per page: oldest first, or newest first with {@code order=desc}. */
    @GetMapping("/steps")
    public Page<StepView> steps(@PathVariable UUID id, @RequestParam(defaultValue = "0") int page,
                                @RequestParam(defaultValue = "100") int size,
                                @RequestParam(defaultValue = "asc") String order) {
        reader.requireStudy(id);
        StudyController.checkPage(page, size);
        boolean newestFirst = switch (order) {
            case "asc" -> false;
            case "desc" -> true;
            default -> throw ApiProblem.badRequest("order", "must be asc or desc");
        };
        return reader.steps(id, page, size, newestFirst);
    }

    /** The loss, gradient and design series for plots, downsampled to at most {@code maxPoints}. */
    @GetMapping("/series")
    public Series series(@PathVariable UUID id, @RequestParam(defaultValue = "500") int maxPoints,
                         @RequestParam(defaultValue = "") String observables) {
        if (maxPoints < 10 || maxPoints > MAX_SERIES_POINTS) {
            throw ApiProblem.badRequest("maxPoints", "must be between 10 and " + MAX_SERIES_POINTS);
        }
        List<String> names = observables.isBlank() ? List.of() : List.of(observables.split(","));
        if (names.size() > MAX_SERIES_OBSERVABLES) {
            throw ApiProblem.badRequest("observables", "at most " + MAX_SERIES_OBSERVABLES + " names");
        }
        return reader.series(id, maxPoints, names);
    }

    /**
     * The answer first: θ after the last update, deviation from a simulated target, an uncertainty
     * per free parameter and how it was computed, the best step labelled, timing.
     */
    @GetMapping("/answer")
    public StudyAnswer answer(@PathVariable UUID id) {
        return reader.answer(id);
    }

    /** The best design so far by total loss (all null before the first step completes). */
    @GetMapping("/best")
    public Best best(@PathVariable UUID id) {
        return reader.best(id);
    }

    @GetMapping("/tasks")
    public TasksView tasks(@PathVariable UUID id, @RequestParam(defaultValue = "0") int fromStep,
                           @RequestParam(defaultValue = "100") int size) {
        reader.requireStudy(id);
        if (fromStep < 0) {
            throw ApiProblem.badRequest("fromStep", "must not be negative");
        }
        StudyController.checkPage(0, size);
        return reader.tasks(id, fromStep, size);
    }

    @GetMapping("/events")
    public EventsView events(@PathVariable UUID id, @RequestParam(defaultValue = "0") long after,
                             @RequestParam(defaultValue = "100") int limit) {
        reader.requireStudy(id);
        if (after < 0) {
            throw ApiProblem.badRequest("after", "must not be negative");
        }
        StudyController.checkPage(0, limit);
        return reader.events(id, after, limit);
    }

    /** The study's per-step snapshots (every {@code artifactEvery} steps and the last). */
    @GetMapping("/artifacts")
    public ArtifactsView artifacts(@PathVariable UUID id) {
        return reader.artifacts(id);
    }

    /** One snapshot as a JSON download. */
    @GetMapping("/artifacts/{name}")
    public ResponseEntity<byte[]> artifact(@PathVariable UUID id, @PathVariable String name) {
        byte[] body = reader.artifact(id, name);
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"study-" + id + "-" + name + "\"")
                .body(body);
    }

    /** The full history: {@code format=json} (study, spec, state and every step record) or {@code csv}. */
    @GetMapping("/export")
    public ResponseEntity<String> export(@PathVariable UUID id, @RequestParam(defaultValue = "json") String format) {
        Export export = reader.export(id, format);
        if (export == null) {
            throw ApiProblem.badRequest("format", "must be json or csv");
        }
        MediaType type = export.format().equals("csv") ? new MediaType("text", "csv", StandardCharsets.UTF_8)
                : MediaType.APPLICATION_JSON;
        return ResponseEntity.ok()
                .contentType(type)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + export.filename() + "\"")
                .body(export.body());
    }
}
