import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/connection.js';
import { type ConcernStatus, overdueSql, type Priority } from '../concerns/concern-state.js';

/**
 * The lists of concerns: the officer's queue, the staff search, a reporter's own concerns and the
 * summaries shared with a council's network, plus the counts. Single concerns live in
 * src/features/concerns/concerns.repository.ts.
 *
 * Filters are fixed SQL fragments chosen by the caller; every value is a bound parameter. Council
 * lists are bound as one JSON array (json_each), so each combination of filters is one cached
 * statement however many councils an officer covers.
 */

export type ListFilter = {
  /** null = every council (a district admin without a council filter). */
  councilIds: number[] | null;
  /** null = every status. */
  statuses: ConcernStatus[] | null;
  categorySlug: string | null;
  priority: Priority | null;
  /** Concerns with a referral to this department. */
  departmentId: number | null;
  /** Concerns with a referral still waiting for its department (sent or acknowledged). */
  awaitingDepartment: boolean;
  overdueOnly: boolean;
  /** A prepared FTS5 MATCH expression (see fts-query.ts), never raw user input. */
  match: string | null;
};

export type ListOrder = 'queue' | 'newest';

export type QueueRow = {
  id: number;
  title: string;
  council_id: number;
  council_name: string;
  category_da: string;
  category_en: string;
  status: ConcernStatus;
  priority: Priority;
  due_at: string | null;
  paused_at: string | null;
  first_response_at: string | null;
  closed_at: string | null;
  created_at: string;
  awaiting_department: 0 | 1;
  unacknowledged: 0 | 1;
  /** A referral not yet answered whose mail to the department failed for good (migrations/0026). */
  referral_mail_failed: 0 | 1;
  /** The reporter added something no officer has opened yet (migrations/0030). */
  reporter_activity_at: string | null;
};

export type OwnRow = {
  id: number;
  title: string;
  council_name: string;
  category_da: string;
  category_en: string;
  status: ConcernStatus;
  created_at: string;
  /** The last change the reporter may see (public timeline), not internal activity. */
  last_public_at: string;
};

export type SharedRow = {
  id: number;
  council_name: string;
  category_da: string;
  category_en: string;
  shared_summary: string;
  shared_at: string;
};

export type CategoryCount = { slug: string; label_da: string; label_en: string; n: number };

/** isOverdue of concerns/concern-state.ts in SQL; every query that uses it binds @now. */
const OVERDUE_SQL = overdueSql('c', '@now');

const ORDER_SQL: Record<ListOrder, string> = {
  // Overdue first, then new, then the nearest due date, then the oldest.
  queue: `coalesce(${OVERDUE_SQL}, 0) DESC, (c.status = 'new') DESC, c.due_at IS NULL, c.due_at, c.id`,
  newest: 'c.id DESC',
};

export class TriageRepository {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

  private prepared(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  /**
   * The WHERE clause of a list: `required` first (a condition of the list itself), then the filter's.
   * A reporter's own list uses only the status and search filters of the staff lists.
   */
  private where(
    f: Partial<ListFilter>,
    now?: string,
    required: string[] = [],
  ): { sql: string; params: Record<string, unknown> } {
    const conditions = [...required];
    const params: Record<string, unknown> = {};
    if (f.councilIds) {
      conditions.push('c.council_id IN (SELECT value FROM json_each(@councils))');
      params.councils = JSON.stringify(f.councilIds);
    }
    if (f.statuses) {
      conditions.push('c.status IN (SELECT value FROM json_each(@statuses))');
      params.statuses = JSON.stringify(f.statuses);
    }
    if (f.categorySlug) {
      conditions.push('c.category_id = (SELECT id FROM categories WHERE slug = @category)');
      params.category = f.categorySlug;
    }
    if (f.priority) {
      conditions.push('c.priority = @priority');
      params.priority = f.priority;
    }
    if (f.departmentId) {
      conditions.push('c.id IN (SELECT r.concern_id FROM referrals r WHERE r.department_id = @department)');
      params.department = f.departmentId;
    }
    if (f.awaitingDepartment) {
      conditions.push(
        `EXISTS (SELECT 1 FROM referrals r WHERE r.concern_id = c.id AND r.status IN ('sent', 'acknowledged'))`,
      );
    }
    if (f.overdueOnly) {
      conditions.push(OVERDUE_SQL);
      params.now = now;
    }
    if (f.match) {
      conditions.push('c.id IN (SELECT rowid FROM concerns_fts WHERE concerns_fts MATCH @match)');
      params.match = f.match;
    }
    return { sql: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
  }

  /**
   * One page of concerns; one row more than asked for tells the caller there is a next page. The
   * inner query sorts only ids by their sort keys; names and referral flags are looked up for the
   * page's rows alone, which are then put in the same order again. CROSS JOIN keeps the page as
   * the outer loop (SQLite does not reorder it), so the concerns table is only probed by id.
   */
  list(
    f: ListFilter,
    order: ListOrder,
    page: { limit: number; offset: number },
    now: string,
    ackBefore: string,
  ): QueueRow[] {
    const where = this.where(f, now);
    const sql = `
      WITH page AS (
        SELECT c.id FROM concerns c ${where.sql}
         ORDER BY ${ORDER_SQL[order]} LIMIT @limit OFFSET @offset
      )
      SELECT c.id, c.title, c.council_id, co.name AS council_name,
             cat.label_da AS category_da, cat.label_en AS category_en,
             c.status, c.priority, c.due_at, c.paused_at, c.first_response_at, c.closed_at, c.created_at,
             c.reporter_activity_at,
             EXISTS (SELECT 1 FROM referrals r WHERE r.concern_id = c.id
                        AND r.status IN ('sent', 'acknowledged')) AS awaiting_department,
             EXISTS (SELECT 1 FROM referrals r WHERE r.concern_id = c.id
                        AND r.status = 'sent' AND r.created_at < @ackBefore) AS unacknowledged,
             EXISTS (SELECT 1 FROM referrals r JOIN outbox o ON o.id = r.outbox_id
                      WHERE r.concern_id = c.id AND r.status IN ('sent', 'acknowledged')
                        AND o.status = 'failed') AS referral_mail_failed
        FROM page
        CROSS JOIN concerns c ON c.id = page.id
        JOIN councils co ON co.id = c.council_id
        JOIN categories cat ON cat.id = c.category_id
       ORDER BY ${ORDER_SQL[order]}`;
    return this.prepared(sql).all({
      ...where.params,
      now,
      ackBefore,
      limit: page.limit,
      offset: page.offset,
    }) as QueueRow[];
  }

  /** Concerns per status (and how many are overdue) in the given councils. */
  statusCounts(councilIds: number[] | null, now: string): Record<ConcernStatus | 'overdue', number> {
    const where = councilIds ? 'WHERE c.council_id IN (SELECT value FROM json_each(@councils))' : '';
    const params = councilIds ? { councils: JSON.stringify(councilIds) } : {};
    const counts = { new: 0, in_progress: 0, awaiting_department: 0, closed: 0, overdue: 0 };
    // concern_counts is kept by triggers (migrations/0008): one row per council and status.
    const rows = this.prepared(
      `SELECT c.status, sum(c.n) AS n FROM concern_counts c ${where} GROUP BY c.status`,
    ).all(params) as { status: ConcernStatus; n: number }[];
    for (const r of rows) counts[r.status] = r.n;
    // Overdue concerns come from the partial index concerns_unanswered, not from every row.
    counts.overdue = this.prepared(
      `SELECT count(*) FROM concerns c ${where ? `${where} AND` : 'WHERE'} ${OVERDUE_SQL}`,
    )
      .pluck()
      .get({ ...params, now }) as number;
    return counts;
  }

  /** A council's concerns per category (aggregates only, for its council admins). */
  categoryCounts(councilId: number): CategoryCount[] {
    return this.prepared(
      `SELECT cat.slug, cat.label_da, cat.label_en, count(*) AS n
         FROM concerns c JOIN categories cat ON cat.id = c.category_id
        WHERE c.council_id = ?
        GROUP BY cat.id ORDER BY cat.sort_order, cat.label_da`,
    ).all(councilId) as CategoryCount[];
  }

  /** The concerns a person logged themselves, newest first, optionally searched and by status. */
  ownConcerns(
    reporterId: number,
    f: { statuses: ConcernStatus[] | null; match: string | null },
    page: { limit: number; offset: number },
  ): OwnRow[] {
    const where = this.where(f, undefined, ['c.reporter_id = @reporter']);
    return this.prepared(
      `SELECT c.id, c.title, co.name AS council_name, cat.label_da AS category_da,
              cat.label_en AS category_en, c.status, c.created_at,
              coalesce((SELECT max(e.at) FROM concern_events e
                         WHERE e.concern_id = c.id AND e.visibility = 'public'), c.created_at) AS last_public_at
         FROM concerns c
         JOIN councils co ON co.id = c.council_id
         JOIN categories cat ON cat.id = c.category_id
        ${where.sql}
        ORDER BY c.created_at DESC, c.id DESC
        LIMIT @limit OFFSET @offset`,
    ).all({ ...where.params, reporter: reporterId, ...page }) as OwnRow[];
  }

  /** Summaries an officer shared with these councils' networks, newest first (never the original text). */
  sharedSummaries(councilIds: number[], page: { limit: number; offset: number }): SharedRow[] {
    if (councilIds.length === 0) return [];
    return this.prepared(
      `SELECT c.id, co.name AS council_name, cat.label_da AS category_da, cat.label_en AS category_en,
              c.shared_summary, c.shared_at
         FROM concerns c
         JOIN councils co ON co.id = c.council_id
         JOIN categories cat ON cat.id = c.category_id
        WHERE c.council_id IN (SELECT value FROM json_each(@councils)) AND c.shared_summary IS NOT NULL
        ORDER BY c.shared_at DESC, c.id DESC
        LIMIT @limit OFFSET @offset`,
    ).all({ councils: JSON.stringify(councilIds), ...page }) as SharedRow[];
  }

  councilsByIds(ids: number[] | null): { id: number; name: string }[] {
    if (ids === null) {
      return this.prepared('SELECT id, name FROM councils WHERE active = 1 ORDER BY name').all() as {
        id: number;
        name: string;
      }[];
    }
    return this.prepared(
      'SELECT id, name FROM councils WHERE id IN (SELECT value FROM json_each(?)) ORDER BY name',
    ).all(JSON.stringify(ids)) as { id: number; name: string }[];
  }

  categories(): { slug: string; label_da: string; label_en: string }[] {
    return this.prepared(
      'SELECT slug, label_da, label_en FROM categories ORDER BY sort_order, label_da',
    ).all() as {
      slug: string;
      label_da: string;
      label_en: string;
    }[];
  }

  departments(): { id: number; name: string }[] {
    return this.prepared('SELECT id, name FROM departments ORDER BY name').all() as {
      id: number;
      name: string;
    }[];
  }
}
