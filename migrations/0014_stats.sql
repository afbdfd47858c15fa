-- Evaluation (issue 6): which councils are the pilot, compared on /stats with the others.
ALTER TABLE councils ADD COLUMN is_pilot INTEGER NOT NULL DEFAULT 0 CHECK (is_pilot IN (0, 1));

-- The evaluation reads referrals by the concerns they belong to, and the newsletter figures by
-- the time a newsletter went out.
CREATE INDEX newsletters_started ON newsletters(started_at) WHERE started_at IS NOT NULL;
CREATE INDEX memberships_user ON memberships(user_id, council_id);
