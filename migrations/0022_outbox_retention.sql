-- Retention of mail (docs/domain.md#retention).
--
-- Which concerns a mail is about: the reporter's receipt and updates, a department's referral, the
-- officers' mail about its answer, and every concern a daily digest lists. Anonymising a concern
-- removes the subject and body of each of these mails (src/mail/outbox.repository.ts pruneAbout),
-- then drops the links. Mails queued before this migration have no link; the age rule below
-- removes their bodies mail_body_retention_days after they were sent or last tried.
CREATE TABLE outbox_concerns (
  concern_id INTEGER NOT NULL REFERENCES concerns(id) ON DELETE CASCADE,
  outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
  PRIMARY KEY (concern_id, outbox_id)
) WITHOUT ROWID;
CREATE INDEX outbox_concerns_outbox ON outbox_concerns(outbox_id);

-- When the subject, body, headers and attachments were removed, by age or because a concern the
-- mail was about was anonymised. Recipient, kind, status, Message-ID and times stay; a pruned
-- mail cannot be sent again.
ALTER TABLE outbox ADD COLUMN pruned_at TEXT;

-- The pruning job's candidates, in the order it takes them: sent mails by sent_at, failed ones
-- by next_attempt_at (the time of their last attempt). Partial, so each holds only what is left
-- to prune and a tick with nothing due reads one index entry.
CREATE INDEX outbox_prune_sent ON outbox(sent_at) WHERE status = 'sent' AND pruned_at IS NULL;
CREATE INDEX outbox_prune_failed ON outbox(next_attempt_at) WHERE status = 'failed' AND pruned_at IS NULL;
