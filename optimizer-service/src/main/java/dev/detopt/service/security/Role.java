package dev.detopt.service.security;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** What a bearer token may do. Wire and database name: the lower-case constant name. */
public enum Role {
    /** Reads studies, steps, workers. */
    VIEWER,
    /** Reads, creates and controls studies. */
    OPERATOR,
    /** Only the worker endpoints ({@code /api/v1/workers/**}). */
    WORKER,
    /** Manages tokens and can do everything an operator can. */
    ADMIN;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Spring Security authority, checked by {@code hasRole(...)}. */
    public SimpleGrantedAuthority authority() {
        return new SimpleGrantedAuthority("ROLE_" + name());
    }

    public static Optional<Role> fromWireName(String name) {
        return Arrays.stream(values()).filter(role -> role.wireName().equals(name)).findFirst();
    }

    @JsonCreator
    static Role parse(String name) {
        return fromWireName(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown role '" + name + "'; one of viewer, operator, worker, admin"));
    }
}
