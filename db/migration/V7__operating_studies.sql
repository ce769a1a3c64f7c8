-- V7: operating studies. One row per attempt of a task: which worker (pod, node) ran it, when, how
-- it ended and why, how far it got, and the CPU time it used, including the part lost when the
-- attempt ended without a result and the next attempt redid the work after its last checkpoint.
-- A study's accounting (cpuSeconds, cpuSecondsLost, estimated cost) is a sum over these rows.
CREATE TABLE task_attempts (
    task_id                bigint           NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    attempt                integer          NOT NULL,
    study_id               uuid             NOT NULL,
    worker                 text             NOT NULL,
    pod                    text,
    node                   text,
    started_at             timestamptz      NOT NULL DEFAULT now(),
    ended_at               timestamptz,
    -- completed, preempted, released, failed, expired, lost, cancelled (null while running)
    outcome                text,
    reason                 text,
    exception              text,
    exit_code              integer,
    stderr_tail            text,
    resumed_from_event     bigint,
    events_done            bigint           NOT NULL DEFAULT 0,
    checkpoint_next_event  bigint,
    cpu_seconds            double precision NOT NULL DEFAULT 0,
    -- CPU seconds of this attempt up to its newest reported checkpoint (kept by the next attempt)
    checkpoint_cpu_seconds double precision NOT NULL DEFAULT 0,
    cpu_seconds_lost       double precision NOT NULL DEFAULT 0,
    PRIMARY KEY (task_id, attempt)
);

CREATE INDEX task_attempts_study_idx ON task_attempts (study_id);

-- Webhooks a study names for its ends (completed, failed) and for a stall (no step for
-- stalled_after_seconds while RUNNING). The secret signs each body (HMAC-SHA256); it is shown once,
-- when the webhook is created.
CREATE TABLE study_webhooks (
    id                    bigserial    PRIMARY KEY,
    study_id              uuid         NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    url                   text         NOT NULL,
    events                text[]       NOT NULL,
    stalled_after_seconds bigint,
    secret                text         NOT NULL,
    created_at            timestamptz  NOT NULL DEFAULT now()
);

CREATE INDEX study_webhooks_study_idx ON study_webhooks (study_id);

-- The outbox: a notice is written in the transaction that ends the study (or notices the stall),
-- and delivered from here by any replica, with retries and backoff, so a restart loses none.
CREATE TABLE webhook_outbox (
    id               bigserial    PRIMARY KEY,
    webhook_id       bigint       NOT NULL REFERENCES study_webhooks (id) ON DELETE CASCADE,
    study_id         uuid         NOT NULL,
    event            text         NOT NULL,
    step             integer      NOT NULL,
    body             text         NOT NULL,
    attempts         integer      NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz  NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    given_up_at      timestamptz,
    last_error       text,
    created_at       timestamptz  NOT NULL DEFAULT now()
);

CREATE INDEX webhook_outbox_due_idx ON webhook_outbox (next_attempt_at)
    WHERE delivered_at IS NULL AND given_up_at IS NULL;
-- One notice per webhook, event and step (a stall is noticed once per step).
CREATE UNIQUE INDEX webhook_outbox_once_idx ON webhook_outbox (webhook_id, event, step);
