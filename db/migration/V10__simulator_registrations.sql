-- V10: external simulator programs registered by admins through POST /api/v1/simulators
-- (docs/simulator-protocol.md §5). The registration is kept as the JSON the service validated, so a
-- worker that fetches it parses exactly what the admin's request held. Simulators defined by the
-- deployment's registry file are not stored here; they win over a row of the same name.
CREATE TABLE simulator_registrations (
    name           text        PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9-]{0,62}$'),
    registration   jsonb       NOT NULL,
    registered_by  text        NOT NULL,
    registered_at  timestamptz NOT NULL DEFAULT now()
);
