import type { Db } from '../db/connection.js';
import type { Actor, MembershipRole } from './policy.js';

export type UserStatus = 'invited' | 'active' | 'deactivated';

export type UserRow = {
  id: number;
  email: string;
  name: string;
  phone: string;
  password_hash: string | null;
  totp_secret: string | null;
  totp_enabled: 0 | 1;
  totp_last_time_step: number | null;
  status: UserStatus;
  locale: 'da' | 'en';
  is_district_admin: 0 | 1;
  is_officer: 0 | 1;
  notify_concern_updates: 0 | 1;
  notify_newsletters: 0 | 1;
  notify_meetings: 0 | 1;
  notify_posts: 0 | 1;
  /** Officers: a reporter added information to a concern of their council (migrations/0030). */
  notify_concern_additions: 0 | 1;
  /** Network members: the officer shared a summary with their council's network (migrations/0030). */
  notify_shared_summaries: 0 | 1;
  privacy_accepted_at: string | null;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
};

export type NewUser = {
  email: string;
  name: string;
  phone?: string;
  passwordHash?: string | null;
  status: UserStatus;
  locale?: 'da' | 'en';
  isDistrictAdmin?: boolean;
  isOfficer?: boolean;
};

export type Preferences = {
  name: string;
  phone: string;
  locale: 'da' | 'en';
  notifyConcernUpdates: boolean;
  notifyNewsletters: boolean;
  notifyMeetings: boolean;
  notifyPosts: boolean;
  notifyConcernAdditions: boolean;
  notifySharedSummaries: boolean;
};

/** A council a closed account was a member of, and one of its council admins (or none). */
export type ClosedAccountContact = {
  councilId: number;
  councilName: string;
  adminName: string | null;
  adminEmail: string | null;
};

/** Users, their roles and their single-use links. Shared by auth, account, members and admin. */
export class UsersRepository {
  private readonly byId;
  private readonly byEmail;
  private readonly membershipsOf;
  private readonly assignmentsOf;

  constructor(private readonly db: Db) {
    this.byId = db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?');
    this.byEmail = db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?');
    this.membershipsOf = db.prepare<
      [number],
      { councilId: number; councilName: string; role: MembershipRole; title: string }
    >(`SELECT m.council_id AS councilId, c.name AS councilName, m.role, m.title
         FROM memberships m JOIN councils c ON c.id = m.council_id
        WHERE m.user_id = ? AND m.active = 1 AND c.active = 1
        ORDER BY c.name`);
    this.assignmentsOf = db
      .prepare<[number], number>(
        `SELECT a.council_id FROM officer_assignments a JOIN councils c ON c.id = a.council_id
          WHERE a.officer_id = ? AND c.active = 1 ORDER BY a.council_id`,
      )
      .pluck();
  }

  findById(id: number): UserRow | undefined {
    return this.byId.get(id);
  }

  /** Emails are unique case-insensitively (COLLATE NOCASE on the column). */
  findByEmail(email: string): UserRow | undefined {
    return this.byEmail.get(email.trim());
  }

  /** The actor for policy checks, or undefined when the user may not be signed in. */
  loadActor(id: number): Actor | undefined {
    const user = this.byId.get(id);
    if (user?.status !== 'active') return undefined;
    return {
      id: user.id,
      name: user.name,
      email: user.email,
      locale: user.locale,
      isDistrictAdmin: user.is_district_admin === 1,
      isOfficer: user.is_officer === 1,
      totpEnabled: user.totp_enabled === 1,
      officerCouncilIds: user.is_officer === 1 ? this.assignmentsOf.all(id) : [],
      memberships: this.membershipsOf.all(id),
    };
  }

  create(user: NewUser, now: string): number {
    const result = this.db
      .prepare(
        `INSERT INTO users (email, name, phone, password_hash, status, locale, is_district_admin, is_officer, created_at, updated_at)
         VALUES (@email, @name, @phone, @passwordHash, @status, @locale, @isDistrictAdmin, @isOfficer, @now, @now)`,
      )
      .run({
        email: user.email.trim().toLowerCase(),
        name: user.name,
        phone: user.phone ?? '',
        passwordHash: user.passwordHash ?? null,
        status: user.status,
        locale: user.locale ?? 'da',
        isDistrictAdmin: user.isDistrictAdmin ? 1 : 0,
        isOfficer: user.isOfficer ? 1 : 0,
        now,
      });
    return Number(result.lastInsertRowid);
  }

  setPassword(id: number, passwordHash: string, now: string): void {
    this.db
      .prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?')
      .run(passwordHash, now, id);
  }

  /** An invitee who sets a password and accepts the privacy notice becomes active. */
  activate(id: number, passwordHash: string, now: string): void {
    this.db
      .prepare(
        `UPDATE users SET password_hash = ?, status = 'active', privacy_accepted_at = ?, updated_at = ? WHERE id = ?`,
      )
      .run(passwordHash, now, now, id);
  }

  setStatus(id: number, status: UserStatus, now: string): void {
    this.db.prepare('UPDATE users SET status = ?, updated_at = ? WHERE id = ?').run(status, now, id);
  }

  setOfficer(id: number, isOfficer: boolean, now: string): void {
    this.db
      .prepare('UPDATE users SET is_officer = ?, updated_at = ? WHERE id = ?')
      .run(isOfficer ? 1 : 0, now, id);
  }

  recordLogin(id: number, now: string): void {
    this.db.prepare('UPDATE users SET last_login_at = ? WHERE id = ?').run(now, id);
  }

  setLocale(id: number, locale: 'da' | 'en', now: string): void {
    this.db.prepare('UPDATE users SET locale = ?, updated_at = ? WHERE id = ?').run(locale, now, id);
  }

  updatePreferences(id: number, p: Preferences, now: string): void {
    this.db
      .prepare(
        `UPDATE users SET name = @name, phone = @phone, locale = @locale,
                notify_concern_updates = @cu, notify_newsletters = @nl, notify_meetings = @mt, notify_posts = @po,
                notify_concern_additions = @ca, notify_shared_summaries = @ss, updated_at = @now
          WHERE id = @id`,
      )
      .run({
        id,
        name: p.name,
        phone: p.phone,
        locale: p.locale,
        cu: p.notifyConcernUpdates ? 1 : 0,
        nl: p.notifyNewsletters ? 1 : 0,
        mt: p.notifyMeetings ? 1 : 0,
        po: p.notifyPosts ? 1 : 0,
        ca: p.notifyConcernAdditions ? 1 : 0,
        ss: p.notifySharedSummaries ? 1 : 0,
        now,
      });
  }

  /** Stores a secret being enrolled (not yet enabled) or clears two-factor entirely. */
  setTotp(id: number, secret: string | null, enabled: boolean, now: string): void {
    this.db
      .prepare('UPDATE users SET totp_secret = ?, totp_enabled = ?, updated_at = ? WHERE id = ?')
      .run(secret, enabled ? 1 : 0, now, id);
  }

  /** Records the accepted TOTP step; false when an equal or later one was already used (a replay race). */
  recordTotpStep(id: number, step: number): boolean {
    return (
      this.db
        .prepare(
          'UPDATE users SET totp_last_time_step = ? WHERE id = ? AND (totp_last_time_step IS NULL OR totp_last_time_step < ?)',
        )
        .run(step, id, step).changes === 1
    );
  }

  replaceRecoveryCodes(userId: number, codeHashes: string[]): void {
    this.db.prepare('DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
    const insert = this.db.prepare('INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)');
    for (const hash of codeHashes) insert.run(userId, hash);
  }

  /** Marks an unused recovery code used; true when one matched. */
  useRecoveryCode(userId: number, codeHash: string, now: string): boolean {
    const result = this.db
      .prepare(
        'UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL',
      )
      .run(now, userId, codeHash);
    return result.changes === 1;
  }

  unusedRecoveryCodeCount(userId: number): number {
    return this.db
      .prepare<[number], number>('SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL')
      .pluck()
      .get(userId) as number;
  }

  /**
   * Whom a person whose account is closed can ask to be let in again: per council they were a
   * member of, its council admins who can act now (name and email; null when it has none).
   */
  closedAccountContacts(userId: number): ClosedAccountContact[] {
    return this.db
      .prepare<[number], ClosedAccountContact>(
        `SELECT DISTINCT c.id AS councilId, c.name AS councilName, adm.name AS adminName, adm.email AS adminEmail
           FROM memberships m JOIN councils c ON c.id = m.council_id AND c.active = 1
           LEFT JOIN (SELECT am.council_id, u.id, u.name, u.email
                        FROM memberships am JOIN users u ON u.id = am.user_id
                       WHERE am.active = 1 AND am.role = 'council_admin' AND u.status = 'active') adm
                  ON adm.council_id = c.id AND adm.id <> m.user_id
          WHERE m.user_id = ?
          ORDER BY c.name, adm.name COLLATE NOCASE`,
      )
      .all(userId);
  }
}
