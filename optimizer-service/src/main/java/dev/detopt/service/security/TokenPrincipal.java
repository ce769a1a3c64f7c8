package dev.detopt.service.security;

import java.util.UUID;

/**
 * Who made a request: the token's name and role. {@code id} is the database row of the token, or
 * null for a token from configuration (bootstrap, static or local-worker tokens).
 */
public record TokenPrincipal(UUID id, String name, Role role) {

    @Override
    public String toString() {
        return name + " (" + role.wireName() + ")";
    }
}
