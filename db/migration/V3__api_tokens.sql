-- V3: bearer tokens of the REST API. Only a SHA-256 hash of each token is stored: tokens are 256-bit
-- random strings, so a fast hash is as good as a slow one (nothing to brute-force), and the lookup
-- by hash stays one index probe per request.
CREATE TABLE api_tokens (
    id            uuid        PRIMARY KEY,
    name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    role          text        NOT NULL CHECK (role IN ('viewer', 'operator', 'worker', 'admin')),
    token_hash    bytea       NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_by    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz
);

-- The admin listing shows tokens newest first; the bootstrap asks whether an active admin exists.
CREATE INDEX api_tokens_created_idx ON api_tokens (created_at DESC);
CREATE INDEX api_tokens_active_role_idx ON api_tokens (role) WHERE revoked_at IS NULL;
