package dev.detopt.service.api;

import dev.detopt.service.security.Role;
import dev.detopt.service.security.TokenPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Who the caller is: the bearer token's name, id and role, and what the role may do, so a client
 * (the dashboard) can hide what it may not use without probing. Open to every authenticated role.
 */
@RestController
public class MeController {

    /** The caller's token and what its role allows (mirrors the rules in SecurityConfiguration). */
    @Schema(description = "The authenticated token and what its role allows")
    public record Me(
            @Schema(description = "database id of the token; null for a token from configuration (bootstrap, static)",
                    nullable = true)
            UUID id,
            @Schema(description = "the token's name", example = "alice-laptop")
            String name,
            @Schema(description = "viewer, operator, worker or admin", example = "operator")
            Role role,
            @Schema(description = "may read studies, steps, tasks, the fleet (GET /api/v1/**)")
            boolean canRead,
            @Schema(description = "may create, start, pause, resume, cancel and delete studies")
            boolean canWrite,
            @Schema(description = "may create, list and revoke tokens (/api/v1/admin/**)")
            boolean canManageTokens,
            @Schema(description = "may use the worker protocol (/api/v1/workers/**)")
            boolean canWork) {

        static Me of(TokenPrincipal caller) {
            Role role = caller.role();
            return new Me(caller.id(), caller.name(), role,
                    role == Role.VIEWER || role == Role.OPERATOR || role == Role.ADMIN,
                    role == Role.OPERATOR || role == Role.ADMIN,
                    role == Role.ADMIN,
                    role == Role.WORKER);
        }
    }

    @Operation(summary = "The caller's token and role",
            description = "Name, id and role of the bearer token of this request, and what the role may do. "
                    + "Any valid token (every role, workers included); 401 without one.")
    @GetMapping("/api/v1/me")
    public Me me(@AuthenticationPrincipal TokenPrincipal caller) {
        return Me.of(caller);
    }
}
