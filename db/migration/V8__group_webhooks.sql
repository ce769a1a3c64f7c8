-- V8: a group can name webhooks too: completed (every member has ended), failed (a member failed)
-- and stalled (a running member without a step for stalled_after_seconds). A webhook belongs to a
-- study or to a group, never both. A group's notice is written with the member that caused it
-- (study_id), so the outbox keys notices by webhook, member, event and step.
ALTER TABLE study_webhooks
    ADD COLUMN group_id uuid REFERENCES study_groups (id) ON DELETE CASCADE,
    ALTER COLUMN study_id DROP NOT NULL,
    ADD CONSTRAINT study_webhooks_one_owner CHECK ((study_id IS NULL) <> (group_id IS NULL));
CREATE INDEX study_webhooks_group_idx ON study_webhooks (group_id) WHERE group_id IS NOT NULL;

DROP INDEX webhook_outbox_once_idx;
CREATE UNIQUE INDEX webhook_outbox_once_idx ON webhook_outbox (webhook_id, study_id, event, step);
