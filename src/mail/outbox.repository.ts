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
};

/**
 * Every email is a row here first, inserted inside the transaction of the change that caused it
 * (docs/architecture.md#mail), so a rolled-back change sends nothing and a committed one is never forgotten.
 */
export class OutboxRepository {
  private readonly insert;

  constructor(
    private readonly db: Db,
    private readonly messageIdDomain: string,
  ) {
    this.insert = db.prepare(
      `INSERT INTO outbox (kind, to_address, subject, text_body, html_body, headers, extras, message_id, next_attempt_at, created_at)
       VALUES (@kind, @to, @subject, @text, @html, @headers, @extras, @messageId, @now, @now)`,
    );
  }

  enqueue(mail: OutgoingMail, now: string): number {
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
    return Number(result.lastInsertRowid);
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

  markFailed(id: number, error: string): void {
    this.db.prepare(`UPDATE outbox SET status = 'failed', last_error = ? WHERE id = ?`).run(error, id);
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
}
