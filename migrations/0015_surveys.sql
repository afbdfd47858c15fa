-- Survey of network persons (issue 6, item 4): satisfaction 1–4 and a comment, once per person.
-- opens_on / closes_on are Copenhagen calendar dates (YYYY-MM-DD), both days included.

CREATE TABLE surveys (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  intro TEXT NOT NULL DEFAULT '',
  opens_on TEXT NOT NULL CHECK (opens_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  closes_on TEXT NOT NULL CHECK (closes_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  created_by INTEGER REFERENCES users(id),
  created_at TEXT NOT NULL,
  -- Set when staff close the survey before closes_on; answering stops at once.
  closed_at TEXT,
  closed_by INTEGER REFERENCES users(id),
  CHECK (closes_on >= opens_on)
);
CREATE INDEX surveys_window ON surveys(opens_on, closes_on);

-- The councils whose network persons are asked.
CREATE TABLE survey_councils (
  survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
  council_id INTEGER NOT NULL REFERENCES councils(id),
  PRIMARY KEY (survey_id, council_id)
);
CREATE INDEX survey_councils_council ON survey_councils(council_id, survey_id);

-- Who answered and what was answered are kept apart, so that no row links a person to a rating or
-- a comment (the form and the invitation promise this).
--
-- survey_participants: that a person has answered a survey — nothing else (no council, no time).
-- Its PRIMARY KEY enforces one answer per person; WITHOUT ROWID stores it in (survey, user) order,
-- not in the order people answered. Written in the same transaction as the answer.
CREATE TABLE survey_participants (
  survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (survey_id, user_id)
) WITHOUT ROWID;

-- survey_responses: the answers, with the council answered for (per-council figures) but no person
-- and no time. The council must be one the survey asked (composite foreign key).
CREATE TABLE survey_responses (
  id INTEGER PRIMARY KEY,
  survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
  council_id INTEGER NOT NULL,
  rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
  comment TEXT NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
  FOREIGN KEY (survey_id, council_id) REFERENCES survey_councils(survey_id, council_id)
);
CREATE INDEX survey_responses_council ON survey_responses(survey_id, council_id);
