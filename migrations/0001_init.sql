-- Foundation: people, councils, roles, mail, audit, settings.
-- All times are UTC ISO 8601 strings ("2015-02-24T16:30:00.000Z"); display converts to Europe/Copenhagen.

CREATE TABLE municipalities (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  created_at TEXT NOT NULL
);

CREATE TABLE councils (
  id INTEGER PRIMARY KEY,
  municipality_id INTEGER NOT NULL REFERENCES municipalities(id),
  name TEXT NOT NULL,
  slug TEXT NOT NULL UNIQUE,
  area_description TEXT NOT NULL DEFAULT '',
  agreement_signed_on TEXT,            -- a calendar date, YYYY-MM-DD
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL,
  UNIQUE (municipality_id, name)
);
CREATE INDEX councils_municipality ON councils(municipality_id);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL,
  phone TEXT NOT NULL DEFAULT '',
  password_hash TEXT,
  totp_secret TEXT,
  totp_enabled INTEGER NOT NULL DEFAULT 0 CHECK (totp_enabled IN (0, 1)),
  status TEXT NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'active', 'deactivated')),
  locale TEXT NOT NULL DEFAULT 'da' CHECK (locale IN ('da', 'en')),
  is_district_admin INTEGER NOT NULL DEFAULT 0 CHECK (is_district_admin IN (0, 1)),
  is_officer INTEGER NOT NULL DEFAULT 0 CHECK (is_officer IN (0, 1)),
  notify_concern_updates INTEGER NOT NULL DEFAULT 1 CHECK (notify_concern_updates IN (0, 1)),
  notify_newsletters INTEGER NOT NULL DEFAULT 1 CHECK (notify_newsletters IN (0, 1)),
  notify_meetings INTEGER NOT NULL DEFAULT 1 CHECK (notify_meetings IN (0, 1)),
  notify_posts INTEGER NOT NULL DEFAULT 1 CHECK (notify_posts IN (0, 1)),
  privacy_accepted_at TEXT,
  last_login_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE recovery_codes (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

-- Single-use links: invitations and password resets. Only a SHA-256 of the token is stored.
CREATE TABLE user_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'password_reset')),
  token_hash TEXT NOT NULL UNIQUE,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX user_tokens_user ON user_tokens(user_id, purpose);

CREATE TABLE memberships (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  council_id INTEGER NOT NULL REFERENCES councils(id),
  role TEXT NOT NULL CHECK (role IN ('network_person', 'council_admin')),
  title TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (user_id, council_id)
);
CREATE INDEX memberships_council ON memberships(council_id, active);

CREATE TABLE officer_assignments (
  officer_id INTEGER NOT NULL REFERENCES users(id),
  council_id INTEGER NOT NULL REFERENCES councils(id),
  created_at TEXT NOT NULL,
  PRIMARY KEY (officer_id, council_id)
);
CREATE INDEX officer_assignments_council ON officer_assignments(council_id);

CREATE TABLE departments (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  email TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL
);

CREATE TABLE categories (
  id INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  label_da TEXT NOT NULL,
  label_en TEXT NOT NULL,
  suggested_department_id INTEGER REFERENCES departments(id),
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  sort_order INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);

CREATE TABLE sessions (
  sid TEXT PRIMARY KEY,
  user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
  data TEXT NOT NULL,
  expires_at INTEGER NOT NULL          -- epoch milliseconds, compared on every read
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

-- Every email starts life here, committed with the change that caused it.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,                  -- invitation, password_reset, …: for operators and tests
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT NOT NULL,
  headers TEXT NOT NULL DEFAULT '{}',  -- JSON object of extra headers
  message_id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);

-- One row per background job name: whoever holds an unexpired lease may run it.
CREATE TABLE job_leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at INTEGER NOT NULL          -- epoch milliseconds
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor_user_id INTEGER REFERENCES users(id),
  action TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id INTEGER,
  details TEXT NOT NULL DEFAULT '{}',
  ip TEXT
);
CREATE INDEX audit_log_entity ON audit_log(entity_type, entity_id, at);
CREATE INDEX audit_log_actor ON audit_log(actor_user_id, at);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
