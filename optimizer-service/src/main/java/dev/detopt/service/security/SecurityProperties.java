package dev.detopt.service.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code detopt.security.*}.
 *
 * @param bootstrapAdminToken an admin token accepted while it is configured
 *                            ({@code DETOPT_BOOTSTRAP_ADMIN_TOKEN}); when unset and the service
 *                            runs its embedded database, one is generated on the first start
 * @param staticTokens        {@code role:token} pairs accepted in addition to the database's
 *                            tokens (tests; {@code DETOPT_SECURITY_STATIC_TOKENS})
 * @param tokenCacheTtl       how long a looked-up token is trusted without asking the database
 *                            again; a revocation reaches other replicas within this time
 * @param lastUsedResolution  {@code last_used_at} is written at most this often per token
 * @param queryTokenForEventStreams accept {@code ?access_token=} on GET requests that accept
 *                            {@code text/event-stream} (a browser's EventSource cannot send headers)
 */
@ConfigurationProperties("detopt.security")
public record SecurityProperties(
        String bootstrapAdminToken,
        @DefaultValue List<String> staticTokens,
        @DefaultValue("5s") Duration tokenCacheTtl,
        @DefaultValue("1m") Duration lastUsedResolution,
        @DefaultValue("true") boolean queryTokenForEventStreams) {

    public boolean hasBootstrapAdminToken() {
        return bootstrapAdminToken != null && !bootstrapAdminToken.isBlank();
    }
}
