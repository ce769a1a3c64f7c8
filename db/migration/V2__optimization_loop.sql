-- V2: the distributed optimization loop: study state, steps, the task queue with leases, workers
-- and the append-only study event log.
--
-- Values that must survive bit for bit (study state, step records, batch tasks and results) are
-- stored as `json`, which keeps the text exactly as written; `jsonb` would store numbers as
-- `numeric` and turn -0.0 into 0, breaking the bit-exact contract. The spec stays `jsonb` (V1) for
-- queries; it is user input, normalised once at creation.

-- Studies: lifecycle and the state to continue from. `version` rises with every change of the
-- row, so watchers (SSE, other replicas) notice changes with one cheap query.
ALTER TABLE studies
    ADD COLUMN state            json,
    ADD COLUMN version          bigint           NOT NULL DEFAULT 0,
    ADD COLUMN step             integer          NOT NULL DEFAULT 0,
    ADD COLUMN max_steps        integer          NOT NULL DEFAULT 0,
    ADD COLUMN simulator        text,
    ADD COLUMN estimator        text,
    ADD COLUMN last_total       double precision,
    ADD COLUMN best_total       double precision,
    ADD COLUMN best_step        integer,
    ADD COLUMN events_simulated bigint           NOT NULL DEFAULT 0,
    ADD COLUMN stop_reason      text,
    ADD COLUMN failure          text,
    ADD COLUMN started_at       timestamptz,
    ADD COLUMN finished_at      timestamptz,
    ADD COLUMN step_started_at  timestamptz;

-- The study list is also filtered by status alone and sorted by recency overall.
CREATE INDEX studies_created_idx ON studies (created_at DESC, id);

-- One completed optimization step: the deterministic record (exact JSON) plus its numbers as
-- columns for plots, downsampling and the best-so-far query.
CREATE TABLE steps (
    study_id        uuid             NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    step            integer          NOT NULL,
    record          json             NOT NULL,
    physics         double precision,
    physics_stderr  double precision,
    cost            double precision,
    penalty         double precision,
    total           double precision,
    gradient_norm   double precision,
    events          bigint           NOT NULL,
    events_total    bigint           NOT NULL,
    started_at      timestamptz,
    completed_at    timestamptz      NOT NULL DEFAULT now(),
    duration_millis bigint,
    PRIMARY KEY (study_id, step)
);

-- One batch of one step: the unit of distributed work.
--   state: QUEUED (leasable), HELD (study paused), LEASED, COMPLETED, CANCELLED
--   attempt: number of leases granted so far; preemptions/expiries/failures are counted apart.
CREATE TABLE tasks (
    id                    bigserial    PRIMARY KEY,
    study_id              uuid         NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    step                  integer      NOT NULL,
    batch_index           integer      NOT NULL,
    event_from            bigint       NOT NULL,
    event_to              bigint       NOT NULL,
    task                  json         NOT NULL,
    state                 text         NOT NULL,
    attempt               integer      NOT NULL DEFAULT 0,
    lease_owner           text,
    lease_token           uuid,
    lease_expires_at      timestamptz,
    events_done           bigint       NOT NULL DEFAULT 0,
    checkpoint_key        text,
    checkpoint_next_event bigint,
    checkpoint_sha256     text,
    result                json,
    completed_token       uuid,
    completed_by          text,
    step_completed        boolean,
    preemptions           integer      NOT NULL DEFAULT 0,
    expiries              integer      NOT NULL DEFAULT 0,
    failures              integer      NOT NULL DEFAULT 0,
    last_error            text,
    created_at            timestamptz  NOT NULL DEFAULT now(),
    queued_at             timestamptz  NOT NULL DEFAULT now(),
    leased_at             timestamptz,
    completed_at          timestamptz,
    CONSTRAINT tasks_state_check CHECK (state IN ('QUEUED', 'HELD', 'LEASED', 'COMPLETED', 'CANCELLED')),
    CONSTRAINT tasks_batch_unique UNIQUE (study_id, step, batch_index)
);

-- The queue: leasable tasks in id order (older steps and studies first), small and hot.
CREATE INDEX tasks_queue_idx ON tasks (id) WHERE state = 'QUEUED';
-- The sweeper: leases by expiry.
CREATE INDEX tasks_lease_expiry_idx ON tasks (lease_expires_at) WHERE state = 'LEASED';
-- Per-worker leases (workers view, release).
CREATE INDEX tasks_lease_owner_idx ON tasks (lease_owner) WHERE state = 'LEASED';
-- Per-study summaries and the step reduction (study_id, step, batch_index is the unique index).
CREATE INDEX tasks_study_state_idx ON tasks (study_id, state);

-- Workers that registered: where they run and what happened to them.
CREATE TABLE workers (
    id                text         PRIMARY KEY,
    host              text,
    pod               text,
    node              text,
    threads           integer,
    registered_at     timestamptz  NOT NULL DEFAULT now(),
    started_at        timestamptz  NOT NULL DEFAULT now(),
    last_seen_at      timestamptz  NOT NULL DEFAULT now(),
    restarts          integer      NOT NULL DEFAULT 0,
    preemptions       integer      NOT NULL DEFAULT 0,
    lease_expiries    integer      NOT NULL DEFAULT 0,
    failures          integer      NOT NULL DEFAULT 0,
    completions       bigint       NOT NULL DEFAULT 0
);

CREATE INDEX workers_last_seen_idx ON workers (last_seen_at DESC);

-- Append-only log of what happened to a study: status changes, steps, preemptions, errors.
CREATE TABLE study_events (
    id          bigserial    PRIMARY KEY,
    study_id    uuid         NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    at          timestamptz  NOT NULL DEFAULT now(),
    type        text         NOT NULL,
    message     text         NOT NULL,
    details     jsonb
);

CREATE INDEX study_events_study_idx ON study_events (study_id, id);
