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
