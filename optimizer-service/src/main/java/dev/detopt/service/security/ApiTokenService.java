package dev.detopt.service.security;

import dev.detopt.service.web.ApiProblem;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Service;

/**
 * Creating, listing, revoking and checking bearer tokens. Tokens from the database are checked by
 * their SHA-256 hash and remembered for {@code detopt.security.token-cache-ttl}, so a busy worker
 * fleet does not cost a query per request; a revocation on this replica takes effect at once, on
 * other replicas within that time. Tokens from configuration (bootstrap admin, static tokens, the
 * local worker token) are held in memory, hashed too.
 */
@Service
public class ApiTokenService {

    /** A newly created token: shown once, with its plaintext. */
    public record CreatedToken(ApiToken token, String plaintext) {
    }

    private record Cached(TokenPrincipal principal, long validUntilNanos) {
    }

    private final ApiTokenRepository repository;
    private final Clock clock;
    private final long cacheTtlNanos;
    private final Duration lastUsedResolution;
    private final Map<ByteBuffer, TokenPrincipal> configured = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, Cached> cache = new ConcurrentHashMap<>();
    private final Map<UUID, Instant> lastTouched = new ConcurrentHashMap<>();

    public ApiTokenService(ApiTokenRepository repository, SecurityProperties properties) {
        this.repository = repository;
        this.clock = Clock.systemUTC();
        this.cacheTtlNanos = properties.tokenCacheTtl().toNanos();
        this.lastUsedResolution = properties.lastUsedResolution();
        if (properties.hasBootstrapAdminToken()) {
            acceptConfigured(properties.bootstrapAdminToken().trim(), Role.ADMIN, "bootstrap-admin (configuration)");
        }
        for (String entry : properties.staticTokens()) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            Role role = colon < 0 ? null : Role.fromWireName(entry.substring(0, colon).trim()).orElse(null);
            String token = colon < 0 ? "" : entry.substring(colon + 1).trim();
            if (role == null || token.isEmpty()) {
                throw new IllegalArgumentException("detopt.security.static-tokens entries are role:token with role one of"
                        + " viewer, operator, worker, admin; got '" + entry.substring(0, Math.max(0, colon)) + ":…'");
            }
            acceptConfigured(token, role, "static-" + role.wireName());
        }
    }

    /** Accepts a token that lives only in this process (configuration, local workers). */
    public void acceptConfigured(String token, Role role, String name) {
        configured.put(ByteBuffer.wrap(BearerTokens.hash(token)), new TokenPrincipal(null, name, role));
    }

    public boolean hasConfigured(Role role) {
        return configured.values().stream().anyMatch(principal -> principal.role() == role);
    }

    public CreatedToken create(String name, Role role, String createdBy) {
        String plaintext = BearerTokens.generate();
        ApiToken token = repository.insert(name, role, BearerTokens.hash(plaintext), createdBy);
        return new CreatedToken(token, plaintext);
    }

    public List<ApiToken> list(boolean includeRevoked) {
        return repository.list(includeRevoked);
    }

    public ApiToken get(UUID id) {
        return repository.find(id).orElseThrow(() -> ApiProblem.notFound("token", id));
    }

    public ApiToken revoke(UUID id) {
        ApiToken revoked = repository.revoke(id).orElseThrow(() -> ApiProblem.notFound("token", id));
        cache.values().removeIf(cached -> id.equals(cached.principal().id()));
        return revoked;
    }

    /** The principal a presented token stands for, if it is known and not revoked. */
    public Optional<TokenPrincipal> authenticate(String token) {
        ByteBuffer hash = ByteBuffer.wrap(BearerTokens.hash(token));
        TokenPrincipal fromConfiguration = configured.get(hash);
        if (fromConfiguration != null) {
            return Optional.of(fromConfiguration);
        }
        long now = System.nanoTime();
        Cached cached = cache.get(hash);
        if (cached != null && now - cached.validUntilNanos() < 0) {
            touch(cached.principal().id());
            return Optional.of(cached.principal());
        }
        Optional<TokenPrincipal> found = repository.findActiveByHash(hash.array())
                .map(row -> new TokenPrincipal(row.id(), row.name(), row.role()));
        found.ifPresentOrElse(principal -> {
            cache.put(hash, new Cached(principal, now + cacheTtlNanos));
            touch(principal.id());
        }, () -> cache.remove(hash));
        return found;
    }

    /** Records use at most once per resolution interval per token (this replica). */
    private void touch(UUID id) {
        Instant now = clock.instant();
        Instant previous = lastTouched.get(id);
        // whole instants, not milliseconds: truncated to milliseconds two uses 299.7 ms apart looked 300 ms apart
        if (previous != null && Duration.between(previous, now).compareTo(lastUsedResolution) < 0) {
            return;
        }
        lastTouched.put(id, now);
        try {
            repository.touch(id, now);
        } catch (org.springframework.dao.DataAccessException e) {
            // Bookkeeping only: a failed write must not fail the request.
            org.slf4j.LoggerFactory.getLogger(ApiTokenService.class).warn("Could not record use of token {}", id, e);
        }
    }
}
