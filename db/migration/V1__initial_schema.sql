-- V1: the initial schema. Later changes come as new migrations (V2__..., V3__...); a migration
-- that has landed is never edited.

-- One optimization study: its specification (JSON, validated by the service) and lifecycle status.
CREATE TABLE studies (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL,
    status      text        NOT NULL,
    owner       text        NOT NULL,
    spec        jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The dashboard lists studies by status and by owner, newest first.
CREATE INDEX studies_status_created_idx ON studies (status, created_at DESC);
CREATE INDEX studies_owner_created_idx ON studies (owner, created_at DESC);
