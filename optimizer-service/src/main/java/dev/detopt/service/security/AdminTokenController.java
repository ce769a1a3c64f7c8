package dev.detopt.service.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Token management, admin only: create (the response is the only time the token is shown), list
 * and get (never the token or its hash), revoke (the row stays, for the record).
 */
@RestController
@RequestMapping("/api/v1/admin/tokens")
public class AdminTokenController {

    /** Request to create a token. */
    public record CreateTokenRequest(
            @NotBlank @Size(max = 100) @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters")
            String name,
            @NotNull Role role) {
    }

    /** A token as listed: no secret in it. */
    public record TokenView(UUID id, String name, Role role, String createdBy, Instant createdAt,
            Instant lastUsedAt, Instant revokedAt, boolean active) {

        static TokenView of(ApiToken token) {
            return new TokenView(token.id(), token.name(), token.role(), token.createdBy(), token.createdAt(),
                    token.lastUsedAt(), token.revokedAt(), token.active());
        }
    }

    /** A created token with its plaintext, shown only in this response. */
    public record CreatedTokenView(UUID id, String name, Role role, Instant createdAt, String token) {
    }

    private final ApiTokenService tokens;

    public AdminTokenController(ApiTokenService tokens) {
        this.tokens = tokens;
    }

    @PostMapping
    ResponseEntity<CreatedTokenView> create(@Valid @RequestBody CreateTokenRequest request,
            @AuthenticationPrincipal TokenPrincipal caller) {
        ApiTokenService.CreatedToken created = tokens.create(request.name().strip(), request.role(), caller.name());
        ApiToken token = created.token();
        return ResponseEntity.created(URI.create("/api/v1/admin/tokens/" + token.id()))
                .body(new CreatedTokenView(token.id(), token.name(), token.role(), token.createdAt(), created.plaintext()));
    }

    @GetMapping
    List<TokenView> list(@RequestParam(name = "includeRevoked", defaultValue = "false") boolean includeRevoked) {
        return tokens.list(includeRevoked).stream().map(TokenView::of).toList();
    }

    @GetMapping("/{id}")
    TokenView get(@PathVariable("id") UUID id) {
        return TokenView.of(tokens.get(id));
    }

    /** Revokes the token; revoking it again changes nothing and answers the same. */
    @DeleteMapping("/{id}")
    TokenView revoke(@PathVariable("id") UUID id) {
        return TokenView.of(tokens.revoke(id));
    }
}
