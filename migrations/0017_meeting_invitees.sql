-- Who was actually sent a meeting's calendar invitation (METHOD:REQUEST), so that updates,
-- cancellations and reminders go to the people who have the event in their calendar rather than
-- to whoever happens to be a member of the meeting's councils today. Rows are written in the same
-- transaction as the queued invitation mails (the outbox rows); a row is removed when the person
-- is sent a METHOD:CANCEL because they are no longer part of the meeting.
CREATE TABLE meeting_invitees (
  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  email TEXT NOT NULL,            -- the address the invitation went to (a record; mail uses users.email)
  invited_at TEXT NOT NULL,
  PRIMARY KEY (meeting_id, user_id)
);
CREATE INDEX meeting_invitees_user ON meeting_invitees(user_id);

-- Backfill for meetings planned before this table existed. Who really received their invitation
-- was never recorded, so this is the best available guess: the people the old code would mail
-- now — active people with an active membership of one of the meeting's active councils who want
-- meeting mail. Cancelled meetings send nothing more and are left out. invited_at is the
-- meeting's created_at, when the invitation went out.
INSERT OR IGNORE INTO meeting_invitees (meeting_id, user_id, email, invited_at)
SELECT DISTINCT m.id, u.id, u.email, m.created_at
  FROM meetings m
  JOIN meeting_councils mc ON mc.meeting_id = m.id
  JOIN councils c ON c.id = mc.council_id AND c.active = 1
  JOIN memberships ms ON ms.council_id = mc.council_id AND ms.active = 1
  JOIN users u ON u.id = ms.user_id AND u.status = 'active' AND u.notify_meetings = 1
 WHERE m.status = 'planned';
