package dev.detopt.service.security;

import java.time.Instant;
import java.util.UUID;

/** A stored token as the admin API shows it: never the token itself nor its hash. */
public record ApiToken(
        UUID id,
        String name,
        Role role,
        String createdBy,
        Instant createdAt,
        Instant lastUsedAt,
        Instant revokedAt) {

    public boolean active() {
        return revokedAt == null;
    }
}
