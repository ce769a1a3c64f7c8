package dev.detopt.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.service.HttpTestClient;
import dev.detopt.service.ServiceTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** The first admin token, the configured bootstrap token, and the local worker token. */
@ServiceTest
class TokenBootstrapTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ApiTokenRepository repository;

    @Autowired
    TokenBootstrap contextBootstrap;

    @Autowired
    LocalCredentials local;

    @TempDir
    Path directory;

    @Test
    void withNoAdminAnywhereOneIsGeneratedStoredHashedAndWrittenOwnerOnly() throws Exception {
        jdbc.update("UPDATE api_tokens SET revoked_at = now() WHERE role = 'admin' AND revoked_at IS NULL");
        ApiTokenService unconfigured = new ApiTokenService(repository, properties(null, List.of()));
        TokenBootstrap bootstrap = new TokenBootstrap(unconfigured, repository, directory.resolve(".detopt"));

        String token = bootstrap.ensureAdminToken().orElseThrow();

        Path file = directory.resolve(".detopt").resolve("admin-token");
        assertThat(Files.readString(file).strip()).isEqualTo(token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM api_tokens WHERE token_hash = ? AND role = 'admin'"
                + " AND name = 'bootstrap-admin' AND revoked_at IS NULL", Integer.class, (Object) BearerTokens.hash(token)))
                .isEqualTo(1);
        assertThat(new HttpTestClient(port).get("/api/v1/admin/tokens", token).status()).isEqualTo(200);

        // The next start finds the admin and makes no new one.
        assertThat(bootstrap.ensureAdminToken()).isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM api_tokens WHERE name = 'bootstrap-admin'", Integer.class))
                .isEqualTo(1);
    }

    @Test
    void aConfiguredAdminTokenMeansNothingIsGenerated() {
        jdbc.update("UPDATE api_tokens SET revoked_at = now() WHERE role = 'admin' AND revoked_at IS NULL");
        int before = jdbc.queryForObject("SELECT count(*) FROM api_tokens", Integer.class);
        ApiTokenService configured = new ApiTokenService(repository, properties("from-the-environment-0123456789", List.of()));
        TokenBootstrap bootstrap = new TokenBootstrap(configured, repository, directory);

        assertThat(bootstrap.ensureAdminToken()).isEmpty();
        assertThat(contextBootstrap.ensureAdminToken()).as("test context: static admin token").isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM api_tokens", Integer.class)).isEqualTo(before);
        assertThat(Files.exists(directory.resolve("admin-token"))).isFalse();
        assertThat(configured.authenticate("from-the-environment-0123456789"))
                .hasValueSatisfying(principal -> assertThat(principal.role()).isEqualTo(Role.ADMIN));
    }

    @Test
    void staticTokensAreParsedPerRoleAndMalformedEntriesAreRefused() {
        ApiTokenService service = new ApiTokenService(repository, properties(null, List.of("viewer:v-token", " worker : w-token ")));
        assertThat(service.authenticate("v-token")).map(TokenPrincipal::role).hasValue(Role.VIEWER);
        assertThat(service.authenticate("w-token")).map(TokenPrincipal::role).hasValue(Role.WORKER);
        assertThat(service.authenticate("x-token")).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new ApiTokenService(repository, properties(null, List.of("root:secret-token"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("role:token")
                .hasMessageNotContaining("secret-token");
    }

    @Test
    void localModeHasAWorkerTokenThatOnlyReachesWorkerEndpoints() {
        String token = local.workerToken().orElseThrow();
        HttpTestClient api = new HttpTestClient(port);
        assertThat(api.get("/api/v1/workers/_probe", token).json().path("caller").asString()).isEqualTo("local-workers");
        assertThat(api.get("/api/v1/studies/_probe/" + UUID.randomUUID(), token).status()).isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM api_tokens WHERE token_hash = ?", Integer.class,
                (Object) BearerTokens.hash(token))).as("kept in memory only").isZero();
    }

    @Test
    void aPersistentLocalWorkerTokenSurvivesARestartAndATemporaryOneDoesNot() throws Exception {
        TokenBootstrap first = new TokenBootstrap(null, repository, directory);
        String token = first.localWorkerToken(true);
        Path file = directory.resolve("worker-token");
        assertThat(Files.readString(file).strip()).isEqualTo(token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(new TokenBootstrap(null, repository, directory).localWorkerToken(true)).as("after a restart").isEqualTo(token);

        Path elsewhere = directory.resolve("temporary");
        TokenBootstrap temporary = new TokenBootstrap(null, repository, elsewhere);
        assertThat(temporary.localWorkerToken(false)).isNotEqualTo(temporary.localWorkerToken(false)).startsWith("dtp_");
        assertThat(Files.exists(elsewhere)).isFalse();
    }

    private static SecurityProperties properties(String bootstrap, List<String> statics) {
        return new SecurityProperties(bootstrap, statics, Duration.ofSeconds(5), Duration.ofMinutes(1), true);
    }
}
