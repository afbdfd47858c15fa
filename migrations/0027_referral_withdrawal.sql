-- Nothing gets lost between officer and department (issue 13; docs/domain.md#referrals).
--
-- 1. A referral can be withdrawn: closing a concern (or marking it as a duplicate) withdraws its
--    open referrals, and the department's link then shows a closed page and takes no answer.
-- 2. A referral still 'sent' after settings referral_ack_hours gets one automatic reminder with a
--    fresh link; reminded_at says it went, so a restart or a second process never sends another.
--
-- SQLite cannot change a CHECK constraint in place, so referrals and concern_events are rebuilt
-- (create, copy, drop, rename) with every index and trigger they had. No table refers to either.

CREATE TABLE referrals_new (
  id INTEGER PRIMARY KEY,
  concern_id INTEGER NOT NULL REFERENCES concerns(id),
  department_id INTEGER NOT NULL REFERENCES departments(id),
  note TEXT NOT NULL,                            -- exactly what the department receives
  status TEXT NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'acknowledged', 'answered', 'withdrawn')),
  token_hash TEXT NOT NULL UNIQUE,
  token_expires_at TEXT NOT NULL,
  answer TEXT,
  sent_by INTEGER REFERENCES users(id),
  created_at TEXT NOT NULL,
  acknowledged_at TEXT,
  answered_at TEXT,
  acknowledge_ms INTEGER,
  answer_ms INTEGER,
  outbox_id INTEGER REFERENCES outbox(id),
  withdrawn_at TEXT,
  reminded_at TEXT
);

INSERT INTO referrals_new (id, concern_id, department_id, note, status, token_hash, token_expires_at, answer,
                           sent_by, created_at, acknowledged_at, answered_at, acknowledge_ms, answer_ms, outbox_id)
SELECT id, concern_id, department_id, note, status, token_hash, token_expires_at, answer,
       sent_by, created_at, acknowledged_at, answered_at, acknowledge_ms, answer_ms, outbox_id
  FROM referrals;

DROP TABLE referrals;
ALTER TABLE referrals_new RENAME TO referrals;

CREATE INDEX referrals_open ON referrals(status, created_at);
CREATE INDEX referrals_department ON referrals(department_id, concern_id);
-- The name is part of the evaluation's queries (INDEXED BY referrals_stats).
CREATE INDEX referrals_stats ON referrals(concern_id, department_id, acknowledge_ms, answer_ms);
-- The reminder job's question, "still sent, never reminded, older than the cutoff": only the few
-- waiting referrals are in this index.
CREATE INDEX referrals_to_remind ON referrals(created_at) WHERE status = 'sent' AND reminded_at IS NULL;

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

-- Concerns closed before this migration with a referral still open: withdrawn as of their closing,
-- without a mail (the department was never told either way), so their links show the closed page.
UPDATE referrals SET status = 'withdrawn',
       withdrawn_at = (SELECT c.closed_at FROM concerns c WHERE c.id = referrals.concern_id)
 WHERE status IN ('sent', 'acknowledged')
   AND concern_id IN (SELECT id FROM concerns WHERE status = 'closed');

-- The timeline gains two internal events: a referral withdrawn by the closing, and the reminder.
CREATE TABLE concern_events_new (
  id INTEGER PRIMARY KEY,
  concern_id INTEGER NOT NULL REFERENCES concerns(id),
  at TEXT NOT NULL,
  actor_user_id INTEGER REFERENCES users(id),
  type TEXT NOT NULL CHECK (type IN (
    'created', 'status_changed', 'priority_changed', 'category_changed', 'public_reply',
    'internal_note', 'reporter_info', 'referral_sent', 'referral_acknowledged',
    'referral_answered', 'shared', 'closed', 'reopened', 'merged', 'duplicate_linked',
    'referral_withdrawn', 'referral_reminded'
  )),
  visibility TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),
  body TEXT NOT NULL DEFAULT '',
  data TEXT NOT NULL DEFAULT '{}'
);

INSERT INTO concern_events_new (id, concern_id, at, actor_user_id, type, visibility, body, data)
SELECT id, concern_id, at, actor_user_id, type, visibility, body, data FROM concern_events;

DROP TABLE concern_events;
ALTER TABLE concern_events_new RENAME TO concern_events;

CREATE INDEX concern_events_concern ON concern_events(concern_id, id);
