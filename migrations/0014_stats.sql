-- Evaluation (issue 6): which councils are the pilot, compared on /stats with the others.
ALTER TABLE councils ADD COLUMN is_pilot INTEGER NOT NULL DEFAULT 0 CHECK (is_pilot IN (0, 1));

-- What the evaluation needs of each concern, kept as numbers beside the timestamps so that a
-- district's year (100,000 concerns) is counted from one covering index without reading the rows
-- or parsing dates: milliseconds to the first public response and to closing (NULL while the
-- concern is not closed), and whether the closing gave the reporter feedback. Triggers keep them
-- true on every write, whoever writes.
ALTER TABLE concerns ADD COLUMN first_response_ms INTEGER;
ALTER TABLE concerns ADD COLUMN closing_ms INTEGER;
ALTER TABLE concerns ADD COLUMN has_feedback INTEGER NOT NULL DEFAULT 0;

UPDATE concerns SET
  first_response_ms = CAST(round((unixepoch(first_response_at, 'subsec') - unixepoch(created_at, 'subsec')) * 1000) AS INTEGER),
  closing_ms = CASE WHEN status = 'closed'
    THEN CAST(round((unixepoch(closed_at, 'subsec') - unixepoch(created_at, 'subsec')) * 1000) AS INTEGER) END,
  has_feedback = (status = 'closed' AND feedback IS NOT NULL AND trim(feedback) <> '');

CREATE TRIGGER concerns_stats_insert AFTER INSERT ON concerns BEGIN
  UPDATE concerns SET
    first_response_ms = CAST(round((unixepoch(new.first_response_at, 'subsec') - unixepoch(new.created_at, 'subsec')) * 1000) AS INTEGER),
    closing_ms = CASE WHEN new.status = 'closed'
      THEN CAST(round((unixepoch(new.closed_at, 'subsec') - unixepoch(new.created_at, 'subsec')) * 1000) AS INTEGER) END,
    has_feedback = (new.status = 'closed' AND new.feedback IS NOT NULL AND trim(new.feedback) <> '')
  WHERE id = new.id;
END;

-- Anonymising a closed concern (the retention job) clears its texts, feedback included; its figures
-- must not change with that, so an anonymised concern keeps what it had.
CREATE TRIGGER concerns_stats_update AFTER UPDATE OF created_at, first_response_at, closed_at, status, feedback ON concerns
  WHEN new.anonymised_at IS NULL
BEGIN
  UPDATE concerns SET
    first_response_ms = CAST(round((unixepoch(new.first_response_at, 'subsec') - unixepoch(new.created_at, 'subsec')) * 1000) AS INTEGER),
    closing_ms = CASE WHEN new.status = 'closed'
      THEN CAST(round((unixepoch(new.closed_at, 'subsec') - unixepoch(new.created_at, 'subsec')) * 1000) AS INTEGER) END,
    has_feedback = (new.status = 'closed' AND new.feedback IS NOT NULL AND trim(new.feedback) <> '')
  WHERE id = new.id;
END;

CREATE INDEX concerns_stats ON concerns(
  council_id, created_at, category_id, status, resolution, has_feedback, first_response_ms, closing_ms
);

-- Referrals the same way: time to acknowledge and to answer, read through a covering index from
-- the concerns of the period.
ALTER TABLE referrals ADD COLUMN acknowledge_ms INTEGER;
ALTER TABLE referrals ADD COLUMN answer_ms INTEGER;

UPDATE referrals SET
  acknowledge_ms = CAST(round((unixepoch(acknowledged_at, 'subsec') - unixepoch(created_at, 'subsec')) * 1000) AS INTEGER),
  answer_ms = CAST(round((unixepoch(answered_at, 'subsec') - unixepoch(created_at, 'subsec')) * 1000) AS INTEGER);

CREATE TRIGGER referrals_stats_insert AFTER INSERT ON referrals BEGIN
  UPDATE referrals SET
    acknowledge_ms = CAST(round((unixepoch(new.acknowledged_at, 'subsec') - unixepoch(new.created_at, 'subsec')) * 1000) AS INTEGER),
    answer_ms = CAST(round((unixepoch(new.answered_at, 'subsec') - unixepoch(new.created_at, 'subsec')) * 1000) AS INTEGER)
  WHERE id = new.id;
END;

CREATE TRIGGER referrals_stats_update AFTER UPDATE OF created_at, acknowledged_at, answered_at ON referrals BEGIN
  UPDATE referrals SET
    acknowledge_ms = CAST(round((unixepoch(new.acknowledged_at, 'subsec') - unixepoch(new.created_at, 'subsec')) * 1000) AS INTEGER),
    answer_ms = CAST(round((unixepoch(new.answered_at, 'subsec') - unixepoch(new.created_at, 'subsec')) * 1000) AS INTEGER)
  WHERE id = new.id;
END;

CREATE INDEX referrals_stats ON referrals(concern_id, department_id, acknowledge_ms, answer_ms);
-- referrals_stats starts with concern_id, so it serves every lookup the older index did.
DROP INDEX referrals_concern;

CREATE INDEX newsletters_started ON newsletters(started_at) WHERE started_at IS NOT NULL;
