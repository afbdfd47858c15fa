import type { Db } from '../../db/connection.js';

export type PersonRow = {
  id: number;
  email: string;
  name: string;
  phone: string;
  status: 'invited' | 'active' | 'deactivated';
  locale: 'da' | 'en';
  is_district_admin: 0 | 1;
  is_officer: 0 | 1;
  totp_enabled: 0 | 1;
  notify_concern_updates: 0 | 1;
  notify_newsletters: 0 | 1;
  notify_meetings: 0 | 1;
  notify_posts: 0 | 1;
  notify_concern_additions: 0 | 1;
  notify_shared_summaries: 0 | 1;
  last_login_at: string | null;
  privacy_accepted_at: string | null;
  created_at: string;
  updated_at: string;
  erased_at: string | null;
};

export type PersonListRow = Pick<
  PersonRow,
  'id' | 'email' | 'name' | 'status' | 'is_district_admin' | 'is_officer'
>;

/** People a district admin's search finds: a part of the name or address (@q, LIKE-escaped); never the erased. */
const FOUND = `erased_at IS NULL AND (@q = '' OR name LIKE '%' || @q || '%' ESCAPE '\\' OR email LIKE '%' || @q || '%' ESCAPE '\\')`;

/** The address an erased person's row keeps: unique (the column is), and undeliverable (RFC 2606). */
export const erasedEmail = (userId: number) => `slettet-${userId}@slettet.invalid`;

/**
 * Everything Nærnet stores about one person, read for their export, and the statements that erase
 * it. Reads join only what the person wrote or was sent: never another person's name or text.
 */
export class PrivacyRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      person: db.prepare<[number], PersonRow>(
        `SELECT id, email, name, phone, status, locale, is_district_admin, is_officer, totp_enabled,
                notify_concern_updates, notify_newsletters, notify_meetings, notify_posts,
                notify_concern_additions, notify_shared_summaries,
                last_login_at, privacy_accepted_at, created_at, updated_at, erased_at
           FROM users WHERE id = ?`,
      ),
      memberships: db.prepare<[number], Record<string, unknown>>(
        `SELECT c.name AS council, m.role, m.title, m.active, m.created_at, m.updated_at
           FROM memberships m JOIN councils c ON c.id = m.council_id
          WHERE m.user_id = ? ORDER BY c.name`,
      ),
      // Invitations waiting for the person's answer, with the name and address the council typed.
      invitations: db.prepare<[number], Record<string, unknown>>(
        `SELECT c.name AS council, m.role, m.title, m.invited_name, m.invited_email, m.invited_at, m.active
           FROM memberships m JOIN councils c ON c.id = m.council_id
          WHERE m.invitee_id = ? ORDER BY m.invited_at`,
      ),
      officerCouncils: db.prepare<[number], Record<string, unknown>>(
        `SELECT c.name AS council, a.created_at
           FROM officer_assignments a JOIN councils c ON c.id = a.council_id
          WHERE a.officer_id = ? ORDER BY c.name`,
      ),
      concerns: db.prepare<{ userId: number; locale: string }, Record<string, unknown> & { id: number }>(
        `SELECT k.id, c.name AS council, CASE @locale WHEN 'en' THEN g.label_en ELSE g.label_da END AS category, k.title, k.description, k.location,
                k.occurred_at, k.status, k.resolution, k.feedback, k.shared_summary,
                k.created_at, k.closed_at
           FROM concerns k
           JOIN councils c ON c.id = k.council_id
           JOIN categories g ON g.id = k.category_id
          WHERE k.reporter_id = @userId ORDER BY k.id`,
      ),
      // The public timeline as the reporter sees it; who on the staff wrote an entry is left out.
      publicEvents: db.prepare<[number], Record<string, unknown>>(
        `SELECT at, type, body, json(data) AS data FROM concern_events
          WHERE concern_id = ? AND visibility = 'public' ORDER BY at, id`,
      ),
      photos: db.prepare<[number], Record<string, unknown>>(
        'SELECT file_name, content_type, size_bytes, created_at FROM concern_photos WHERE concern_id = ? ORDER BY id',
      ),
      comments: db.prepare<[number], Record<string, unknown>>(
        `SELECT p.title AS post, pc.body, pc.created_at, pc.hidden_at
           FROM post_comments pc JOIN posts p ON p.id = pc.post_id
          WHERE pc.author_id = ? ORDER BY pc.id`,
      ),
      meetingAnswers: db.prepare<[number], Record<string, unknown>>(
        `SELECT m.title AS meeting, m.starts_at, r.response, r.updated_at
           FROM meeting_responses r JOIN meetings m ON m.id = r.meeting_id
          WHERE r.user_id = ? ORDER BY m.starts_at`,
      ),
      meetingInvitations: db.prepare<[number], Record<string, unknown>>(
        `SELECT m.title AS meeting, m.starts_at, i.email, i.invited_at
           FROM meeting_invitees i JOIN meetings m ON m.id = i.meeting_id
          WHERE i.user_id = ? ORDER BY m.starts_at`,
      ),
      hasCalendarFeed: db
        .prepare<[number], number>('SELECT count(*) FROM meeting_feeds WHERE user_id = ?')
        .pluck(),
      // That the person answered, never what: the answer itself is stored without a person.
      surveys: db.prepare<[number], Record<string, unknown>>(
        `SELECT s.title AS survey, s.opens_on, s.closes_on
           FROM survey_participants sp JOIN surveys s ON s.id = sp.survey_id
          WHERE sp.user_id = ? ORDER BY s.opens_on`,
      ),
      newsletters: db.prepare<[number], Record<string, unknown>>(
        `SELECT n.title AS newsletter, d.email, d.status, d.sent_at
           FROM newsletter_deliveries d JOIN newsletters n ON n.id = d.newsletter_id
          WHERE d.user_id = ? ORDER BY d.id`,
      ),
      mails: db.prepare<[string], Record<string, unknown>>(
        `SELECT kind, subject, status, created_at, sent_at FROM outbox
          WHERE to_address = ? COLLATE NOCASE ORDER BY id`,
      ),
      logins: db.prepare<[number, number], Record<string, unknown>>(
        `SELECT at, action, ip FROM audit_log
          WHERE action IN ('login.succeeded', 'login.failed', 'login.blocked', 'login.locked', 'login.device_locked',
                           'login.second_factor_failed', 'logout', 'password.reset_limited')
            AND (actor_user_id = ? OR (entity_type = 'user' AND entity_id = ?))
          ORDER BY id`,
      ),
      search: db.prepare<{ q: string; limit: number; offset: number }, PersonListRow>(
        `SELECT id, email, name, status, is_district_admin, is_officer FROM users
          WHERE ${FOUND}
          ORDER BY name COLLATE NOCASE, id LIMIT @limit OFFSET @offset`,
      ),
      searchCount: db
        .prepare<{ q: string }, number>(
          `SELECT count(*) FROM users
            WHERE ${FOUND}`,
        )
        .pluck(),
      openConcerns: db.prepare<[number], { id: number; title: string }>(
        `SELECT id, title FROM concerns WHERE reporter_id = ? AND status <> 'closed' ORDER BY id`,
      ),
      closedConcernIds: db
        .prepare<[number], number>(
          `SELECT id FROM concerns WHERE reporter_id = ? AND status = 'closed' ORDER BY id`,
        )
        .pluck(),
      commentCount: db
        .prepare<[number], number>(`SELECT count(*) FROM post_comments WHERE author_id = ? AND body <> ''`)
        .pluck(),
      eraseUser: db.prepare<{ id: number; email: string; name: string; at: string }>(
        `UPDATE users SET email = @email, name = @name, phone = '', password_hash = NULL, totp_secret = NULL,
                totp_enabled = 0, totp_last_time_step = NULL, status = 'deactivated', is_district_admin = 0,
                is_officer = 0, notify_concern_updates = 0, notify_newsletters = 0, notify_meetings = 0,
                notify_posts = 0, notify_concern_additions = 0, notify_shared_summaries = 0, privacy_accepted_at = NULL, last_login_at = NULL, updated_at = @at,
                erased_at = @at
          WHERE id = @id`,
      ),
      // Memberships go rather than end: an ended one could be reactivated, and would invite the
      // erased account back in.
      removeMemberships: db.prepare<[number, number]>(
        'DELETE FROM memberships WHERE user_id = ? OR invitee_id = ?',
      ),
      removeAssignments: db.prepare<[number]>('DELETE FROM officer_assignments WHERE officer_id = ?'),
      removeRecoveryCodes: db.prepare<[number]>('DELETE FROM recovery_codes WHERE user_id = ?'),
      removeTokens: db.prepare<[number]>('DELETE FROM user_tokens WHERE user_id = ?'),
      removeFeed: db.prepare<[number]>('DELETE FROM meeting_feeds WHERE user_id = ?'),
      removeMeetingAnswers: db.prepare<[number]>('DELETE FROM meeting_responses WHERE user_id = ?'),
      eraseMeetingInvitations: db.prepare<[string, number]>(
        'UPDATE meeting_invitees SET email = ? WHERE user_id = ?',
      ),
      eraseDeliveries: db.prepare<[string, number]>(
        `UPDATE newsletter_deliveries SET email = ?, last_response = NULL WHERE user_id = ?`,
      ),
      eraseComments: db.prepare<[number]>(`UPDATE post_comments SET body = '' WHERE author_id = ?`),
      // Mail to the person: the address and every word are removed (the calendar attachment and a
      // refusal quoting the address too); kind, status and times stay. What was still waiting is
      // not sent to nobody: it ends as failed.
      eraseMails: db.prepare<{ erased: string; email: string; at: string }>(
        `UPDATE outbox SET to_address = @erased, subject = '', text_body = '', html_body = '', headers = '{}',
                extras = '{}', pruned_at = coalesce(pruned_at, @at),
                last_error = CASE WHEN status = 'pending' THEN 'not sent: its recipient was erased' ELSE NULL END,
                status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END
          WHERE to_address = @email COLLATE NOCASE`,
      ),
      // The audit log keeps who did what and when; the name or address written into any line's
      // details (an officer's appointment, a council's first admin, a blocked login, a search for
      // the person) is replaced. The details are JSON, so the name is matched as JSON writes it.
      eraseAuditText: db.prepare<{ text: string }>(
        `UPDATE audit_log SET details = replace(details, @text, 'slettet')
          WHERE instr(details, @text) > 0`,
      ),
    };
  }

  person(userId: number): PersonRow | undefined {
    return this.s.person.get(userId);
  }

  /** District admins find a person by a part of the name or address; an erased person is not listed. */
  search(q: string, limit: number, offset: number): { rows: PersonListRow[]; total: number } {
    const pattern = q.replace(/[\\%_]/g, (c) => `\\${c}`);
    return {
      rows: this.s.search.all({ q: pattern, limit, offset }),
      total: this.s.searchCount.get({ q: pattern }) ?? 0,
    };
  }

  /** The person's rows of one simple section of the export (one statement each, by user id). */
  rowsOf(
    section:
      | 'memberships'
      | 'invitations'
      | 'officerCouncils'
      | 'comments'
      | 'meetingAnswers'
      | 'meetingInvitations',
    userId: number,
  ) {
    return this.s[section].all(userId);
  }

  reportedConcerns(userId: number, locale: string) {
    return this.s.concerns.all({ userId, locale }).map((concern) => ({
      ...concern,
      timeline: this.s.publicEvents
        .all(concern.id)
        .map((event) => ({ ...event, data: JSON.parse(String(event.data ?? '{}')) as unknown })),
      photos: this.s.photos.all(concern.id),
    }));
  }

  hasCalendarFeed(userId: number): boolean {
    return (this.s.hasCalendarFeed.get(userId) ?? 0) > 0;
  }

  surveysAnswered(userId: number) {
    return this.s.surveys.all(userId);
  }

  newsletterDeliveries(userId: number) {
    return this.s.newsletters.all(userId);
  }

  mailsTo(email: string) {
    return this.s.mails.all(email);
  }

  logins(userId: number) {
    return this.s.logins.all(userId, userId);
  }

  openConcerns(userId: number) {
    return this.s.openConcerns.all(userId);
  }

  closedConcernIds(userId: number): number[] {
    return this.s.closedConcernIds.all(userId);
  }

  commentCount(userId: number): number {
    return this.s.commentCount.get(userId) ?? 0;
  }

  /**
   * The person's own rows, emptied: call inside the erase transaction, after the concerns are
   * anonymised (they are found through the reporter link this does not touch).
   */
  erase(person: Pick<PersonRow, 'id' | 'email' | 'name'>, name: string, at: string): void {
    const s = this.s;
    const email = erasedEmail(person.id);
    s.eraseMails.run({ erased: email, email: person.email, at });
    for (const text of new Set([
      person.email,
      person.email.toLowerCase(),
      JSON.stringify(person.name).slice(1, -1),
    ])) {
      if (text.length >= 3) s.eraseAuditText.run({ text });
    }
    s.eraseUser.run({ id: person.id, email, name, at });
    s.removeMemberships.run(person.id, person.id);
    s.removeAssignments.run(person.id);
    s.removeRecoveryCodes.run(person.id);
    s.removeTokens.run(person.id);
    s.removeFeed.run(person.id);
    s.removeMeetingAnswers.run(person.id);
    s.eraseMeetingInvitations.run(email, person.id);
    s.eraseDeliveries.run(email, person.id);
    s.eraseComments.run(person.id);
  }
}
