package dev.detopt.service.notifications;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Webhook notices ({@code detopt.notifications.*}, e.g. {@code DETOPT_NOTIFICATIONS_ALLOWED_HOSTS}).
 *
 * @param allowedHosts    hosts a webhook may call: exact names or addresses ({@code hooks.example.org},
 *                        {@code 10.1.2.3}), optionally with a port ({@code host:8443}), or
 *                        {@code *.example.org} for its subdomains; empty: no webhooks at all
 * @param deliveryInterval how often each replica looks for due notices (and for stalled studies)
 * @param retryBase       the wait before the first retry; each further retry waits twice as long
 * @param retryMax        longest wait between retries
 * @param maxAttempts     attempts before a notice is given up (recorded in the study's event log)
 * @param timeout         connect and answer timeout of one delivery
 * @param enabled         false: notices are still written to the outbox but not delivered (tests drive delivery)
 * @param retention       how long a delivered or given-up notice stays in the outbox; 0 keeps them forever
 * @param pruneInterval   how often each replica deletes the notices past the retention
 */
@ConfigurationProperties("detopt.notifications")
public record NotificationProperties(
        @DefaultValue List<String> allowedHosts,
        @DefaultValue("2s") Duration deliveryInterval,
        @DefaultValue("2s") Duration retryBase,
        @DefaultValue("1h") Duration retryMax,
        @DefaultValue("12") int maxAttempts,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("true") boolean enabled,
        @DefaultValue("30d") Duration retention,
        @DefaultValue("1h") Duration pruneInterval) {
}
