import type { Db } from '../../db/connection.js';

export type ReferralStatus = 'sent' | 'acknowledged' | 'answered' | 'withdrawn';

export type DepartmentRow = { id: number; name: string; email: string };

/** A referral as the case page lists it (officers and district admins only). */
export type ReferralListRow = {
  id: number;
  concern_id: number;
  department_id: number;
  department_name: string;
  note: string;
  status: ReferralStatus;
  token_expires_at: string;
  answer: string | null;
  sent_by_name: string | null;
  created_at: string;
  acknowledged_at: string | null;
  answered_at: string | null;
  withdrawn_at: string | null;
  /** The one automatic reminder to a silent department (migrations/0027). */
  reminded_at: string | null;
  /** The outbox row of the department's current mail (migrations/0026); null for older referrals. */
  mail_status: 'pending' | 'sending' | 'sent' | 'failed' | null;
  mail_attempts: number | null;
  mail_next_attempt_at: string | null;
  mail_sent_at: string | null;
  mail_error: string | null;
  /** Its body is gone (pruned or erased): it cannot be sent again, only a new link can. */
  mail_emptied: 0 | 1 | null;
};

/**
 * A referral found by its link: only what the department may see (never the concern's title,
 * description, place, photos or reporter), plus the ids the service needs.
 */
export type ReferralByToken = {
  id: number;
  concern_id: number;
  council_id: number;
  council_name: string;
  category_da: string;
  category_en: string;
  department_id: number;
  department_name: string;
  department_email: string;
  note: string;
  status: ReferralStatus;
  token_expires_at: string;
  answer: string | null;
  sent_by: number | null;
  created_at: string;
  acknowledged_at: string | null;
  answered_at: string | null;
  withdrawn_at: string | null;
};

export type OfficerRecipient = { id: number; name: string; email: string; locale: 'da' | 'en' };

/** Whom the department calls: an officer's name, phone (may be empty) and email. */
export type OfficerContact = { name: string; phone: string; email: string };

const BY_TOKEN_SELECT = `
  SELECT r.id, r.concern_id, c.council_id, co.name AS council_name,
         cat.label_da AS category_da, cat.label_en AS category_en,
         r.department_id, d.name AS department_name, d.email AS department_email,
         r.note, r.status, r.token_expires_at, r.answer, r.sent_by, r.created_at, r.acknowledged_at,
         r.answered_at, r.withdrawn_at
    FROM referrals r
    JOIN concerns c ON c.id = r.concern_id
    JOIN councils co ON co.id = c.council_id
    JOIN categories cat ON cat.id = c.category_id
    JOIN departments d ON d.id = r.department_id`;

/** All SQL about referrals to departments and the people told about them. */
export class ReferralsRepository {
  private readonly byTokenHash;
  private readonly byId;

  constructor(private readonly db: Db) {
    this.byTokenHash = db.prepare<[string], ReferralByToken>(`${BY_TOKEN_SELECT} WHERE r.token_hash = ?`);
    this.byId = db.prepare<[number], ReferralByToken>(`${BY_TOKEN_SELECT} WHERE r.id = ?`);
  }

  activeDepartments(): DepartmentRow[] {
    return this.db
      .prepare<[], DepartmentRow>('SELECT id, name, email FROM departments WHERE active = 1 ORDER BY name')
      .all();
  }

  findActiveDepartment(id: number): DepartmentRow | undefined {
    return this.db
      .prepare<[number], DepartmentRow>('SELECT id, name, email FROM departments WHERE id = ? AND active = 1')
      .get(id);
  }

  insert(r: {
    concernId: number;
    departmentId: number;
    note: string;
    tokenHash: string;
    expiresAt: string;
    sentBy: number;
    now: string;
  }): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO referrals (concern_id, department_id, note, token_hash, token_expires_at, sent_by, created_at)
           VALUES (@concernId, @departmentId, @note, @tokenHash, @expiresAt, @sentBy, @now)`,
        )
        .run(r).lastInsertRowid,
    );
  }

  /** The concern's referrals, oldest first, for the case page. */
  listForConcern(concernId: number): ReferralListRow[] {
    return this.db
      .prepare<[number], ReferralListRow>(
        `SELECT r.id, r.concern_id, r.department_id, d.name AS department_name, r.note, r.status,
                r.token_expires_at, r.answer, u.name AS sent_by_name, r.created_at, r.acknowledged_at,
                r.answered_at, r.withdrawn_at, r.reminded_at, o.status AS mail_status, o.attempts AS mail_attempts,
                o.next_attempt_at AS mail_next_attempt_at, o.sent_at AS mail_sent_at, o.last_error AS mail_error,
                (o.pruned_at IS NOT NULL OR (o.text_body = '' AND o.html_body = '')) AS mail_emptied
           FROM referrals r
           JOIN departments d ON d.id = r.department_id
           LEFT JOIN users u ON u.id = r.sent_by
           LEFT JOIN outbox o ON o.id = r.outbox_id
          WHERE r.concern_id = ?
          ORDER BY r.id`,
      )
      .all(concernId);
  }

  findByTokenHash(tokenHash: string): ReferralByToken | undefined {
    return this.byTokenHash.get(tokenHash);
  }

  findById(id: number): ReferralByToken | undefined {
    return this.byId.get(id);
  }

  /** The outbox row carrying the referral's current link: its delivery state is shown and flagged. */
  setMail(id: number, outboxId: number): void {
    this.db.prepare('UPDATE referrals SET outbox_id = ? WHERE id = ?').run(outboxId, id);
  }

  /** Replaces the link: the old token's hash is gone, so the old link stops working at once. */
  replaceToken(id: number, tokenHash: string, expiresAt: string): void {
    this.db
      .prepare('UPDATE referrals SET token_hash = ?, token_expires_at = ? WHERE id = ?')
      .run(tokenHash, expiresAt, id);
  }

  /** sent → acknowledged; false when it was already acknowledged or answered. */
  markAcknowledged(id: number, now: string): boolean {
    return (
      this.db
        .prepare(
          "UPDATE referrals SET status = 'acknowledged', acknowledged_at = ? WHERE id = ? AND status = 'sent'",
        )
        .run(now, id).changes === 1
    );
  }

  /**
   * → answered (final); answering straight from sent also counts as acknowledging. False when it
   * is no longer open (answered, or withdrawn by the closing of its concern).
   */
  markAnswered(id: number, answer: string, now: string): boolean {
    return (
      this.db
        .prepare(
          `UPDATE referrals SET status = 'answered', answer = @answer, answered_at = @now,
                  acknowledged_at = COALESCE(acknowledged_at, @now)
            WHERE id = @id AND status IN ('sent', 'acknowledged')`,
        )
        .run({ id, answer, now }).changes === 1
    );
  }

  /** Referrals still waiting for their department (sent or acknowledged). */
  countUnanswered(concernId: number): number {
    return this.db
      .prepare<[number], number>(
        "SELECT count(*) FROM referrals WHERE concern_id = ? AND status IN ('sent', 'acknowledged')",
      )
      .pluck()
      .get(concernId) as number;
  }

  /** The concern's referrals still waiting for their department, oldest first: closing withdraws them. */
  openForConcern(concernId: number): ReferralByToken[] {
    return this.db
      .prepare<[number], ReferralByToken>(
        `${BY_TOKEN_SELECT} WHERE r.concern_id = ? AND r.status IN ('sent', 'acknowledged') ORDER BY r.id`,
      )
      .all(concernId);
  }

  /** sent/acknowledged → withdrawn (final); false when it was answered or withdrawn already. */
  markWithdrawn(id: number, now: string): boolean {
    return (
      this.db
        .prepare(
          `UPDATE referrals SET status = 'withdrawn', withdrawn_at = ?
            WHERE id = ? AND status IN ('sent', 'acknowledged')`,
        )
        .run(now, id).changes === 1
    );
  }

  /**
   * Referrals of open concerns still 'sent' (never acknowledged) and never reminded whose current
   * link reached the mail server before `cutoff`, oldest first. The link's mail is outbox_id (the
   * first mail or the officer's latest renewal), so a department just sent a new link by hand has
   * the whole time again, and a mail still waiting or failed is not followed by a reminder — a
   * failed one is flagged to the officer instead. A referral older than migrations/0026 counts
   * from its sending.
   */
  dueForReminder(cutoff: string, limit: number): number[] {
    return this.db
      .prepare<{ cutoff: string; limit: number }, number>(
        `SELECT r.id FROM referrals r INDEXED BY referrals_to_remind
           JOIN concerns c ON c.id = r.concern_id
           LEFT JOIN outbox o ON o.id = r.outbox_id
          WHERE r.status = 'sent' AND r.reminded_at IS NULL AND r.created_at < @cutoff
            AND (r.outbox_id IS NULL OR (o.status = 'sent' AND o.sent_at < @cutoff))
            AND c.status <> 'closed'
          ORDER BY r.created_at LIMIT @limit`,
      )
      .pluck()
      .all({ cutoff, limit });
  }

  /**
   * Claims the one reminder: true only for the first caller while the referral is still 'sent', so
   * a second process (or a retry after a crash, the claim being in the mail's transaction) never
   * sends another.
   */
  claimReminder(id: number, now: string): boolean {
    return (
      this.db
        .prepare(
          "UPDATE referrals SET reminded_at = ? WHERE id = ? AND status = 'sent' AND reminded_at IS NULL",
        )
        .run(now, id).changes === 1
    );
  }

  /**
   * Whom the department calls: the officer who referred, while still an active officer of the
   * council; else every active officer of the council.
   */
  contactsFor(referralId: number): OfficerContact[] {
    const sender = this.db
      .prepare<[number], OfficerContact>(
        `SELECT u.name, u.phone, u.email
           FROM referrals r
           JOIN concerns c ON c.id = r.concern_id
           JOIN users u ON u.id = r.sent_by
           JOIN officer_assignments a ON a.officer_id = u.id AND a.council_id = c.council_id
          WHERE r.id = ? AND u.is_officer = 1 AND u.status = 'active'`,
      )
      .all(referralId);
    if (sender.length > 0) return sender;
    return this.db
      .prepare<[number], OfficerContact>(
        `SELECT u.name, u.phone, u.email
           FROM referrals r
           JOIN concerns c ON c.id = r.concern_id
           JOIN officer_assignments a ON a.council_id = c.council_id
           JOIN users u ON u.id = a.officer_id
          WHERE r.id = ? AND u.is_officer = 1 AND u.status = 'active'
          ORDER BY u.name, u.id`,
      )
      .all(referralId);
  }

  /** Active officers assigned to the council: they are told when a department answers. */
  officersOfCouncil(councilId: number): OfficerRecipient[] {
    return this.db
      .prepare<[number], OfficerRecipient>(
        `SELECT u.id, u.name, u.email, u.locale
           FROM officer_assignments a
           JOIN users u ON u.id = a.officer_id
          WHERE a.council_id = ? AND u.is_officer = 1 AND u.status = 'active'
          ORDER BY u.id`,
      )
      .all(councilId);
  }

  /** The council and reporter of a concern, for the policy check; undefined when it does not exist. */
  concernScope(
    concernId: number,
  ): { councilId: number; reporterId: number | null; status: string } | undefined {
    return this.db
      .prepare<[number], { councilId: number; reporterId: number | null; status: string }>(
        'SELECT council_id AS councilId, reporter_id AS reporterId, status FROM concerns WHERE id = ?',
      )
      .get(concernId);
  }
}
