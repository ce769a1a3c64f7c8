package dev.detopt.service.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/** The {@code api_tokens} table. */
@Repository
public class ApiTokenRepository {

    private static final String COLUMNS = "id, name, role, created_by, created_at, last_used_at, revoked_at";

    private static final RowMapper<ApiToken> ROW = ApiTokenRepository::map;

    private final JdbcTemplate jdbc;

    public ApiTokenRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public ApiToken insert(String name, Role role, byte[] tokenHash, String createdBy) {
        return jdbc.queryForObject("INSERT INTO api_tokens (id, name, role, token_hash, created_by) VALUES (?, ?, ?, ?, ?)"
                        + " RETURNING " + COLUMNS,
                ROW, UUID.randomUUID(), name, role.wireName(), tokenHash, createdBy);
    }

    public Optional<ApiToken> findActiveByHash(byte[] tokenHash) {
        return jdbc.query("SELECT " + COLUMNS + " FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
                ROW, (Object) tokenHash).stream().findFirst();
    }

    public Optional<ApiToken> find(UUID id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM api_tokens WHERE id = ?", ROW, id).stream().findFirst();
    }

    public List<ApiToken> list(boolean includeRevoked) {
        return jdbc.query("SELECT " + COLUMNS + " FROM api_tokens"
                + (includeRevoked ? "" : " WHERE revoked_at IS NULL") + " ORDER BY created_at DESC, id", ROW);
    }

    /** Revokes the token if it is active; a second revocation keeps the first time. */
    public Optional<ApiToken> revoke(UUID id) {
        jdbc.update("UPDATE api_tokens SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL", id);
        return find(id);
    }

    public void touch(UUID id, Instant usedAt) {
        jdbc.update("UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
                Timestamp.from(usedAt), id, Timestamp.from(usedAt));
    }

    public boolean anyActive(Role role) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM api_tokens WHERE role = ? AND revoked_at IS NULL)",
                Boolean.class, role.wireName()));
    }

    private static ApiToken map(ResultSet row, int rowNumber) throws SQLException {
        return new ApiToken(
                row.getObject("id", UUID.class),
                row.getString("name"),
                Role.fromWireName(row.getString("role")).orElseThrow(),
                row.getString("created_by"),
                instant(row.getTimestamp("created_at")),
                instant(row.getTimestamp("last_used_at")),
                instant(row.getTimestamp("revoked_at")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
