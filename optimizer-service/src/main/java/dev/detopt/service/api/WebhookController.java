package dev.detopt.service.api;

import dev.detopt.service.notifications.Webhooks;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** A study's webhooks: create (operator; the answer shows the signing secret once), list (viewer), delete (operator). */
@RestController
@RequestMapping("/api/v1/studies/{id}/webhooks")
public class WebhookController {
    private final Webhooks webhooks;

    public WebhookController(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    /**
     * @param url          where notices are POSTed (its host must be in the operator's allowlist)
     * @param events       any of completed, failed, stalled
     * @param stalledAfter ISO-8601 duration without a step (while RUNNING) that makes a stalled notice
     */
    public record WebhookRequest(String url, List<String> events, String stalledAfter) {
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    public Webhooks.WebhookView create(@PathVariable UUID id, @RequestBody WebhookRequest request) {
        return webhooks.create(id, request.url(), request.events(), request.stalledAfter());
    }

    @GetMapping
    public List<Webhooks.WebhookView> list(@PathVariable UUID id) {
        return webhooks.list(id);
    }

    @DeleteMapping("/{webhookId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void delete(@PathVariable UUID id, @PathVariable long webhookId) {
        webhooks.delete(id, webhookId);
    }
}
