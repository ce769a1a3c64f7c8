-- V6: campaigns: study groups (sweeps over seeds and spec fields), forks, notes and tags.

-- A group: the base spec and the swept values; its members are ordinary studies.
CREATE TABLE study_groups (
    id         uuid        PRIMARY KEY,
    name       text        NOT NULL,
    owner      text        NOT NULL,
    base_spec  jsonb       NOT NULL,
    -- json, not jsonb: keeps the order of the swept paths as given.
    vary       json        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX study_groups_created_idx ON study_groups (created_at DESC, id);

-- parent_id/forked_from_step: a fork's origin. group_values: a member's point of its group's
-- sweep (path → value, in the group's order); group_index: its place in the sweep. tags and description: the user's notes.
ALTER TABLE studies
    ADD COLUMN parent_id        uuid    REFERENCES studies (id) ON DELETE SET NULL,
    ADD COLUMN forked_from_step integer,
    ADD COLUMN group_id         uuid    REFERENCES study_groups (id) ON DELETE SET NULL,
    ADD COLUMN group_values     json,
    ADD COLUMN group_index      integer,
    ADD COLUMN description      text,
    ADD COLUMN tags             text[]  NOT NULL DEFAULT '{}';
CREATE INDEX studies_group_idx ON studies (group_id) WHERE group_id IS NOT NULL;
CREATE INDEX studies_tags_idx ON studies USING gin (tags);

-- The exact study state after each step (json keeps every double's text), so a study can be
-- forked from any completed step. Steps stored before V6 have none and cannot be forked from.
ALTER TABLE steps ADD COLUMN state_after json;
