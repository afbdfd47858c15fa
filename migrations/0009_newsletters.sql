-- Newsletters (issue 4): compose, schedule, crash-safe delivery, archive.

CREATE TABLE newsletters (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  body_markdown TEXT NOT NULL,
  body_html TEXT NOT NULL,                       -- rendered and sanitised when saved
  author_id INTEGER REFERENCES users(id),
  whole_district INTEGER NOT NULL DEFAULT 0 CHECK (whole_district IN (0, 1)),
  status TEXT NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled')),
  send_at TEXT,                                  -- UTC; entered as Copenhagen time
  -- A scheduled time that passed more than an hour ago while the server was down waits for the
  -- officer to confirm instead of going out silently.
  needs_confirmation INTEGER NOT NULL DEFAULT 0 CHECK (needs_confirmation IN (0, 1)),
  started_at TEXT,
  finished_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX newsletters_due ON newsletters(status, send_at);

CREATE TABLE newsletter_councils (
  newsletter_id INTEGER NOT NULL REFERENCES newsletters(id) ON DELETE CASCADE,
  council_id INTEGER NOT NULL REFERENCES councils(id),
  PRIMARY KEY (newsletter_id, council_id)
);
CREATE INDEX newsletter_councils_council ON newsletter_councils(council_id);

-- One row per recipient, frozen in one transaction when sending starts. The unique key makes a
-- person in two chosen councils one recipient; message_id is fixed before the first attempt so
-- a resend after a crash carries the same Message-ID.
CREATE TABLE newsletter_deliveries (
  id INTEGER PRIMARY KEY,
  newsletter_id INTEGER NOT NULL REFERENCES newsletters(id),
  user_id INTEGER REFERENCES users(id),
  email TEXT NOT NULL COLLATE NOCASE,
  locale TEXT NOT NULL DEFAULT 'da',
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_response TEXT,
  message_id TEXT NOT NULL UNIQUE,
  sent_at TEXT,
  UNIQUE (newsletter_id, email)
);
CREATE INDEX newsletter_deliveries_due ON newsletter_deliveries(status, next_attempt_at);
CREATE INDEX newsletter_deliveries_newsletter ON newsletter_deliveries(newsletter_id, status);
