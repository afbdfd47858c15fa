-- Concerns (bekymringer): logging, triage, referral to departments and feedback (issue 3).

CREATE TABLE concerns (
  id INTEGER PRIMARY KEY,
  council_id INTEGER NOT NULL REFERENCES councils(id),
  reporter_id INTEGER REFERENCES users(id),      -- NULL once anonymised
  category_id INTEGER NOT NULL REFERENCES categories(id),
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  location TEXT NOT NULL DEFAULT '',
  occurred_at TEXT,                              -- UTC ISO; entered as Copenhagen time
  status TEXT NOT NULL DEFAULT 'new'
    CHECK (status IN ('new', 'in_progress', 'awaiting_department', 'closed')),
  priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('high', 'normal', 'low')),
  -- The first public response is due at due_at; while the concern waits for a department the
  -- clock is paused (paused_at) and due_at moves on by the pause when it resumes.
  due_at TEXT,
  paused_at TEXT,
  first_response_at TEXT,
  resolution TEXT CHECK (resolution IN ('resolved', 'referred_closed', 'not_police', 'duplicate')),
  feedback TEXT,
  duplicate_of_id INTEGER REFERENCES concerns(id),
  shared_summary TEXT,
  shared_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  closed_at TEXT,
  anonymised_at TEXT
);
CREATE INDEX concerns_queue ON concerns(council_id, status, due_at);
CREATE INDEX concerns_reporter ON concerns(reporter_id, created_at);
CREATE INDEX concerns_council_created ON concerns(council_id, created_at);
CREATE INDEX concerns_shared ON concerns(council_id, shared_at) WHERE shared_summary IS NOT NULL;

-- The append-only timeline. visibility 'public' is shown to the reporter; 'internal' only to
-- officers and district admins (DESIGN §3).
CREATE TABLE concern_events (
  id INTEGER PRIMARY KEY,
  concern_id INTEGER NOT NULL REFERENCES concerns(id),
  at TEXT NOT NULL,
  actor_user_id INTEGER REFERENCES users(id),
  type TEXT NOT NULL CHECK (type IN (
    'created', 'status_changed', 'priority_changed', 'category_changed', 'public_reply',
    'internal_note', 'reporter_info', 'referral_sent', 'referral_acknowledged',
    'referral_answered', 'shared', 'closed', 'reopened', 'merged', 'duplicate_linked'
  )),
  visibility TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),
  body TEXT NOT NULL DEFAULT '',
  data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX concern_events_concern ON concern_events(concern_id, id);

CREATE TABLE concern_photos (
  id INTEGER PRIMARY KEY,
  concern_id INTEGER NOT NULL REFERENCES concerns(id),
  file_name TEXT NOT NULL UNIQUE,                -- random name under DATA_DIR/uploads
  content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
  size_bytes INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX concern_photos_concern ON concern_photos(concern_id);

CREATE TABLE referrals (
  id INTEGER PRIMARY KEY,
  concern_id INTEGER NOT NULL REFERENCES concerns(id),
  department_id INTEGER NOT NULL REFERENCES departments(id),
  note TEXT NOT NULL,                            -- exactly what the department receives
  status TEXT NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'acknowledged', 'answered')),
  token_hash TEXT NOT NULL UNIQUE,
  token_expires_at TEXT NOT NULL,
  answer TEXT,
  sent_by INTEGER REFERENCES users(id),
  created_at TEXT NOT NULL,
  acknowledged_at TEXT,
  answered_at TEXT
);
CREATE INDEX referrals_concern ON referrals(concern_id);
CREATE INDEX referrals_open ON referrals(status, created_at);

-- Tekstskabeloner: reusable reply texts that officers manage and insert.
CREATE TABLE response_templates (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_by INTEGER REFERENCES users(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- One digest mail per officer per Copenhagen day.
CREATE TABLE digest_log (
  officer_id INTEGER NOT NULL REFERENCES users(id),
  day TEXT NOT NULL,
  sent_at TEXT NOT NULL,
  PRIMARY KEY (officer_id, day)
);

-- Full-text search over title, description and place (external content, kept in step by triggers).
CREATE VIRTUAL TABLE concerns_fts USING fts5(
  title, description, location,
  content = 'concerns', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER concerns_fts_insert AFTER INSERT ON concerns BEGIN
  INSERT INTO concerns_fts(rowid, title, description, location) VALUES (new.id, new.title, new.description, new.location);
END;
CREATE TRIGGER concerns_fts_delete AFTER DELETE ON concerns BEGIN
  INSERT INTO concerns_fts(concerns_fts, rowid, title, description, location) VALUES ('delete', old.id, old.title, old.description, old.location);
END;
CREATE TRIGGER concerns_fts_update AFTER UPDATE OF title, description, location ON concerns BEGIN
  INSERT INTO concerns_fts(concerns_fts, rowid, title, description, location) VALUES ('delete', old.id, old.title, old.description, old.location);
  INSERT INTO concerns_fts(rowid, title, description, location) VALUES (new.id, new.title, new.description, new.location);
END;
