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

/**
 * A group's webhooks, with the fields and checks of a study's ({@link WebhookController}): completed
 * when every member has ended, failed when a member fails, stalled when a running member has no step
 * for {@code stalledAfter}.
 */
@RestController
@RequestMapping("/api/v1/groups/{id}/webhooks")
public class GroupWebhookController {
    private final Webhooks webhooks;

    public GroupWebhookController(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    public Webhooks.WebhookView create(@PathVariable UUID id, @RequestBody WebhookController.WebhookRequest request) {
        return webhooks.createForGroup(id, request.url(), request.events(), request.stalledAfter());
    }

    @GetMapping
    public List<Webhooks.WebhookView> list(@PathVariable UUID id) {
        return webhooks.listOfGroup(id);
    }

    @DeleteMapping("/{webhookId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void delete(@PathVariable UUID id, @PathVariable long webhookId) {
        webhooks.deleteOfGroup(id, webhookId);
    }
}
