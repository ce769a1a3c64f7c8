package dev.detopt.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.byLessThan;
import static org.awaitility.Awaitility.await;

import dev.detopt.service.HttpTestClient;
import dev.detopt.service.ServiceTest;
import dev.detopt.service.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * docs/security.md on token look-ups: a revocation takes effect on another replica within
 * {@code detopt.security.token-cache-ttl}, and {@code last_used_at} is written at most once per
 * {@code detopt.security.last-used-resolution}. The running service is one replica; a second
 * {@link ApiTokenService} on the same database, with its own cache, is the other.
 */
@ServiceTest
class TokenCacheAcrossReplicasTest {
    private static final Duration TTL = Duration.ofSeconds(1);
    /** Room for the polling and a loaded machine beyond the TTL itself. */
    private static final Duration SLACK = Duration.ofSeconds(2);

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ApiTokenRepository repository;

    HttpTestClient api;

    @BeforeEach
    void client() {
        api = new HttpTestClient(port);
    }

    private static SecurityProperties properties(Duration cacheTtl, Duration lastUsedResolution) {
        return new SecurityProperties(null, List.of(), cacheTtl, lastUsedResolution, true);
    }

    private JsonNode createViewerToken(String name) {
        HttpTestClient.Response created = api.postJson("/api/v1/admin/tokens", TestTokens.ADMIN,
                "{\"name\":\"" + name + "\",\"role\":\"viewer\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    @Test
    void aRevocationOnOneReplicaReachesAnotherWithinItsCacheTtl() {
        JsonNode created = createViewerToken("revoked across replicas");
        String token = created.path("token").asString();
        ApiTokenService otherReplica = new ApiTokenService(repository, properties(TTL, Duration.ofMinutes(1)));
        assertThat(otherReplica.authenticate(token)).isPresent();

        assertThat(api.delete("/api/v1/admin/tokens/" + created.path("id").asString(), TestTokens.ADMIN).status())
                .isEqualTo(200);

        // A cache that never expires keeps answering with the revoked token's principal.
        await("the other replica refusing the revoked token within its " + TTL.toMillis() + " ms cache TTL (+"
                + SLACK.toSeconds() + " s slack)").atMost(TTL.plus(SLACK)).pollInterval(Duration.ofMillis(20))
                .until(() -> otherReplica.authenticate(token).isEmpty());
    }

    @Test
    void lastUsedAtIsWrittenOncePerResolutionWindow() {
        JsonNode created = createViewerToken("last used");
        String token = created.path("token").asString();
        UUID id = UUID.fromString(created.path("id").asString());
        List<Instant> writes = new CopyOnWriteArrayList<>();
        ApiTokenRepository counting = new ApiTokenRepository(jdbc) {
            @Override
            public void touch(UUID tokenId, Instant usedAt) {
                if (tokenId.equals(id)) {
                    writes.add(usedAt);
                }
                super.touch(tokenId, usedAt);
            }
        };

        // No cache (TTL 0): every request looks the token up, and would write without the resolution.
        ApiTokenService perMinute = new ApiTokenService(counting, properties(Duration.ZERO, Duration.ofMinutes(1)));
        for (int request = 0; request < 20; request++) {
            assertThat(perMinute.authenticate(token)).isPresent();
        }
        assertThat(writes).as("writes of last_used_at for 20 requests within one minute").hasSize(1);
        assertThat(jdbc.queryForObject("SELECT last_used_at FROM api_tokens WHERE id = ?", java.sql.Timestamp.class, id)
                .toInstant()).isCloseTo(writes.getFirst(), byLessThan(1, ChronoUnit.MILLIS));

        // With a short window, the next write comes once the window has passed, not before.
        writes.clear();
        Duration window = Duration.ofMillis(300);
        ApiTokenService shortWindow = new ApiTokenService(counting, properties(Duration.ZERO, window));
        await("a second write of last_used_at").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> shortWindow.authenticate(token).isPresent() && writes.size() >= 2);
        assertThat(Duration.between(writes.get(0), writes.get(1)))
                .as("time between two writes of last_used_at with a %d ms resolution", window.toMillis())
                .isGreaterThanOrEqualTo(window);
    }
}
