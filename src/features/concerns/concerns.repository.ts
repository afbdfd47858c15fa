import type { Db } from '../../db/connection.js';
import type { ConcernStatus, Priority, Resolution } from './concern-state.js';

export type ConcernRow = {
  id: number;
  council_id: number;
  council_name: string;
  municipality_name: string;
  reporter_id: number | null;
  reporter_name: string | null;
  reporter_email: string | null;
  reporter_locale: 'da' | 'en' | null;
  reporter_notify: 0 | 1 | null;
  category_id: number;
  category_slug: string;
  category_da: string;
  category_en: string;
  suggested_department_id: number | null;
  title: string;
  description: string;
  location: string;
  occurred_at: string | null;
  status: ConcernStatus;
  priority: Priority;
  due_at: string | null;
  paused_at: string | null;
  first_response_at: string | null;
  resolution: Resolution | null;
  feedback: string | null;
  duplicate_of_id: number | null;
  shared_summary: string | null;
  shared_at: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  anonymised_at: string | null;
  /** The first addition by the reporter that no officer has opened yet (migrations/0030). */
  reporter_activity_at: string | null;
};

/** Someone a concern's news is mailed to, in their own language. */
export type MailRecipient = { id: number; name: string; email: string; locale: 'da' | 'en' };

export type EventType =
  | 'created'
  | 'status_changed'
  | 'priority_changed'
  | 'category_changed'
  | 'public_reply'
  | 'internal_note'
  | 'reporter_info'
  | 'referral_sent'
  | 'referral_acknowledged'
  | 'referral_answered'
  | 'shared'
  | 'closed'
  | 'reopened'
  | 'merged'
  | 'duplicate_linked'
  | 'referral_withdrawn'
  | 'referral_reminded';

export type EventRow = {
  id: number;
  concern_id: number;
  at: string;
  actor_user_id: number | null;
  actor_name: string | null;
  type: EventType;
  visibility: 'public' | 'internal';
  body: string;
  data: string;
};

export type NewEvent = {
  concernId: number;
  at: string;
  actorId: number | null;
  type: EventType;
  visibility: 'public' | 'internal';
  body?: string;
  data?: Record<string, unknown>;
};

export type PhotoRow = {
  id: number;
  concern_id: number;
  file_name: string;
  content_type: 'image/jpeg' | 'image/png';
  size_bytes: number;
  created_at: string;
};

export type CategoryOption = {
  id: number;
  slug: string;
  label_da: string;
  label_en: string;
  suggested_department_id: number | null;
};

const CONCERN_SELECT = `
  SELECT c.*, co.name AS council_name, m.name AS municipality_name,
         u.name AS reporter_name, u.email AS reporter_email, u.locale AS reporter_locale,
         u.notify_concern_updates AS reporter_notify,
         cat.slug AS category_slug, cat.label_da AS category_da, cat.label_en AS category_en,
         cat.suggested_department_id
    FROM concerns c
    JOIN councils co ON co.id = c.council_id
    JOIN municipalities m ON m.id = co.municipality_id
    JOIN categories cat ON cat.id = c.category_id
    LEFT JOIN users u ON u.id = c.reporter_id`;

/** All SQL about a single concern: the row, its timeline and its photos. Lists live in triage.repository.ts. */
export class ConcernsRepository {
  private readonly byId;
  private readonly insertEventStmt;
  private retentionStmts?: ReturnType<typeof prepareRetention>;

  constructor(private readonly db: Db) {
    this.byId = db.prepare<[number], ConcernRow>(`${CONCERN_SELECT} WHERE c.id = ?`);
    this.insertEventStmt = db.prepare(
      `INSERT INTO concern_events (concern_id, at, actor_user_id, type, visibility, body, data)
       VALUES (@concernId, @at, @actorId, @type, @visibility, @body, @data)`,
    );
  }

  findById(id: number): ConcernRow | undefined {
    return this.byId.get(id);
  }

  insert(c: {
    councilId: number;
    reporterId: number;
    categoryId: number;
    title: string;
    description: string;
    location: string;
    occurredAt: string | null;
    priority: Priority;
    dueAt: string;
    now: string;
  }): number {
    const result = this.db
      .prepare(
        `INSERT INTO concerns (council_id, reporter_id, category_id, title, description, location, occurred_at,
                               priority, due_at, created_at, updated_at)
         VALUES (@councilId, @reporterId, @categoryId, @title, @description, @location, @occurredAt,
                 @priority, @dueAt, @now, @now)`,
      )
      .run(c);
    return Number(result.lastInsertRowid);
  }

  /** Updates the given columns (names are fixed by the caller, never user input) and updated_at. */
  update(
    id: number,
    fields: Partial<
      Record<
        | 'status'
        | 'priority'
        | 'category_id'
        | 'due_at'
        | 'paused_at'
        | 'first_response_at'
        | 'resolution'
        | 'feedback'
        | 'duplicate_of_id'
        | 'shared_summary'
        | 'shared_at'
        | 'closed_at',
        string | number | null
      >
    >,
    now: string,
  ): void {
    const columns = Object.keys(fields);
    if (columns.length === 0) return;
    const sets = columns.map((c) => `${c} = @${c}`).join(', ');
    this.db
      .prepare(`UPDATE concerns SET ${sets}, updated_at = @now WHERE id = @id`)
      .run({ ...fields, now, id });
  }

  /** The reporter added something: news for the officers until one of them opens the concern. */
  markReporterActivity(id: number, at: string): void {
    this.db
      .prepare(
        'UPDATE concerns SET reporter_activity_at = coalesce(reporter_activity_at, @at), updated_at = @at WHERE id = @id',
      )
      .run({ id, at });
  }

  /** An officer opened the concern: the reporter's additions are seen (not a change: updated_at stays). */
  clearReporterActivity(id: number): void {
    this.db
      .prepare(
        'UPDATE concerns SET reporter_activity_at = NULL WHERE id = ? AND reporter_activity_at IS NOT NULL',
      )
      .run(id);
  }

  /** The council's active officers who want to hear of a reporter's additions. */
  officersToTellOfAdditions(councilId: number): MailRecipient[] {
    return this.db
      .prepare<[number], MailRecipient>(
        `SELECT u.id, u.name, u.email, u.locale
           FROM officer_assignments a JOIN users u ON u.id = a.officer_id
          WHERE a.council_id = ? AND u.is_officer = 1 AND u.status = 'active' AND u.notify_concern_additions = 1
          ORDER BY u.id`,
      )
      .all(councilId);
  }

  /**
   * The council's network that wants shared summaries: active members with an account, except the
   * reporter (whose own mail about the sharing is the reporter's mail).
   */
  networkToTellOfSummary(councilId: number, reporterId: number | null): MailRecipient[] {
    return this.db
      .prepare<[number, number], MailRecipient>(
        `SELECT DISTINCT u.id, u.name, u.email, u.locale
           FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.council_id = ? AND m.active = 1 AND u.status = 'active' AND u.notify_shared_summaries = 1
            AND u.id <> ?
          ORDER BY u.id`,
      )
      .all(councilId, reporterId ?? 0);
  }

  insertEvent(e: NewEvent): number {
    return Number(
      this.insertEventStmt.run({
        concernId: e.concernId,
        at: e.at,
        actorId: e.actorId,
        type: e.type,
        visibility: e.visibility,
        body: e.body ?? '',
        data: JSON.stringify(e.data ?? {}),
      }).lastInsertRowid,
    );
  }

  /** The timeline, oldest first; internal events only when asked for. */
  events(concernId: number, includeInternal: boolean): EventRow[] {
    return this.db
      .prepare<[number], EventRow>(
        `SELECT e.*, u.name AS actor_name FROM concern_events e LEFT JOIN users u ON u.id = e.actor_user_id
          WHERE e.concern_id = ? ${includeInternal ? '' : "AND e.visibility = 'public'"}
          ORDER BY e.id`,
      )
      .all(concernId);
  }

  insertPhoto(p: {
    concernId: number;
    fileName: string;
    contentType: string;
    size: number;
    now: string;
  }): void {
    this.db
      .prepare(
        'INSERT INTO concern_photos (concern_id, file_name, content_type, size_bytes, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(p.concernId, p.fileName, p.contentType, p.size, p.now);
  }

  photos(concernId: number): PhotoRow[] {
    return this.db
      .prepare<[number], PhotoRow>('SELECT * FROM concern_photos WHERE concern_id = ? ORDER BY id')
      .all(concernId);
  }

  photoCount(concernId: number): number {
    return this.db
      .prepare<[number], number>('SELECT count(*) FROM concern_photos WHERE concern_id = ?')
      .pluck()
      .get(concernId) as number;
  }

  findPhoto(concernId: number, photoId: number): PhotoRow | undefined {
    return this.db
      .prepare<[number, number], PhotoRow>('SELECT * FROM concern_photos WHERE id = ? AND concern_id = ?')
      .get(photoId, concernId);
  }

  activeCategories(): CategoryOption[] {
    return this.db
      .prepare<[], CategoryOption>(
        'SELECT id, slug, label_da, label_en, suggested_department_id FROM categories WHERE active = 1 ORDER BY sort_order, label_da',
      )
      .all();
  }

  findActiveCategory(slug: string): CategoryOption | undefined {
    return this.db
      .prepare<[string], CategoryOption>(
        'SELECT id, slug, label_da, label_en, suggested_department_id FROM categories WHERE slug = ? AND active = 1',
      )
      .get(slug);
  }

  /** Concerns that name this one as their original (the "dublet af #N" links back). */
  duplicatesOf(concernId: number): { id: number; title: string }[] {
    return this.db
      .prepare<[number], { id: number; title: string }>(
        'SELECT id, title FROM concerns WHERE duplicate_of_id = ? ORDER BY id',
      )
      .all(concernId);
  }

  /**
   * Closed, not yet anonymised concerns closed before the cutoff, oldest first. The WHERE repeats
   * the terms of the partial index concerns_retention (migration 0018) literally; INDEXED BY pins
   * it, because without statistics the planner otherwise prefers concerns_status (status=?) plus a
   * sort over all closed concerns (and the statement fails to prepare if the index stops fitting).
   */
  dueForAnonymising(cutoff: string, limit: number): number[] {
    return this.retention().due.all(cutoff, limit);
  }

  /** The stored photo file names of a concern (to delete the files after the commit). */
  photoFileNames(concernId: number): string[] {
    return this.retention().photoFiles.all(concernId);
  }

  /**
   * Removes the texts, the place, the photo rows, the reporter (also as the author on the timeline)
   * and everything the reporter or a department wrote; council, category, dates, status,
   * resolution and staff authors stay. Call in a transaction; mails about the concern are pruned
   * by the caller (anonymise.ts).
   */
  anonymise(concernId: number, at: string): void {
    const s = this.retention();
    s.deletePhotos.run(concernId);
    // The events first: they find the reporter through the link the concern's update removes.
    s.anonymiseEvents.run({ id: concernId });
    s.anonymiseConcern.run(at, at, concernId);
    s.anonymiseReferrals.run(concernId);
  }

  private retention() {
    this.retentionStmts ??= prepareRetention(this.db);
    return this.retentionStmts;
  }
}

/** Whether an event of the concern @id was made by its reporter (read before the link goes). */
const REPORTERS_EVENT = `(type IN ('created', 'reporter_info')
  OR actor_user_id = (SELECT reporter_id FROM concerns WHERE id = @id))`;

/** The retention job's statements, prepared once per repository on first use. */
function prepareRetention(db: Db) {
  return {
    due: db
      .prepare<[string, number], number>(
        `SELECT id FROM concerns INDEXED BY concerns_retention
          WHERE status = 'closed' AND anonymised_at IS NULL AND closed_at < ?
          ORDER BY closed_at LIMIT ?`,
      )
      .pluck(),
    photoFiles: db
      .prepare<[number], string>('SELECT file_name FROM concern_photos WHERE concern_id = ?')
      .pluck(),
    deletePhotos: db.prepare<[number]>('DELETE FROM concern_photos WHERE concern_id = ?'),
    anonymiseConcern: db.prepare<[string, string, number]>(
      `UPDATE concerns SET reporter_id = NULL, title = '', description = '', location = '', occurred_at = NULL,
              feedback = NULL, shared_summary = NULL, anonymised_at = ?, updated_at = ? WHERE id = ?`,
    ),
    // An event the reporter made (logging, additions, anything else they did) loses its author and
    // is marked, so the timeline says "anonymised" there instead of naming the reporter — or, with
    // no author left, "Nærnet". Staff authors stay (docs/domain.md#retention).
    anonymiseEvents: db.prepare<{ id: number }>(
      `UPDATE concern_events
          SET body = '',
              data = CASE WHEN ${REPORTERS_EVENT} THEN json_set(data, '$.actorAnonymised', json('true')) ELSE data END,
              actor_user_id = CASE WHEN ${REPORTERS_EVENT} THEN NULL ELSE actor_user_id END
        WHERE concern_id = @id`,
    ),
    anonymiseReferrals: db.prepare<[number]>(
      `UPDATE referrals SET note = '', answer = CASE WHEN answer IS NULL THEN NULL ELSE '' END WHERE concern_id = ?`,
    ),
  };
}
