-- Meetings (issue 5): borgermøder, netværksmøder and fællesmøder, answers, personal calendar feeds.

CREATE TABLE meetings (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('borgermoede', 'netvaerksmoede', 'faellesmoede')),
  title TEXT NOT NULL,
  starts_at TEXT NOT NULL,                       -- UTC; entered as Copenhagen time
  ends_at TEXT NOT NULL,
  location TEXT NOT NULL,
  agenda_markdown TEXT NOT NULL DEFAULT '',
  agenda_html TEXT NOT NULL DEFAULT '',          -- rendered and sanitised when saved
  capacity INTEGER CHECK (capacity IS NULL OR capacity > 0),
  status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'cancelled')),
  -- iCalendar SEQUENCE: raised by every change of time, place or title and by cancelling.
  sequence INTEGER NOT NULL DEFAULT 0,
  organiser_id INTEGER REFERENCES users(id),
  minutes_markdown TEXT,
  minutes_html TEXT,
  attendance INTEGER CHECK (attendance IS NULL OR attendance >= 0),
  minutes_published_at TEXT,
  -- Set in the transaction that queues the reminders, so a restart never sends them twice.
  reminder_sent_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (ends_at > starts_at)
);
CREATE INDEX meetings_starts ON meetings(starts_at);
CREATE INDEX meetings_reminder_due ON meetings(status, reminder_sent_at, starts_at);

CREATE TABLE meeting_councils (
  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  council_id INTEGER NOT NULL REFERENCES councils(id),
  PRIMARY KEY (meeting_id, council_id)
);
CREATE INDEX meeting_councils_council ON meeting_councils(council_id, meeting_id);

CREATE TABLE meeting_responses (
  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  response TEXT NOT NULL CHECK (response IN ('yes', 'no', 'maybe')),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (meeting_id, user_id)
);
CREATE INDEX meeting_responses_user ON meeting_responses(user_id);

-- One secret calendar feed per person; only a SHA-256 of the token is stored.
CREATE TABLE meeting_feeds (
  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
