-- Each running service replica marks itself alive every few seconds. A replica that starts while
-- no other has been alive for a while knows the service was down, and from when: it records that
-- outage on the running studies and keeps it out of their step durations.
CREATE TABLE service_replicas (
    id          text         PRIMARY KEY,
    started_at  timestamptz  NOT NULL DEFAULT now(),
    alive_at    timestamptz  NOT NULL DEFAULT now()
);
