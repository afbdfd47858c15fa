import type { Db } from '../../db/connection.js';
import type { MeetingKind } from './meetings.policy.js';

export type MeetingResponse = 'yes' | 'no' | 'maybe';

export type MeetingRow = {
  id: number;
  kind: MeetingKind;
  title: string;
  starts_at: string;
  ends_at: string;
  location: string;
  agenda_markdown: string;
  agenda_html: string;
  capacity: number | null;
  status: 'planned' | 'cancelled';
  /** Why it was cancelled (null while planned, and for meetings cancelled before migration 0028). */
  cancel_reason: string | null;
  cancelled_at: string | null;
  sequence: number;
  organiser_id: number | null;
  organiser_name: string | null;
  minutes_markdown: string | null;
  minutes_html: string | null;
  attendance: number | null;
  minutes_published_at: string | null;
  reminder_sent_at: string | null;
  created_at: string;
  updated_at: string;
};

export type MeetingCouncil = { id: number; name: string; municipality_id: number; municipality_name: string };

export type MeetingListRow = MeetingRow & { council_names: string; my_response: MeetingResponse | null };

export type CouncilOption = { id: number; name: string; municipality_id: number; municipality_name: string };

export type Recipient = { id: number; email: string; name: string; locale: 'da' | 'en' };

/**
 * Someone who was sent the meeting's invitation, as their account is now: `email` is the account's
 * current address (what mail uses). `member`: still an active person with an active membership of
 * one of the meeting's active councils. `declined`: answered "no".
 */
export type Invitee = Recipient & {
  notify_meetings: 0 | 1;
  member: 0 | 1;
  declined: 0 | 1;
};

export type ResponseRow = { user_id: number; name: string; response: MeetingResponse; updated_at: string };

export type MeetingFields = {
  kind: MeetingKind;
  title: string;
  startsAt: string;
  endsAt: string;
  location: string;
  agendaMarkdown: string;
  agendaHtml: string;
  capacity: number | null;
};

/** What linking needs to know about a concern. */
export type LinkableConcern = { id: number; council_id: number; status: string; title: string };

/** A concern linked to an agenda item, with what each kind of viewer may be shown. */
export type ConcernLinkRow = {
  id: number;
  concern_id: number;
  agenda_item: string;
  concern_title: string;
  concern_status: string;
  council_id: number;
  reporter_id: number | null;
  shared_summary: string | null;
};

/** A meeting a concern was linked to, for the concern's case page. */
export type ConcernMeetingRow = {
  id: number;
  meeting_id: number;
  agenda_item: string;
  kind: MeetingKind;
  title: string;
  starts_at: string;
  status: 'planned' | 'cancelled';
  minutes_published_at: string | null;
};

/** Who sees which meetings in lists: [] for district admins means "all" (see `listFor`). */
export type ListScope = { all: boolean; councilIds: number[]; userId: number };

const SELECT_MEETING = `SELECT m.*, u.name AS organiser_name FROM meetings m LEFT JOIN users u ON u.id = m.organiser_id`;

/** All SQL about meetings, answers and calendar feeds. */
export class MeetingsRepository {
  constructor(private readonly db: Db) {}

  activeCouncils(): CouncilOption[] {
    return this.db
      .prepare<[], CouncilOption>(
        `SELECT c.id, c.name, c.municipality_id, mu.name AS municipality_name
           FROM councils c JOIN municipalities mu ON mu.id = c.municipality_id
          WHERE c.active = 1 ORDER BY mu.name, c.name`,
      )
      .all();
  }

  insert(fields: MeetingFields, councilIds: number[], organiserId: number, now: string): number {
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO meetings (kind, title, starts_at, ends_at, location, agenda_markdown, agenda_html, capacity,
                                 organiser_id, created_at, updated_at)
           VALUES (@kind, @title, @startsAt, @endsAt, @location, @agendaMarkdown, @agendaHtml, @capacity,
                   @organiserId, @now, @now)`,
        )
        .run({ ...fields, organiserId, now }).lastInsertRowid,
    );
    this.setCouncils(id, councilIds);
    return id;
  }

  private setCouncils(meetingId: number, councilIds: number[]): void {
    this.db.prepare('DELETE FROM meeting_councils WHERE meeting_id = ?').run(meetingId);
    const insert = this.db.prepare('INSERT INTO meeting_councils (meeting_id, council_id) VALUES (?, ?)');
    for (const councilId of new Set(councilIds)) insert.run(meetingId, councilId);
  }

  /** A changed time clears the reminder marker, so the reminder follows the new date. */
  update(
    id: number,
    fields: MeetingFields,
    councilIds: number[],
    options: { bumpSequence: boolean; resetReminder: boolean },
    now: string,
  ): void {
    this.db
      .prepare(
        `UPDATE meetings SET kind = @kind, title = @title, starts_at = @startsAt, ends_at = @endsAt,
                location = @location, agenda_markdown = @agendaMarkdown, agenda_html = @agendaHtml,
                capacity = @capacity, sequence = sequence + @bump,
                reminder_sent_at = CASE WHEN @resetReminder = 1 THEN NULL ELSE reminder_sent_at END,
                updated_at = @now
          WHERE id = @id`,
      )
      .run({
        ...fields,
        id,
        bump: options.bumpSequence ? 1 : 0,
        resetReminder: options.resetReminder ? 1 : 0,
        now,
      });
    this.setCouncils(id, councilIds);
  }

  /** False when it was already cancelled. */
  cancel(id: number, reason: string, now: string): boolean {
    return (
      this.db
        .prepare(
          `UPDATE meetings SET status = 'cancelled', cancel_reason = @reason, cancelled_at = @now,
                  sequence = sequence + 1, updated_at = @now
            WHERE id = @id AND status = 'planned'`,
        )
        .run({ id, reason, now }).changes === 1
    );
  }

  saveMinutes(id: number, markdown: string, html: string, attendance: number | null, now: string): void {
    this.db
      .prepare(
        `UPDATE meetings SET minutes_markdown = ?, minutes_html = ?, attendance = ?, updated_at = ?,
                minutes_published_at = COALESCE(minutes_published_at, ?)
          WHERE id = ?`,
      )
      .run(markdown, html, attendance, now, now, id);
  }

  findById(id: number): MeetingRow | undefined {
    return this.db.prepare<[number], MeetingRow>(`${SELECT_MEETING} WHERE m.id = ?`).get(id);
  }

  councilsOf(meetingId: number): MeetingCouncil[] {
    return this.db
      .prepare<[number], MeetingCouncil>(
        `SELECT c.id, c.name, c.municipality_id, mu.name AS municipality_name
           FROM meeting_councils mc JOIN councils c ON c.id = mc.council_id
           JOIN municipalities mu ON mu.id = c.municipality_id
          WHERE mc.meeting_id = ? ORDER BY mu.name, c.name`,
      )
      .all(meetingId);
  }

  /**
   * Meetings of the given councils (all meetings when `scope.all`), upcoming (not yet ended,
   * soonest first, cancelled ones included so nobody comes in vain) or past (latest first, only
   * those that were held), with the person's own answer.
   */
  listFor(scope: ListScope, when: 'upcoming' | 'past', now: string, limit: number): MeetingListRow[] {
    const order = when === 'upcoming' ? 'm.starts_at ASC' : 'm.starts_at DESC';
    const timeFilter =
      when === 'upcoming' ? 'm.ends_at > @now' : `m.ends_at <= @now AND m.status = 'planned'`;
    return this.db
      .prepare<Record<string, unknown>, MeetingListRow>(
        `SELECT m.*, u.name AS organiser_name, r.response AS my_response,
                (SELECT group_concat(c.name, ', ') FROM meeting_councils mc JOIN councils c ON c.id = mc.council_id
                  WHERE mc.meeting_id = m.id) AS council_names
           FROM meetings m
           LEFT JOIN users u ON u.id = m.organiser_id
           LEFT JOIN meeting_responses r ON r.meeting_id = m.id AND r.user_id = @userId
          WHERE ${timeFilter}
            AND (@all = 1 OR EXISTS (SELECT 1 FROM meeting_councils mc WHERE mc.meeting_id = m.id
                                       AND mc.council_id IN (SELECT value FROM json_each(@councils))))
          ORDER BY ${order}, m.id LIMIT @limit`,
      )
      .all({
        userId: scope.userId,
        all: scope.all ? 1 : 0,
        councils: JSON.stringify(scope.councilIds),
        now,
        limit,
      });
  }

  /**
   * Citizen meetings that have not ended, one row per council, for the public page — cancelled ones
   * too, so a citizen who planned to come reads that it is cancelled.
   */
  upcomingPublic(now: string): (MeetingRow & { council_name: string; municipality_name: string })[] {
    return this.db
      .prepare<[string], MeetingRow & { council_name: string; municipality_name: string }>(
        `SELECT m.*, NULL AS organiser_name, c.name AS council_name, mu.name AS municipality_name
           FROM meetings m JOIN meeting_councils mc ON mc.meeting_id = m.id
           JOIN councils c ON c.id = mc.council_id JOIN municipalities mu ON mu.id = c.municipality_id
          WHERE m.kind = 'borgermoede' AND m.ends_at > ?
          ORDER BY mu.name, c.name, m.starts_at, m.id`,
      )
      .all(now);
  }

  /**
   * Active people in the meeting's active councils who want meeting mail, once each: who gets the
   * invitation (and the minutes). Updates, cancellations and reminders go to `invitees` instead.
   */
  recipients(meetingId: number): Recipient[] {
    return this.db
      .prepare<[number], Recipient>(
        `SELECT DISTINCT u.id, u.email, u.name, u.locale
           FROM meeting_councils mc
           JOIN memberships ms ON ms.council_id = mc.council_id AND ms.active = 1
           JOIN councils c ON c.id = mc.council_id AND c.active = 1
           JOIN users u ON u.id = ms.user_id AND u.status = 'active' AND u.notify_meetings = 1
          WHERE mc.meeting_id = ?
          ORDER BY u.id`,
      )
      .all(meetingId);
  }

  /** Everyone recorded as invited to the meeting (see `Invitee`), ordered by user id. */
  invitees(meetingId: number): Invitee[] {
    return this.db
      .prepare<{ meetingId: number }, Invitee>(
        `SELECT u.id, u.email, u.name, u.locale, u.notify_meetings,
                (u.status = 'active' AND EXISTS (
                   SELECT 1 FROM meeting_councils mc
                     JOIN councils c ON c.id = mc.council_id AND c.active = 1
                     JOIN memberships ms ON ms.council_id = mc.council_id AND ms.active = 1
                    WHERE mc.meeting_id = i.meeting_id AND ms.user_id = u.id)) AS member,
                EXISTS (SELECT 1 FROM meeting_responses r
                         WHERE r.meeting_id = i.meeting_id AND r.user_id = u.id AND r.response = 'no') AS declined
           FROM meeting_invitees i JOIN users u ON u.id = i.user_id
          WHERE i.meeting_id = @meetingId
          ORDER BY u.id`,
      )
      .all({ meetingId });
  }

  /** Records that these people were sent the invitation (call in the transaction that queues it). */
  addInvitees(meetingId: number, people: Pick<Recipient, 'id' | 'email'>[], now: string): void {
    const insert = this.db.prepare(
      `INSERT INTO meeting_invitees (meeting_id, user_id, email, invited_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (meeting_id, user_id) DO NOTHING`,
    );
    for (const p of people) insert.run(meetingId, p.id, p.email, now);
  }

  /** Forgets invitees who have been sent a METHOD:CANCEL because they are no longer part of it. */
  removeInvitees(meetingId: number, userIds: number[]): void {
    const remove = this.db.prepare('DELETE FROM meeting_invitees WHERE meeting_id = ? AND user_id = ?');
    for (const id of userIds) remove.run(meetingId, id);
  }

  responses(meetingId: number): ResponseRow[] {
    return this.db
      .prepare<[number], ResponseRow>(
        `SELECT r.user_id, u.name, r.response, r.updated_at FROM meeting_responses r JOIN users u ON u.id = r.user_id
          WHERE r.meeting_id = ? ORDER BY r.response, u.name`,
      )
      .all(meetingId);
  }

  responseOf(meetingId: number, userId: number): MeetingResponse | null {
    const value = this.db
      .prepare<[number, number], MeetingResponse>(
        'SELECT response FROM meeting_responses WHERE meeting_id = ? AND user_id = ?',
      )
      .pluck()
      .get(meetingId, userId);
    return value ?? null;
  }

  countYes(meetingId: number): number {
    return this.db
      .prepare<[number], number>(
        `SELECT count(*) FROM meeting_responses WHERE meeting_id = ? AND response = 'yes'`,
      )
      .pluck()
      .get(meetingId) as number;
  }

  setResponse(meetingId: number, userId: number, response: MeetingResponse, now: string): void {
    this.db
      .prepare(
        `INSERT INTO meeting_responses (meeting_id, user_id, response, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (meeting_id, user_id) DO UPDATE SET response = excluded.response, updated_at = excluded.updated_at`,
      )
      .run(meetingId, userId, response, now);
  }

  /** Planned meetings starting within the window whose reminder has not gone out. */
  dueForReminder(now: string, until: string, limit: number): MeetingRow[] {
    return this.db
      .prepare<[string, string, number], MeetingRow>(
        `${SELECT_MEETING} WHERE m.status = 'planned' AND m.reminder_sent_at IS NULL
            AND m.starts_at > ? AND m.starts_at <= ? ORDER BY m.starts_at LIMIT ?`,
      )
      .all(now, until, limit);
  }

  /** Claims the reminder; false when another run already did. */
  markReminderSent(id: number, now: string): boolean {
    return (
      this.db
        .prepare('UPDATE meetings SET reminder_sent_at = ? WHERE id = ? AND reminder_sent_at IS NULL')
        .run(now, id).changes === 1
    );
  }

  // ---------------------------------------------------------------- personal calendar feeds

  feedCreatedAt(userId: number): string | null {
    return (
      this.db
        .prepare<[number], string>('SELECT created_at FROM meeting_feeds WHERE user_id = ?')
        .pluck()
        .get(userId) ?? null
    );
  }

  replaceFeed(userId: number, tokenHash: string, now: string): void {
    this.db
      .prepare(
        `INSERT INTO meeting_feeds (user_id, token_hash, created_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
      )
      .run(userId, tokenHash, now);
  }

  revokeFeed(userId: number): void {
    this.db.prepare('DELETE FROM meeting_feeds WHERE user_id = ?').run(userId);
  }

  feedOwner(tokenHash: string): number | undefined {
    return this.db
      .prepare<[string], number>('SELECT user_id FROM meeting_feeds WHERE token_hash = ?')
      .pluck()
      .get(tokenHash);
  }

  // ---------------------------------------------------------------- concerns on the agenda

  /** Open concerns of the given councils for the link form, newest first. */
  openConcernsOf(councilIds: number[], limit: number): (LinkableConcern & { council_name: string })[] {
    if (councilIds.length === 0) return [];
    return this.db
      .prepare<[string, number], LinkableConcern & { council_name: string }>(
        `SELECT c.id, c.council_id, c.status, c.title, co.name AS council_name
           FROM concerns c JOIN councils co ON co.id = c.council_id
          WHERE c.council_id IN (SELECT value FROM json_each(?)) AND c.status <> 'closed'
          ORDER BY c.id DESC LIMIT ?`,
      )
      .all(JSON.stringify(councilIds), limit);
  }

  concernForLink(concernId: number): LinkableConcern | undefined {
    return this.db
      .prepare<[number], LinkableConcern>('SELECT id, council_id, status, title FROM concerns WHERE id = ?')
      .get(concernId);
  }

  isConcernLinked(meetingId: number, concernId: number): boolean {
    return (
      this.db
        .prepare<[number, number], number>(
          'SELECT 1 FROM meeting_concerns WHERE meeting_id = ? AND concern_id = ?',
        )
        .pluck()
        .get(meetingId, concernId) !== undefined
    );
  }

  insertConcernLink(
    meetingId: number,
    concernId: number,
    agendaItem: string,
    userId: number,
    now: string,
  ): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO meeting_concerns (meeting_id, concern_id, agenda_item, linked_by, created_at)
           VALUES (?, ?, ?, ?, ?)`,
        )
        .run(meetingId, concernId, agendaItem, userId, now).lastInsertRowid,
    );
  }

  /** The link's row of this meeting, or undefined. */
  concernLink(
    meetingId: number,
    linkId: number,
  ): { id: number; concern_id: number; council_id: number } | undefined {
    return this.db
      .prepare<[number, number], { id: number; concern_id: number; council_id: number }>(
        `SELECT mc.id, mc.concern_id, c.council_id
           FROM meeting_concerns mc JOIN concerns c ON c.id = mc.concern_id
          WHERE mc.meeting_id = ? AND mc.id = ?`,
      )
      .get(meetingId, linkId);
  }

  deleteConcernLink(linkId: number): void {
    this.db.prepare('DELETE FROM meeting_concerns WHERE id = ?').run(linkId);
  }

  concernLinksOf(meetingId: number): ConcernLinkRow[] {
    return this.db
      .prepare<[number], ConcernLinkRow>(
        `SELECT mc.id, mc.concern_id, mc.agenda_item, c.title AS concern_title, c.status AS concern_status,
                c.council_id, c.reporter_id, c.shared_summary
           FROM meeting_concerns mc JOIN concerns c ON c.id = mc.concern_id
          WHERE mc.meeting_id = ? ORDER BY mc.agenda_item COLLATE NOCASE, mc.id`,
      )
      .all(meetingId);
  }

  /** The councils of the concerns linked to a meeting (an edit may not drop them). */
  linkedCouncilIds(meetingId: number): number[] {
    return this.db
      .prepare<[number], number>(
        `SELECT DISTINCT c.council_id FROM meeting_concerns mc JOIN concerns c ON c.id = mc.concern_id
          WHERE mc.meeting_id = ?`,
      )
      .pluck()
      .all(meetingId);
  }

  meetingsOfConcern(concernId: number): ConcernMeetingRow[] {
    return this.db
      .prepare<[number], ConcernMeetingRow>(
        `SELECT mc.id, mc.meeting_id, mc.agenda_item, m.kind, m.title, m.starts_at, m.status, m.minutes_published_at
           FROM meeting_concerns mc JOIN meetings m ON m.id = mc.meeting_id
          WHERE mc.concern_id = ? ORDER BY m.starts_at DESC, mc.id`,
      )
      .all(concernId);
  }
}
