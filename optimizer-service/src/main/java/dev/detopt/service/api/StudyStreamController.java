package dev.detopt.service.api;

import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.loop.LoopProperties;
import dev.detopt.service.loop.TaskRepository;
import dev.detopt.service.loop.TaskState;
import dev.detopt.service.study.StepRepository;
import dev.detopt.service.study.StudyEventLog;
import dev.detopt.service.study.StudyRepository;
import dev.detopt.service.study.StudyRow;
import dev.detopt.service.study.StudyService;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-Sent Events per study for the dashboard. Each stream watches the database (the study's
 * row version, new steps, new log entries, task counts), so changes made by any replica arrive.
 * Events: {@code study} (summary, on every change), {@code step} (each new step record),
 * {@code tasks} (task counts by state, when they change), {@code log} (each new log entry),
 * {@code deleted}. The stream ends after a terminal status; EventSource clients reconnect by
 * themselves (pass {@code fromStep}/{@code afterEvent} to skip what they have).
 */
@RestController
public class StudyStreamController {
    private static final Logger log = LoggerFactory.getLogger(StudyStreamController.class);
    private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final StudyService service;
    private final StudyRepository studies;
    private final StepRepository steps;
    private final TaskRepository tasks;
    private final StudyEventLog events;
    private final LoopProperties properties;

    public StudyStreamController(StudyService service, StudyRepository studies, StepRepository steps,
                                 TaskRepository tasks, StudyEventLog events, LoopProperties properties) {
        this.service = service;
        this.studies = studies;
        this.steps = steps;
        this.tasks = tasks;
        this.events = events;
        this.properties = properties;
    }

    public record StudyEvent(StudyView study, Map<TaskState, Long> tasks) {
    }

    @GetMapping(path = "/api/v1/studies/{id}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter stream(@PathVariable UUID id, @RequestParam(defaultValue = "0") int fromStep,
                             @RequestParam(defaultValue = "0") long afterEvent) {
        service.get(id);
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        AtomicBoolean open = new AtomicBoolean(true);
        emitter.onCompletion(() -> open.set(false));
        emitter.onTimeout(() -> open.set(false));
        emitter.onError(error -> open.set(false));
        Thread.ofVirtual().name("sse-" + id).start(() -> watch(id, emitter, open, Math.max(0, fromStep), Math.max(0, afterEvent)));
        return emitter;
    }

    private void watch(UUID id, SseEmitter emitter, AtomicBoolean open, int fromStep, long afterEvent) {
        long lastVersion = -1;
        int nextStep = fromStep;
        long lastEvent = afterEvent;
        Map<TaskState, Long> lastCounts = null;
        long lastSent = System.nanoTime();
        long lastCountsCheck = 0;
        long pollMillis = Math.max(50, properties.pollInterval().toMillis());
        try {
            while (open.get()) {
                Optional<Long> version = studies.version(id);
                if (version.isEmpty()) {
                    emitter.send(SseEmitter.event().name("deleted").data(Map.of("id", id), MediaType.APPLICATION_JSON));
                    emitter.complete();
                    return;
                }
                boolean sent = false;
                boolean terminal = false;
                if (version.get() != lastVersion) {
                    lastVersion = version.get();
                    StudyRow row = studies.find(id).orElse(null);
                    if (row == null) {
                        continue;
                    }
                    terminal = row.status().terminal();
                    lastCounts = tasks.countsByState(id);
                    lastCountsCheck = System.nanoTime();
                    emitter.send(SseEmitter.event().name("study").id("v" + row.version())
                            .data(new StudyEvent(StudyView.summary(row, studies.activeWorkers(id)), lastCounts), MediaType.APPLICATION_JSON));
                    for (StepRepository.StoredStep step : steps.page(id, nextStep, 1_000)) {
                        emitter.send(SseEmitter.event().name("step").id("s" + step.step())
                                .data(WireJson.mapper().readTree(step.recordJson()), MediaType.APPLICATION_JSON));
                        nextStep = step.step() + 1;
                    }
                    sent = true;
                } else if (System.nanoTime() - lastCountsCheck > 1_000_000_000L) {
                    Map<TaskState, Long> counts = tasks.countsByState(id);
                    lastCountsCheck = System.nanoTime();
                    if (!counts.equals(lastCounts)) {
                        lastCounts = counts;
                        emitter.send(SseEmitter.event().name("tasks").data(counts, MediaType.APPLICATION_JSON));
                        sent = true;
                    }
                }
                for (StudyEventLog.Entry entry : events.list(id, lastEvent, 1_000)) {
                    emitter.send(SseEmitter.event().name("log").id("e" + entry.id())
                            .data(new StudyDataController.EventView(entry.id(), entry.at(), entry.type(), entry.message(),
                                    entry.detailsJson() == null ? null : WireJson.mapper().readTree(entry.detailsJson())),
                                    MediaType.APPLICATION_JSON));
                    lastEvent = entry.id();
                    sent = true;
                }
                if (terminal) {
                    emitter.complete();
                    return;
                }
                if (sent) {
                    lastSent = System.nanoTime();
                } else if (System.nanoTime() - lastSent > KEEP_ALIVE.toNanos()) {
                    emitter.send(SseEmitter.event().comment("keep-alive"));
                    lastSent = System.nanoTime();
                }
                Thread.sleep(pollMillis);
            }
        } catch (IOException | IllegalStateException e) {
            // The client went away.
            open.set(false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.complete();
        } catch (RuntimeException e) {
            log.warn("Study stream {} ended: {}", id, e.toString());
            emitter.completeWithError(e);
        }
    }
}
