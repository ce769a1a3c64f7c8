package dev.detopt.service.api;

import dev.detopt.service.queue.QueueProperties;
import dev.detopt.service.read.StudyFeed;
import dev.detopt.service.read.StudyReader;
import java.io.IOException;
import java.time.Duration;
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
 * Server-Sent Events per study for the dashboard: sends what the study's {@link StudyFeed} reports
 * every poll interval (events {@code study}, {@code step}, {@code tasks}, {@code log},
 * {@code deleted}), with keep-alive comments in between. The stream ends after a terminal status;
 * EventSource clients reconnect by themselves (pass {@code fromStep}/{@code afterEvent} to skip
 * what they have).
 */
@RestController
public class StudyStreamController {
    private static final Logger log = LoggerFactory.getLogger(StudyStreamController.class);
    private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final StudyReader reader;
    private final QueueProperties properties;

    public StudyStreamController(StudyReader reader, QueueProperties properties) {
        this.reader = reader;
        this.properties = properties;
    }

    @GetMapping(path = "/api/v1/studies/{id}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter stream(@PathVariable UUID id, @RequestParam(defaultValue = "0") int fromStep,
                             @RequestParam(defaultValue = "0") long afterEvent) {
        StudyFeed feed = reader.feed(id, fromStep, afterEvent);
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        AtomicBoolean open = new AtomicBoolean(true);
        emitter.onCompletion(() -> open.set(false));
        emitter.onTimeout(() -> open.set(false));
        emitter.onError(error -> open.set(false));
        Thread.ofVirtual().name("sse-" + id).start(() -> watch(id, feed, emitter, open));
        return emitter;
    }

    private void watch(UUID id, StudyFeed feed, SseEmitter emitter, AtomicBoolean open) {
        long lastSent = System.nanoTime();
        long pollMillis = Math.max(50, properties.pollInterval().toMillis());
        try {
            while (open.get()) {
                var events = feed.poll();
                for (StudyFeed.Event event : events) {
                    SseEmitter.SseEventBuilder builder = SseEmitter.event().name(event.name());
                    if (event.id() != null) {
                        builder.id(event.id());
                    }
                    emitter.send(builder.data(event.data(), MediaType.APPLICATION_JSON));
                }
                if (feed.finished()) {
                    emitter.complete();
                    return;
                }
                if (!events.isEmpty()) {
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
