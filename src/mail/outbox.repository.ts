import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connection.js';

/** A calendar invitation as nodemailer sends it: text/calendar alternative plus attachment. */
export type IcalEvent = { method: 'REQUEST' | 'CANCEL' | 'PUBLISH'; filename?: string; content: string };
export type Attachment = { filename: string; contentType: string; content: string };
export type MailExtras = { icalEvent?: IcalEvent; attachments?: Attachment[] };

export type OutgoingMail = {
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
  extras?: MailExtras;
};

export type OutboxRow = {
  id: number;
  kind: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  headers: string;
  extras: string;
  message_id: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  /** When subject, body, headers and attachments were removed (docs/domain.md#retention). */
  pruned_at: string | null;
};

/**
 * Every kind of mail the portal queues, for /admin/outbox and its audit line (labels
 * `outbox.kind.<kind>` in locales/outbox.json). A kind not listed here still goes out; the outbox
 * page then shows its name as it is.
 */
export const MAIL_KINDS = [
  'invitation',
  'membership_invitation',
  'membership_deactivated',
  'membership_reactivated',
  'password_reset',
  'password_changed',
  'two_factor_disabled',
  'concern_receipt',
  'concern_reply',
  'concern_referred',
  'concern_closed',
  'concern_duplicate',
  'concern_reopened',
  'concern_shared',
  'concern_addition',
  'concern_shared_network',
  'concern_original_closed',
  'referral_withdrawn',
  'referral',
  'referral_answered',
  'officer_digest',
  'newsletter_test',
  'newsletter_monthly_draft',
  'meeting_invitation',
  'meeting_update',
  'meeting_cancellation',
  'meeting_removed',
  'meeting_minutes',
  'meeting_reminder',
  'post_published',
  'comment_hidden',
  'survey_invitation',
] as const;

export type MailKind = (typeof MAIL_KINDS)[number];

export const isMailKind = (kind: string): kind is MailKind =>
  (MAIL_KINDS as readonly string[]).includes(kind);

/** A mail as /admin/outbox lists it: never its subject or body. */
export type OutboxListRow = Pick<
  OutboxRow,
  | 'id'
  | 'kind'
  | 'to_address'
  | 'status'
  | 'attempts'
  | 'next_attempt_at'
  | 'last_error'
  | 'created_at'
  | 'pruned_at'
> & {
  /** Nothing left to send: pruned, or emptied when its recipient was erased. */
  emptied: 0 | 1;
};

const LIST_COLUMNS = `id, kind, to_address, status, attempts, next_attempt_at, last_error, created_at, pruned_at,
  (pruned_at IS NOT NULL OR (text_body = '' AND html_body = '')) AS emptied`;

/** What pruning leaves of a mail: recipient, kind, status, Message-ID, attempts and times. */
const PRUNED = `subject = '', text_body = '', html_body = '', headers = '{}', extras = '{}', pruned_at = @at`;

/**
 * Every email is a row here first, inserted inside the transaction of the change that caused it
 * (docs/architecture.md#mail), so a rolled-back change sends nothing and a committed one is never forgotten.
 */
export class OutboxRepository {
  private readonly insert;
  private readonly link;
  private pruneStmts?: ReturnType<typeof preparePruning>;

  constructor(
    private readonly db: Db,
    private readonly messageIdDomain: string,
  ) {
    this.insert = db.prepare(
      `INSERT INTO outbox (kind, to_address, subject, text_body, html_body, headers, extras, message_id, next_attempt_at, created_at)
       VALUES (@kind, @to, @subject, @text, @html, @headers, @extras, @messageId, @now, @now)`,
    );
    this.link = db.prepare<[number, number]>(
      'INSERT OR IGNORE INTO outbox_concerns (concern_id, outbox_id) VALUES (?, ?)',
    );
  }

  /** Queues the mail; `concernIds` are the concerns it quotes, so anonymising one removes its text. */
  enqueue(mail: OutgoingMail, now: string, concernIds: readonly number[] = []): number {
    const result = this.insert.run({
      kind: mail.kind,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: JSON.stringify(mail.headers ?? {}),
      extras: JSON.stringify(mail.extras ?? {}),
      // Stable from the start, so a resend after a crash carries the same Message-ID.
      messageId: `<${randomUUID()}@${this.messageIdDomain}>`,
      now,
    });
    const id = Number(result.lastInsertRowid);
    for (const concernId of concernIds) this.link.run(concernId, id);
    return id;
  }

  /** Claims up to `limit` due messages by marking them `sending`; only the lease holder calls this. */
  claimDue(now: string, limit: number): OutboxRow[] {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare<[string, number], OutboxRow>(
          `SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
        )
        .all(now, limit);
      const mark = this.db.prepare(
        `UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id = ?`,
      );
      for (const row of rows) mark.run(row.id);
      return rows.map((r) => ({ ...r, status: 'sending' as const, attempts: r.attempts + 1 }));
    })();
  }

  markSent(id: number, now: string): void {
    this.db
      .prepare(`UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?`)
      .run(now, id);
  }

  markRetry(id: number, nextAttemptAt: string, error: string): void {
    this.db
      .prepare(`UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?`)
      .run(nextAttemptAt, error, id);
  }

  /** Failed for good; `next_attempt_at` becomes the time of the last attempt, which the age rule reads. */
  markFailed(id: number, error: string, at: string): void {
    this.db
      .prepare(`UPDATE outbox SET status = 'failed', last_error = ?, next_attempt_at = ? WHERE id = ?`)
      .run(error, at, id);
  }

  /**
   * A failed mail back in the queue as if new (attempts from 0, so the whole retry schedule again,
   * same Message-ID). False when it is not failed, or has nothing left to send: its body was
   * pruned, or emptied when its recipient was erased.
   */
  requeueFailed(id: number, now: string): boolean {
    return (
      this.db
        .prepare(
          `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = @now, last_error = NULL
            WHERE id = @id AND status = 'failed' AND pruned_at IS NULL AND NOT (text_body = '' AND html_body = '')`,
        )
        .run({ id, now }).changes === 1
    );
  }

  /** One mail without its subject and body, as /admin/outbox shows it. */
  findListed(id: number): OutboxListRow | undefined {
    return this.db
      .prepare<[number], OutboxListRow>(`SELECT ${LIST_COLUMNS} FROM outbox WHERE id = ?`)
      .get(id);
  }

  /** Mails not yet delivered (pending or being sent), the next due first. */
  listWaiting(page: { limit: number; offset: number }): OutboxListRow[] {
    return this.db
      .prepare<{ limit: number; offset: number }, OutboxListRow>(
        `SELECT ${LIST_COLUMNS} FROM outbox WHERE status IN ('pending', 'sending')
          ORDER BY next_attempt_at, id LIMIT @limit OFFSET @offset`,
      )
      .all(page);
  }

  /** Mails that failed for good, the latest failure first (outbox_due: status, next_attempt_at). */
  listFailed(page: { limit: number; offset: number }): OutboxListRow[] {
    return this.db
      .prepare<{ limit: number; offset: number }, OutboxListRow>(
        `SELECT ${LIST_COLUMNS} FROM outbox WHERE status = 'failed'
          ORDER BY next_attempt_at DESC, id DESC LIMIT @limit OFFSET @offset`,
      )
      .all(page);
  }

  /** How many mails wait and how many have failed; from the outbox_due index alone. */
  counts(): { waiting: number; failed: number } {
    const count = this.db.prepare<[string], number>('SELECT count(*) FROM outbox WHERE status = ?').pluck();
    const n = (status: OutboxRow['status']) => count.get(status) as number;
    return { waiting: n('pending') + n('sending'), failed: n('failed') };
  }

  /**
   * Messages left `sending` by a process that died are sent again (same Message-ID). Called when
   * a worker newly takes the lease, i.e. when no other live process can be sending them.
   */
  requeueInterrupted(): number {
    return this.db.prepare(`UPDATE outbox SET status = 'pending' WHERE status = 'sending'`).run().changes;
  }

  findById(id: number): OutboxRow | undefined {
    return this.db.prepare<[number], OutboxRow>('SELECT * FROM outbox WHERE id = ?').get(id);
  }

  // ---------------------------------------------------------------- retention (docs/domain.md#retention)

  /**
   * Anonymising a concern: every mail about it loses its subject and body, a mail not yet sent is
   * given up (it could only go out empty), a mail to `reporterEmail` loses its address too (its
   * kind and time would otherwise still name who reported the concern), and the links go. Call
   * inside the anonymisation's transaction. Returns how many mails were pruned.
   */
  pruneAbout(concernId: number, at: string, reporterEmail: string | null): number {
    const s = this.pruning();
    const pruned = s.pruneAbout.run({ concernId, at }).changes;
    if (reporterEmail) s.forgetReporter.run({ concernId, email: reporterEmail });
    s.unlink.run(concernId);
    return pruned;
  }

  /**
   * The age rule: sent mails sent before `cutoff`, and failed ones last tried before it, lose their
   * subject and body, at most `limit` of each kind per call. Returns how many were pruned.
   */
  pruneBefore(cutoff: string, at: string, limit: number): number {
    const s = this.pruning();
    return s.pruneSent.run({ cutoff, at, limit }).changes + s.pruneFailed.run({ cutoff, at, limit }).changes;
  }

  private pruning() {
    this.pruneStmts ??= preparePruning(this.db);
    return this.pruneStmts;
  }
}

/** The retention statements, prepared on first use. */
function preparePruning(db: Db) {
  const about = 'SELECT outbox_id FROM outbox_concerns WHERE concern_id = @concernId';
  return {
    pruneAbout: db.prepare<{ concernId: number; at: string }>(
      `UPDATE outbox SET ${PRUNED},
              last_error = CASE WHEN status = 'pending' THEN 'not sent: its concern was anonymised' ELSE last_error END,
              status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END
        WHERE id IN (${about}) AND pruned_at IS NULL`,
    ),
    forgetReporter: db.prepare<{ concernId: number; email: string }>(
      // A refusal may quote the address ("550 <…>: no such user"): it goes with it.
      `UPDATE outbox SET to_address = '',
              last_error = CASE WHEN instr(lower(last_error), lower(@email)) > 0 THEN NULL ELSE last_error END
        WHERE id IN (${about}) AND to_address = @email COLLATE NOCASE`,
    ),
    unlink: db.prepare<[number]>('DELETE FROM outbox_concerns WHERE concern_id = ?'),
    // INDEXED BY pins the partial indexes of migration 0022 (their WHERE repeated literally). Without
    // it the planner takes outbox_due (status = ?) and reads every sent or failed mail ever kept,
    // pruned long ago or not, on every tick.
    pruneSent: db.prepare<{ cutoff: string; at: string; limit: number }>(
      `UPDATE outbox SET ${PRUNED} WHERE id IN (
         SELECT id FROM outbox INDEXED BY outbox_prune_sent
          WHERE status = 'sent' AND pruned_at IS NULL AND sent_at < @cutoff ORDER BY sent_at LIMIT @limit)`,
    ),
    pruneFailed: db.prepare<{ cutoff: string; at: string; limit: number }>(
      `UPDATE outbox SET ${PRUNED} WHERE id IN (
         SELECT id FROM outbox INDEXED BY outbox_prune_failed
          WHERE status = 'failed' AND pruned_at IS NULL AND next_attempt_at < @cutoff
          ORDER BY next_attempt_at LIMIT @limit)`,
    ),
  };
}
