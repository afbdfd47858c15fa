-- Issue 5 item 4: a council's open concerns linked to agenda items of a netværksmøde or fællesmøde.
-- Never for a borgermøde (public); the service refuses that, and the concern's council must be one
-- of the meeting's councils. Members see only agenda_item (and a shared summary); staff the concern.

CREATE TABLE meeting_concerns (
  id INTEGER PRIMARY KEY,
  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  concern_id INTEGER NOT NULL REFERENCES concerns(id) ON DELETE CASCADE,
  agenda_item TEXT NOT NULL CHECK (length(agenda_item) BETWEEN 1 AND 200),
  linked_by INTEGER REFERENCES users(id),
  created_at TEXT NOT NULL,
  UNIQUE (meeting_id, concern_id)
);
-- The case page lists the meetings of one concern.
CREATE INDEX meeting_concerns_concern ON meeting_concerns(concern_id, meeting_id);
