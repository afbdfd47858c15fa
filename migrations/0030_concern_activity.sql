-- What reaches whom (issue 13). A reporter's addition is news for the council's officers until one
-- of them opens the concern: reporter_activity_at holds the time of the first addition not yet
-- seen, and /triage and the digest flag it. Two notification settings, both on by default:
-- officers are mailed about additions, network members about summaries shared with their network.
ALTER TABLE concerns ADD COLUMN reporter_activity_at TEXT;
CREATE INDEX concerns_reporter_activity ON concerns (council_id) WHERE reporter_activity_at IS NOT NULL;

ALTER TABLE users ADD COLUMN notify_concern_additions INTEGER NOT NULL DEFAULT 1
  CHECK (notify_concern_additions IN (0, 1));
ALTER TABLE users ADD COLUMN notify_shared_summaries INTEGER NOT NULL DEFAULT 1
  CHECK (notify_shared_summaries IN (0, 1));
