-- "Det har vi arbejdet med" (issue 4, item 7): one automatically prepared draft per council and
-- Copenhagen month. The row is written in the same transaction as the draft and is never removed,
-- so a council/month is prepared at most once — even when the officer cancels the draft.
CREATE TABLE monthly_newsletter_drafts (
  council_id INTEGER NOT NULL REFERENCES councils(id),
  month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),  -- 'YYYY-MM', Copenhagen
  newsletter_id INTEGER REFERENCES newsletters(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (council_id, month)
);
