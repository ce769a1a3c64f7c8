package dev.detopt.service.notifications;

import dev.detopt.model.study.FieldProblem;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.domain.InvalidInputException;
import dev.detopt.service.domain.NotFoundException;
import dev.detopt.service.study.StudyRepository;
import dev.detopt.service.study.StudyRow;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A study's webhooks: creating them (target checked against the operator's allowlist), and writing
 * notices to the outbox when the study completes or fails (in the transaction that ends it) or
 * stalls. {@link WebhookDispatcher} delivers them.
 */
@Service
public class Webhooks {
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String STALLED = "stalled";
    private static final Set<String> EVENTS = Set.of(COMPLETED, FAILED, STALLED);
    private static final int MAX_URL_LENGTH = 2048;
    private static final int MAX_WEBHOOKS_PER_STUDY = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final WebhookRepository repository;
    private final StudyRepository studies;
    private final NotificationProperties properties;

    public Webhooks(WebhookRepository repository, StudyRepository studies, NotificationProperties properties) {
        this.repository = repository;
        this.studies = studies;
        this.properties = properties;
    }

    /** A webhook as the API shows it; {@code secret} only in the answer that created it. */
    public record WebhookView(long id, String url, List<String> events, String stalledAfter, Instant createdAt,
                              @com.fasterxml.jackson.annotation.JsonInclude(
                                      com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String secret) {
        static WebhookView of(WebhookRepository.Webhook webhook, boolean withSecret) {
            return new WebhookView(webhook.id(), webhook.url(), webhook.events(),
                    webhook.stalledAfterSeconds() == null ? null : Duration.ofSeconds(webhook.stalledAfterSeconds()).toString(),
                    webhook.createdAt(), withSecret ? webhook.secret() : null);
        }
    }

    /** {@code POST /studies/{id}/webhooks}: every problem at once, by field. */
    @Transactional
    public WebhookView create(UUID studyId, String url, List<String> events, String stalledAfter) {
        studies.find(studyId).orElseThrow(() -> NotFoundException.study(studyId));
        Checked checked = check(url, events, stalledAfter, repository.ofStudy(studyId).size());
        return WebhookView.of(repository.insert(studyId, checked.target().toString(), checked.events(),
                checked.stalledSeconds(), newSecret()), true);
    }

    /** {@code POST /groups/{id}/webhooks}: the same fields and checks as a study's. */
    @Transactional
    public WebhookView createForGroup(UUID groupId, String url, List<String> events, String stalledAfter) {
        requireGroup(groupId);
        Checked checked = check(url, events, stalledAfter, repository.ofGroup(groupId).size());
        return WebhookView.of(repository.insertForGroup(groupId, checked.target().toString(), checked.events(),
                checked.stalledSeconds(), newSecret()), true);
    }

    public List<WebhookView> listOfGroup(UUID groupId) {
        requireGroup(groupId);
        return repository.ofGroup(groupId).stream().map(webhook -> WebhookView.of(webhook, false)).toList();
    }

    public void deleteOfGroup(UUID groupId, long webhookId) {
        requireGroup(groupId);
        if (!repository.deleteOfGroup(groupId, webhookId)) {
            throw new NotFoundException("webhook", webhookId);
        }
    }

    private void requireGroup(UUID groupId) {
        if (!repository.groupExists(groupId)) {
            throw new NotFoundException("group", groupId);
        }
    }

    private record Checked(URI target, List<String> events, Long stalledSeconds) {
    }

    private static String newSecret() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return HexFormat.of().formatHex(secret);
    }

    private Checked check(String url, List<String> events, String stalledAfter, int existing) {
        List<FieldProblem> problems = new ArrayList<>();
        URI target = checkTarget(url, problems);
        Set<String> wanted = new LinkedHashSet<>();
        if (events == null || events.isEmpty()) {
            problems.add(new FieldProblem("events", "name at least one of completed, failed, stalled"));
        } else {
            for (int i = 0; i < events.size(); i++) {
                String event = events.get(i);
                if (event == null || !EVENTS.contains(event)) {
                    problems.add(new FieldProblem("events[" + i + "]", "must be completed, failed or stalled"));
                } else {
                    wanted.add(event);
                }
            }
        }
        Long stalledSeconds = null;
        if (stalledAfter != null) {
            try {
                Duration duration = Duration.parse(stalledAfter);
                if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
                    problems.add(new FieldProblem("stalledAfter", "must be at least PT1S"));
                } else {
                    stalledSeconds = duration.toSeconds();
                }
            } catch (DateTimeParseException e) {
                problems.add(new FieldProblem("stalledAfter", "must be an ISO-8601 duration such as PT30M"));
            }
        }
        if (wanted.contains(STALLED) && stalledAfter == null) {
            problems.add(new FieldProblem("stalledAfter", "is required with the stalled event"));
        }
        if (existing >= MAX_WEBHOOKS_PER_STUDY) {
            problems.add(new FieldProblem("url", "a study or group has at most " + MAX_WEBHOOKS_PER_STUDY + " webhooks"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return new Checked(target, List.copyOf(wanted), stalledSeconds);
    }

    public List<WebhookView> list(UUID studyId) {
        studies.find(studyId).orElseThrow(() -> NotFoundException.study(studyId));
        return repository.ofStudy(studyId).stream().map(webhook -> WebhookView.of(webhook, false)).toList();
    }

    public void delete(UUID studyId, long webhookId) {
        studies.find(studyId).orElseThrow(() -> NotFoundException.study(studyId));
        if (!repository.delete(studyId, webhookId)) {
            throw new NotFoundException("webhook", webhookId);
        }
    }

    /**
     * An http(s) URL without user info whose host (and port) the operator allows. Checked when a
     * webhook is created and again before each delivery (the allowlist may have changed since).
     */
    URI checkTarget(String url, List<FieldProblem> problems) {
        if (url == null || url.isBlank() || url.length() > MAX_URL_LENGTH) {
            problems.add(new FieldProblem("url", "is required: an http or https URL of at most " + MAX_URL_LENGTH
                    + " characters"));
            return null;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            problems.add(new FieldProblem("url", "is not a URL: " + e.getReason()));
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null
                || uri.getRawFragment() != null) {
            problems.add(new FieldProblem("url", "must be an http or https URL with a host, without user info or fragment"));
            return null;
        }
        if (!allowed(uri)) {
            problems.add(new FieldProblem("url", "host " + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                    + " is not in the operator's allowlist (detopt.notifications.allowed-hosts)"));
            return null;
        }
        return uri;
    }

    boolean allowed(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        for (String entry : properties.allowedHosts()) {
            String pattern = entry.trim().toLowerCase(Locale.ROOT);
            int port = -1;
            int colon = pattern.lastIndexOf(':');
            if (colon > 0 && pattern.indexOf(':') == colon) {
                port = Integer.parseInt(pattern.substring(colon + 1));
                pattern = pattern.substring(0, colon);
            }
            boolean hostMatches = pattern.startsWith("*.")
                    ? host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1
                    : host.equals(pattern);
            if (hostMatches && (port < 0 || port == uri.getPort())) {
                return true;
            }
        }
        return false;
    }

    /** The study ended (row locked by the caller, status already changed): a notice per webhook that asks. */
    public void studyEnded(UUID studyId, String event) {
        StudyRow study = studies.find(studyId).orElseThrow();
        repository.enqueue(studyId, event, study.step(), body(event, study, null));
        memberEnded(study, event);
    }

    /** The study was cancelled (row locked by the caller, status already changed): it may have been its group's last. */
    public void studyCancelled(UUID studyId) {
        memberEnded(studies.find(studyId).orElseThrow(), null);
    }

    /** A group member ended: its group's failed notice, and completed when it was the last member to end. */
    private void memberEnded(StudyRow study, String event) {
        UUID groupId = study.groupId();
        if (groupId == null) {
            return;
        }
        repository.lockGroup(groupId);
        if (FAILED.equals(event)) {
            repository.enqueueForGroup(groupId, study.id(), FAILED, study.step(), groupBody(FAILED, groupId, study, null));
        }
        if (repository.unendedMembers(groupId) == 0) {
            repository.enqueueForGroup(groupId, study.id(), COMPLETED, study.step(), groupBody(COMPLETED, groupId, study, null));
        }
    }

    /** Writes stall notices for running studies past a webhook's limit (once per step); returns how many. */
    @Transactional
    public int noticeStalls() {
        int written = 0;
        for (WebhookRepository.Stalled stalled : repository.stalled()) {
            StudyRow study = studies.find(stalled.studyId()).orElse(null);
            if (study != null) {
                written += repository.enqueueFor(stalled.webhookId(), stalled.studyId(), STALLED, stalled.step(),
                        stalled.groupId() == null ? body(STALLED, study, stalled.stepStartedAt())
                                : groupBody(STALLED, stalled.groupId(), study, stalled.stepStartedAt()));
            }
        }
        return written;
    }

    /** A group notice: the group, its members by status, and the member that caused it (as a study notice shows it). */
    String groupBody(String event, UUID groupId, StudyRow member, Instant stepStartedAt) {
        WebhookRepository.GroupStatus group = repository.groupStatus(groupId);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", event);
        body.put("groupId", groupId.toString());
        body.put("name", group.name());
        body.put("statusSummary", group.statusSummary());
        body.put("member", WireJson.mapper().readTree(body(event, member, stepStartedAt)));
        body.put("at", Instant.now().toString());
        return WireJson.write(body);
    }

    static String body(String event, StudyRow study, Instant stepStartedAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", event);
        body.put("studyId", study.id().toString());
        body.put("name", study.name());
        body.put("status", study.status().name());
        body.put("step", study.step());
        body.put("maxSteps", study.maxSteps());
        body.put("stopReason", study.stopReason());
        body.put("failure", study.failure());
        body.put("bestTotal", study.bestTotal() == null || !Double.isFinite(study.bestTotal()) ? null : study.bestTotal());
        body.put("stepStartedAt", stepStartedAt == null ? null : stepStartedAt.toString());
        body.put("at", Instant.now().toString());
        return WireJson.write(body);
    }
}
