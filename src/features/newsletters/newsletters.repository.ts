import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/connection.js';
import { ConflictError } from '../../errors.js';
import { canTransitionNewsletter, type NewsletterStatus } from './newsletter-state.js';

export type NewsletterRow = {
  id: number;
  title: string;
  body_markdown: string;
  body_html: string;
  author_id: number | null;
  author_name: string | null;
  whole_district: 0 | 1;
  status: NewsletterStatus;
  send_at: string | null;
  needs_confirmation: 0 | 1;
  started_at: string | null;
  finished_at: string | null;
  created_at: string;
  updated_at: string;
};

export type DeliveryRow = {
  id: number;
  newsletter_id: number;
  user_id: number | null;
  email: string;
  locale: 'da' | 'en';
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: string;
  last_response: string | null;
  message_id: string;
  sent_at: string | null;
};

export type Progress = { total: number; pending: number; sending: number; sent: number; failed: number };

/** All SQL of newsletters and their deliveries. */
export class NewslettersRepository {
  /** The send loop's statements (delivery.job.ts), prepared once rather than per delivery. */
  private readonly sendLoop;

  constructor(
    private readonly db: Db,
    private readonly messageIdDomain: string,
  ) {
    const dueDeliveries = db.prepare<[string, number], DeliveryRow>(
      `SELECT d.* FROM newsletter_deliveries d JOIN newsletters n ON n.id = d.newsletter_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND n.status = 'sending'
        ORDER BY d.next_attempt_at, d.id LIMIT ?`,
    );
    const markSending = db.prepare<[number]>(
      `UPDATE newsletter_deliveries SET status = 'sending', attempts = attempts + 1 WHERE id = ?`,
    );
    this.sendLoop = {
      claimDue: db.transaction((now: string, limit: number): DeliveryRow[] => {
        const rows = dueDeliveries.all(now, limit);
        for (const r of rows) markSending.run(r.id);
        return rows.map((r) => ({ ...r, status: 'sending' as const, attempts: r.attempts + 1 }));
      }),
      markSent: db.prepare<[string, string, number]>(
        `UPDATE newsletter_deliveries SET status = 'sent', sent_at = ?, last_response = ? WHERE id = ?`,
      ),
      markRetry: db.prepare<[string, string, number]>(
        `UPDATE newsletter_deliveries SET status = 'pending', next_attempt_at = ?, last_response = ? WHERE id = ?`,
      ),
      markFailed: db.prepare<[string, number]>(
        `UPDATE newsletter_deliveries SET status = 'failed', last_response = ? WHERE id = ?`,
      ),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  findById(id: number): NewsletterRow | undefined {
    return this.db
      .prepare<[number], NewsletterRow>(
        `SELECT n.*, u.name AS author_name FROM newsletters n LEFT JOIN users u ON u.id = n.author_id WHERE n.id = ?`,
      )
      .get(id);
  }

  councilIds(newsletterId: number): number[] {
    return this.db
      .prepare<[number], number>(
        'SELECT council_id FROM newsletter_councils WHERE newsletter_id = ? ORDER BY council_id',
      )
      .pluck()
      .all(newsletterId) as number[];
  }

  insert(n: {
    title: string;
    markdown: string;
    html: string;
    /** null: prepared by Nærnet itself (the monthly draft). */
    authorId: number | null;
    wholeDistrict: boolean;
    councilIds: number[];
    now: string;
  }): number {
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO newsletters (title, body_markdown, body_html, author_id, whole_district, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(n.title, n.markdown, n.html, n.authorId, n.wholeDistrict ? 1 : 0, n.now, n.now).lastInsertRowid,
    );
    this.setCouncils(id, n.councilIds);
    return id;
  }

  updateContent(
    id: number,
    n: {
      title: string;
      markdown: string;
      html: string;
      wholeDistrict: boolean;
      councilIds: number[];
      now: string;
    },
  ): void {
    this.db
      .prepare(
        'UPDATE newsletters SET title = ?, body_markdown = ?, body_html = ?, whole_district = ?, updated_at = ? WHERE id = ?',
      )
      .run(n.title, n.markdown, n.html, n.wholeDistrict ? 1 : 0, n.now, id);
    this.setCouncils(id, n.councilIds);
  }

  private setCouncils(id: number, councilIds: number[]): void {
    this.db.prepare('DELETE FROM newsletter_councils WHERE newsletter_id = ?').run(id);
    const insert = this.db.prepare(
      'INSERT INTO newsletter_councils (newsletter_id, council_id) VALUES (?, ?)',
    );
    for (const councilId of new Set(councilIds)) insert.run(id, councilId);
  }

  /** The only writer of `status`: refuses what the transition table does not allow. */
  transition(
    id: number,
    from: NewsletterStatus,
    to: NewsletterStatus,
    fields: Record<string, string | number | null>,
    now: string,
  ): void {
    if (!canTransitionNewsletter(from, to))
      throw new ConflictError('newsletters.errors.transition_invalid', 'status');
    const columns = Object.keys(fields);
    const sets = columns.map((c) => `, ${c} = @${c}`).join('');
    const changed = this.db
      .prepare(
        `UPDATE newsletters SET status = @to, updated_at = @now${sets} WHERE id = @id AND status = @from`,
      )
      .run({ ...fields, to, from, now, id }).changes;
    // Someone (or the worker) changed it in between: the caller's view was stale.
    if (changed !== 1) throw new ConflictError('newsletters.errors.changed_meanwhile', 'status');
  }

  setSchedule(id: number, sendAt: string | null, needsConfirmation: boolean, now: string): void {
    this.db
      .prepare('UPDATE newsletters SET send_at = ?, needs_confirmation = ?, updated_at = ? WHERE id = ?')
      .run(sendAt, needsConfirmation ? 1 : 0, now, id);
  }

  /** Scheduled newsletters whose time has come, oldest first. */
  due(now: string): NewsletterRow[] {
    return this.db
      .prepare<[string], NewsletterRow>(
        `SELECT n.*, NULL AS author_name FROM newsletters n
          WHERE n.status = 'scheduled' AND n.needs_confirmation = 0 AND n.send_at <= ? ORDER BY n.send_at, n.id`,
      )
      .all(now);
  }

  /**
   * Freezes the recipients: one pending delivery per distinct address among the active members of
   * the chosen councils (all active councils for the whole district) who still take newsletters.
   * Called in the same transaction that moves the newsletter to `sending`.
   */
  freezeRecipients(newsletter: NewsletterRow, now: string): number {
    const councilFilter = newsletter.whole_district
      ? 'c.active = 1'
      : 'c.active = 1 AND c.id IN (SELECT council_id FROM newsletter_councils WHERE newsletter_id = @id)';
    const rows = this.db
      .prepare<Record<string, unknown>, { user_id: number; email: string; locale: string }>(
        `SELECT DISTINCT u.id AS user_id, u.email, u.locale
           FROM memberships m JOIN users u ON u.id = m.user_id JOIN councils c ON c.id = m.council_id
          WHERE ${councilFilter} AND m.active = 1 AND u.status = 'active' AND u.notify_newsletters = 1
          ORDER BY u.id`,
      )
      .all({ id: newsletter.id });
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO newsletter_deliveries (newsletter_id, user_id, email, locale, next_attempt_at, message_id)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    let count = 0;
    for (const r of rows) {
      count += insert.run(
        newsletter.id,
        r.user_id,
        r.email,
        r.locale,
        now,
        `<nl-${newsletter.id}-${randomUUID()}@${this.messageIdDomain}>`,
      ).changes;
    }
    return count;
  }

  /** Claims due deliveries of newsletters that are sending (not paused), marking them `sending`. */
  claimDue(now: string, limit: number): DeliveryRow[] {
    return this.sendLoop.claimDue(now, limit);
  }

  markSent(id: number, response: string, now: string): void {
    this.sendLoop.markSent.run(now, response, id);
  }

  markRetry(id: number, nextAttemptAt: string, response: string): void {
    this.sendLoop.markRetry.run(nextAttemptAt, response, id);
  }

  markFailed(id: number, response: string): void {
    this.sendLoop.markFailed.run(response, id);
  }

  /** Deliveries left `sending` by a process that died go out again, with the same Message-ID. */
  requeueInterrupted(): number {
    return this.db
      .prepare(`UPDATE newsletter_deliveries SET status = 'pending' WHERE status = 'sending'`)
      .run().changes;
  }

  /** "Retry failed": only the failed ones go back in the queue. */
  requeueFailed(newsletterId: number, now: string): number {
    return this.db
      .prepare(
        `UPDATE newsletter_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE newsletter_id = ? AND status = 'failed'`,
      )
      .run(now, newsletterId).changes;
  }

  /** Newsletters that are sending and have nothing pending or in flight. */
  finishedSending(): number[] {
    return this.db
      .prepare<[], number>(
        `SELECT n.id FROM newsletters n WHERE n.status = 'sending' AND NOT EXISTS (
           SELECT 1 FROM newsletter_deliveries d WHERE d.newsletter_id = n.id AND d.status IN ('pending', 'sending'))`,
      )
      .pluck()
      .all() as number[];
  }

  progress(newsletterId: number): Progress {
    const rows = this.db
      .prepare<[number], { status: string; n: number }>(
        'SELECT status, count(*) AS n FROM newsletter_deliveries WHERE newsletter_id = ? GROUP BY status',
      )
      .all(newsletterId);
    const p: Progress = { total: 0, pending: 0, sending: 0, sent: 0, failed: 0 };
    for (const r of rows) {
      p[r.status as keyof Omit<Progress, 'total'>] = r.n;
      p.total += r.n;
    }
    return p;
  }

  deliveries(newsletterId: number, limit: number, offset: number): DeliveryRow[] {
    return this.db
      .prepare<[number, number, number], DeliveryRow>(
        `SELECT * FROM newsletter_deliveries WHERE newsletter_id = ?
          ORDER BY CASE status WHEN 'failed' THEN 0 WHEN 'sending' THEN 1 WHEN 'pending' THEN 2 ELSE 3 END, email LIMIT ? OFFSET ?`,
      )
      .all(newsletterId, limit, offset);
  }

  /** "Retry failed" on a sent newsletter: it is sending again until those deliveries are done. */
  reopenForRetry(id: number, now: string): void {
    // Not in the transition table on purpose: sent → sending happens only here, for failed deliveries.
    this.db
      .prepare(
        `UPDATE newsletters SET status = 'sending', finished_at = NULL, updated_at = ? WHERE id = ? AND status = 'sent'`,
      )
      .run(now, id);
  }

  setNewsletterSubscription(userId: number, subscribed: boolean, now: string): void {
    this.db
      .prepare('UPDATE users SET notify_newsletters = ?, updated_at = ? WHERE id = ?')
      .run(subscribed ? 1 : 0, now, userId);
  }

  /** Newsletters the actor manages (all for district admins), newest first. */
  listManaged(
    officerCouncilIds: number[] | null,
    limit: number,
    offset: number,
  ): (NewsletterRow & Progress & { councilIds: number[] })[] {
    const where =
      officerCouncilIds === null
        ? ''
        : `WHERE n.whole_district = 0 AND EXISTS (SELECT 1 FROM newsletter_councils x WHERE x.newsletter_id = n.id)
             AND NOT EXISTS (SELECT 1 FROM newsletter_councils x WHERE x.newsletter_id = n.id
                              AND x.council_id NOT IN (SELECT value FROM json_each(@councils)))`;
    return this.db
      .prepare<Record<string, unknown>, NewsletterRow & Progress & { council_ids: string }>(
        `SELECT n.*, u.name AS author_name,
                (SELECT json_group_array(council_id) FROM (SELECT x.council_id FROM newsletter_councils x
                   WHERE x.newsletter_id = n.id ORDER BY x.council_id)) AS council_ids,
                (SELECT count(*) FROM newsletter_deliveries d WHERE d.newsletter_id = n.id) AS total,
                (SELECT count(*) FROM newsletter_deliveries d WHERE d.newsletter_id = n.id AND d.status = 'sent') AS sent,
                (SELECT count(*) FROM newsletter_deliveries d WHERE d.newsletter_id = n.id AND d.status = 'failed') AS failed,
                0 AS pending, 0 AS sending
           FROM newsletters n LEFT JOIN users u ON u.id = n.author_id
           ${where} ORDER BY n.id DESC LIMIT @limit OFFSET @offset`,
      )
      .all({ councils: JSON.stringify(officerCouncilIds ?? []), limit, offset })
      .map(({ council_ids, ...row }) => ({ ...row, councilIds: JSON.parse(council_ids) as number[] }));
  }

  /** The archive: sent newsletters to any of these councils, or to the whole district. */
  listArchive(memberCouncilIds: number[], limit: number, offset: number): NewsletterRow[] {
    if (memberCouncilIds.length === 0) return [];
    return this.db
      .prepare<Record<string, unknown>, NewsletterRow>(
        `SELECT n.*, u.name AS author_name FROM newsletters n LEFT JOIN users u ON u.id = n.author_id
          WHERE n.status IN ('sent', 'sending', 'paused')
            AND (n.whole_district = 1 OR EXISTS (SELECT 1 FROM newsletter_councils x WHERE x.newsletter_id = n.id
                                                  AND x.council_id IN (SELECT value FROM json_each(@councils))))
          ORDER BY coalesce(n.started_at, n.send_at) DESC, n.id DESC LIMIT @limit OFFSET @offset`,
      )
      .all({ councils: JSON.stringify(memberCouncilIds), limit, offset });
  }

  activeCouncils(): { id: number; name: string; municipality: string }[] {
    return this.db
      .prepare<[], { id: number; name: string; municipality: string }>(
        `SELECT c.id, c.name, m.name AS municipality FROM councils c JOIN municipalities m ON m.id = c.municipality_id
          WHERE c.active = 1 ORDER BY m.name, c.name`,
      )
      .all();
  }

  // ------------------------------------------------------------ monthly draft (monthly-draft.job.ts)

  /**
   * Active councils not yet prepared for `month` that had at least one concern closed within
   * [start, end) with a summary shared with the network.
   */
  monthlyDraftCandidates(month: string, start: string, end: string): { id: number; name: string }[] {
    return this.db
      .prepare<[string, string, string], { id: number; name: string }>(
        `SELECT c.id, c.name FROM councils c
          WHERE c.active = 1
            AND NOT EXISTS (SELECT 1 FROM monthly_newsletter_drafts d WHERE d.council_id = c.id AND d.month = ?)
            AND EXISTS (SELECT 1 FROM concerns x
                         WHERE x.council_id = c.id AND x.status = 'closed' AND x.closed_at >= ? AND x.closed_at < ?
                           AND x.shared_summary IS NOT NULL AND trim(x.shared_summary) <> ''
                           AND coalesce(x.resolution, '') <> 'duplicate')
          ORDER BY c.id`,
      )
      .all(month, start, end);
  }

  /**
   * What the monthly draft may say about a council's month: only the category and the summary the
   * officer shared with the network — never title, description, place, reporter, notes or feedback.
   */
  sharedClosedConcerns(
    councilId: number,
    start: string,
    end: string,
  ): { id: number; category: string; summary: string; closed_at: string }[] {
    return this.db
      .prepare<
        [number, string, string],
        { id: number; category: string; summary: string; closed_at: string }
      >(
        `SELECT x.id, k.label_da AS category, x.shared_summary AS summary, x.closed_at
           FROM concerns x JOIN categories k ON k.id = x.category_id
          WHERE x.council_id = ? AND x.status = 'closed' AND x.closed_at >= ? AND x.closed_at < ?
            AND x.shared_summary IS NOT NULL AND trim(x.shared_summary) <> ''
            AND coalesce(x.resolution, '') <> 'duplicate'
          ORDER BY k.sort_order, k.id, x.closed_at, x.id`,
      )
      .all(councilId, start, end);
  }

  /** Claims council/month for the draft; false when it was prepared before (the row is never removed). */
  recordMonthlyDraft(councilId: number, month: string, newsletterId: number, now: string): boolean {
    return (
      this.db
        .prepare(
          `INSERT OR IGNORE INTO monthly_newsletter_drafts (council_id, month, newsletter_id, created_at)
           VALUES (?, ?, ?, ?)`,
        )
        .run(councilId, month, newsletterId, now).changes === 1
    );
  }

  /** The active officers who cover a council (told by mail that a draft is ready). */
  officersOf(councilId: number): { id: number; email: string; locale: 'da' | 'en' }[] {
    return this.db
      .prepare<[number], { id: number; email: string; locale: 'da' | 'en' }>(
        `SELECT u.id, u.email, u.locale FROM officer_assignments a JOIN users u ON u.id = a.officer_id
          WHERE a.council_id = ? AND u.is_officer = 1 AND u.status = 'active' ORDER BY u.id`,
      )
      .all(councilId);
  }
}
