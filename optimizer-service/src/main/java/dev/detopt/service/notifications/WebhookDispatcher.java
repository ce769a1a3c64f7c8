package dev.detopt.service.notifications;

import dev.detopt.model.study.FieldProblem;
import dev.detopt.service.study.StudyEventLog;
import dev.detopt.service.study.StudyEventType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Delivers the outbox's due notices: POST of the JSON body with
 * {@code X-Detopt-Signature: sha256=<hex HMAC-SHA256 of the body under the webhook's secret>},
 * {@code X-Detopt-Event} and {@code X-Detopt-Delivery} (the notice id, the same on every retry).
 * A 2xx answer delivers; anything else is retried with exponential backoff up to
 * {@code maxAttempts}. Each outcome goes to the study's event log. Redirects are not followed, and
 * the host is checked against the allowlist again before each attempt.
 */
@Component
public class WebhookDispatcher {
    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int BATCH = 20;

    private final WebhookRepository repository;
    private final Webhooks webhooks;
    private final StudyEventLog events;
    private final NotificationProperties properties;
    private final HttpClient http;

    public WebhookDispatcher(WebhookRepository repository, Webhooks webhooks, StudyEventLog events,
                             NotificationProperties properties) {
        this.repository = repository;
        this.webhooks = webhooks;
        this.events = events;
        this.properties = properties;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(properties.timeout()).build();
    }

    @Scheduled(fixedDelayString = "${detopt.notifications.delivery-interval:2s}",
            initialDelayString = "${detopt.notifications.delivery-interval:2s}")
    public void tick() {
        if (!properties.enabled()) {
            return;
        }
        try {
            webhooks.noticeStalls();
            deliverDue();
        } catch (RuntimeException e) {
            // The database may be unreachable: the notices stay in the outbox for the next tick.
            log.warn("Webhook delivery round failed: {}", e.toString());
        }
    }

    /**
     * Keeps the outbox from growing without end: deletes the notices delivered or given up more
     * than {@code retention} ago. Runs whether or not delivery is enabled; the first run waits one
     * interval.
     */
    @Scheduled(fixedDelayString = "${detopt.notifications.prune-interval:1h}",
            initialDelayString = "${detopt.notifications.prune-interval:1h}")
    public void pruneTick() {
        try {
            pruneSettled();
        } catch (RuntimeException e) {
            log.warn("Webhook outbox pruning failed: {}", e.toString());
        }
    }

    /** Deletes the settled notices past the retention (none with a retention of 0); returns how many. */
    public int pruneSettled() {
        if (!properties.retention().isPositive()) {
            return 0;
        }
        int pruned = repository.pruneSettled(properties.retention());
        if (pruned > 0) {
            log.info("Deleted {} webhook notices delivered or given up more than {} ago", pruned, properties.retention());
        }
        return pruned;
    }

    /** Delivers every due notice once (one attempt each); returns how many were delivered. */
    public int deliverDue() {
        int delivered = 0;
        List<WebhookRepository.Notice> due;
        do {
            long hold = properties.timeout().toSeconds() * 3 + 5;
            due = repository.claimDue(BATCH, hold);
            for (WebhookRepository.Notice notice : due) {
                if (deliver(notice)) {
                    delivered++;
                }
            }
        } while (due.size() == BATCH);
        return delivered;
    }

    private boolean deliver(WebhookRepository.Notice notice) {
        String error;
        List<FieldProblem> problems = new ArrayList<>();
        URI target = webhooks.checkTarget(notice.url(), problems);
        if (target == null) {
            error = "target no longer allowed: " + problems.getFirst().message();
        } else {
            try {
                HttpRequest request = HttpRequest.newBuilder(target).timeout(properties.timeout())
                        .header("Content-Type", "application/json")
                        .header("User-Agent", "detopt-webhook")
                        .header("X-Detopt-Event", notice.event())
                        .header("X-Detopt-Delivery", Long.toString(notice.id()))
                        .header("X-Detopt-Signature", "sha256=" + sign(notice.secret(), notice.body()))
                        .POST(HttpRequest.BodyPublishers.ofString(notice.body(), StandardCharsets.UTF_8))
                        .build();
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    repository.delivered(notice.id());
                    events.append(notice.studyId(), StudyEventType.NOTIFICATION, "webhook " + notice.webhookId() + ": "
                            + notice.event() + " notice delivered to " + target.getHost() + " (HTTP " + response.statusCode()
                            + ", attempt " + notice.attempts() + ")");
                    return true;
                }
                error = "HTTP " + response.statusCode();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "interrupted";
            } catch (java.io.IOException | RuntimeException e) {
                error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
        }
        if (notice.attempts() >= properties.maxAttempts()) {
            repository.giveUp(notice.id(), error);
            events.append(notice.studyId(), StudyEventType.NOTIFICATION, "webhook " + notice.webhookId() + ": "
                    + notice.event() + " notice given up after " + notice.attempts() + " attempts: " + error);
        } else {
            long delay = backoffMillis(notice.attempts());
            repository.retryLater(notice.id(), delay, error);
            events.append(notice.studyId(), StudyEventType.NOTIFICATION, "webhook " + notice.webhookId() + ": "
                    + notice.event() + " notice attempt " + notice.attempts() + " failed (" + error + "); retry in "
                    + delay + " ms");
        }
        return false;
    }

    /** retryBase · 2^(attempts−1), at most retryMax. */
    long backoffMillis(int attempts) {
        long base = properties.retryBase().toMillis();
        long max = properties.retryMax().toMillis();
        int doublings = Math.min(Math.max(0, attempts - 1), 40);
        return Math.min(max, base << Math.min(doublings, Long.numberOfLeadingZeros(Math.max(1, base)) - 1));
    }

    /** Hex HMAC-SHA256 of the body under the secret (both as UTF-8). */
    public static String sign(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
