-- Invitations need the invitee's consent (issue 11): inviting an email that already has an account
-- makes a membership that is not yet the person's. Until they accept it, the row names them in
-- invitee_id and leaves user_id empty, so nothing that finds members through memberships.user_id —
-- member lists, mail recipients, the actor's councils, the evaluation (which counts former members
-- too, without looking at `active`) — can see or count it. The council is shown only what its admin
-- typed (invited_name, invited_email), exactly as for a brand-new address. Accepting moves the
-- person to user_id and clears the invitation columns; declining deletes the row.
--
-- SQLite cannot drop NOT NULL from a column, so the table is rebuilt. No table references
-- memberships, and the UNIQUE (user_id, council_id) index that looks memberships up by person
-- comes back the same.

CREATE TABLE memberships_new (
  id INTEGER PRIMARY KEY,
  user_id INTEGER REFERENCES users(id),
  council_id INTEGER NOT NULL REFERENCES councils(id),
  role TEXT NOT NULL CHECK (role IN ('network_person', 'council_admin')),
  title TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  -- While the invitation waits for an answer (active = 1) or was withdrawn (active = 0):
  invitee_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
  invited_name TEXT,
  invited_email TEXT,
  invited_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  invited_at TEXT,
  CHECK ((user_id IS NULL) <> (invitee_id IS NULL)),
  CHECK (invitee_id IS NULL OR (invited_name IS NOT NULL AND invited_email IS NOT NULL AND invited_at IS NOT NULL)),
  UNIQUE (user_id, council_id),
  UNIQUE (invitee_id, council_id)
);

INSERT INTO memberships_new (id, user_id, council_id, role, title, active, created_at, updated_at)
SELECT id, user_id, council_id, role, title, active, created_at, updated_at FROM memberships;

DROP TABLE memberships;
ALTER TABLE memberships_new RENAME TO memberships;
CREATE INDEX memberships_council ON memberships(council_id, active);
