package dev.detopt.service.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first admin token of a local installation. When no admin token is configured
 * ({@code detopt.security.bootstrap-admin-token}, static tokens) and the database holds no active
 * one, a new token is stored (hashed), printed once to the log and written to
 * {@code <embedded directory>/admin-token} with owner-only permissions.
 */
public class TokenBootstrap {

    static final String ADMIN_TOKEN_FILE = "admin-token";
    static final String WORKER_TOKEN_FILE = "worker-token";
    static final String BOOTSTRAP_NAME = "bootstrap-admin";

    private static final Logger LOG = LoggerFactory.getLogger(TokenBootstrap.class);

    private final ApiTokenService tokens;
    private final ApiTokenRepository repository;
    private final Path directory;

    public TokenBootstrap(ApiTokenService tokens, ApiTokenRepository repository, Path directory) {
        this.tokens = tokens;
        this.repository = repository;
        this.directory = directory;
    }

    /** Creates the admin token if there is none; returns its plaintext when it did. */
    public Optional<String> ensureAdminToken() {
        return ensureAdminToken("localhost:8080");
    }

    /** As {@link #ensureAdminToken()}; {@code address} (host:port) goes into the example command. */
    public Optional<String> ensureAdminToken(String address) {
        if (tokens.hasConfigured(Role.ADMIN) || repository.anyActive(Role.ADMIN)) {
            return Optional.empty();
        }
        ApiTokenService.CreatedToken created = tokens.create(BOOTSTRAP_NAME, Role.ADMIN, "bootstrap");
        Path file = directory.resolve(ADMIN_TOKEN_FILE);
        boolean written = writePrivate(file, created.plaintext());
        LOG.warn("""

                ============================================================================
                 detopt: created the first admin token (shown only this once):

                     {}

                 {}
                 Use it as 'Authorization: Bearer <token>', e.g. to create more tokens:
                   curl -H "Authorization: Bearer $(cat {})" {}/api/v1/admin/tokens
                ============================================================================""",
                created.plaintext(),
                written ? "It is also in " + file.toAbsolutePath() + " (readable by you only)."
                        : "It could not be written to " + file.toAbsolutePath() + ": copy it now.",
                file, address);
        return Optional.of(created.plaintext());
    }

    /**
     * The token local workers use. With a persistent embedded stack it lives in
     * {@code worker-token} next to the database (owner-only), so workers that outlive a killed
     * service still authenticate after its restart; otherwise a new one per start, in memory only.
     */
    public String localWorkerToken(boolean persistent) {
        if (!persistent) {
            return BearerTokens.generate();
        }
        Path file = directory.resolve(WORKER_TOKEN_FILE);
        try {
            if (Files.isRegularFile(file)) {
                String existing = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (existing.startsWith(BearerTokens.PREFIX) && existing.length() > BearerTokens.PREFIX.length() + 40) {
                    LOG.info("Local worker token from {}", file.toAbsolutePath());
                    return existing;
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not read {}; making a new local worker token", file.toAbsolutePath(), e);
        }
        String token = BearerTokens.generate();
        if (writePrivate(file, token)) {
            LOG.info("New local worker token in {}", file.toAbsolutePath());
        }
        return token;
    }

    /** Writes the file readable and writable by its owner only (where the file system knows POSIX modes). */
    public static boolean writePrivate(Path file, String content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temporary);
            try {
                Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException noPosix) {
                Files.createFile(temporary);
            } catch (FileAlreadyExistsException raced) {
                return false;
            }
            Files.writeString(temporary, content + "\n", StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            LOG.warn("Could not write {}", file.toAbsolutePath(), e);
            return false;
        }
    }
}
