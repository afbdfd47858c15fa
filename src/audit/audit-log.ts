import type { Db } from '../db/connection.js';
import { AUDIT_ACTIONS, type AuditAction } from './audit-actions.js';
import type { AuditDetails, OnlyAuditDetails } from './audit-details.js';

/**
 * Where a request came from, handed by a route to the service it calls (`contextOf(req)` in
 * src/web/guards.ts). The address goes into the audit log and nowhere else.
 */
export type RequestContext = { ip?: string };

/** Who acted: a signed-in person, or null for the system and for people without an account. */
export type AuditActor = { id: number } | null;

export type AuditRow = {
  id: number;
  at: string;
  actor_user_id: number | null;
  actor_name: string | null;
  action: string;
  entity_type: string;
  entity_id: number | null;
  details: string;
  ip: string | null;
  /** How many reads this line stands for (see COLLAPSED_READS); 1 for everything else. */
  repeat_count: number;
  /** The time of the last of them; null while there was only one. */
  last_at: string | null;
};

export type AuditFilter = {
  entityType?: string;
  entityId?: number;
  actorUserId?: number;
  action?: string;
  /** UTC instants: lines at or after `fromIso` and before `toIso`. */
  fromIso?: string;
  toIso?: string;
  /** Keyset: the older lines after the page that ended with this id. */
  beforeId?: number;
  /** Keyset: the newer lines before the page that started with this id. */
  afterId?: number;
  limit: number;
};

/**
 * An officer working a case reloads it, opens its photos, goes back to the queue and in again:
 * each is a read, but fifty lines a minute about the same thing hide what a reader of the log
 * looks for. So a read that repeats an earlier line — same person, action, thing, details and
 * address — within this many minutes of that line's first read counts on that line (repeat_count,
 * last_at) instead of adding one. The window is fixed from the first read, not sliding, so a day
 * of work still shows as a line per ten minutes with its times.
 */
export const COLLAPSE_MINUTES = 10;

/** Pure reads, the only lines that collapse. Changes, sign-ins and exports are never collapsed. */
export const COLLAPSED_READS: ReadonlySet<AuditAction> = new Set<AuditAction>([
  'concern.viewed',
  'concern.photo_viewed',
  'concern.searched',
  'concern.listed',
]);

/**
 * Who did what to which thing, when. A line is never rewritten, except that a repeated read raises
 * the count and last time of the line it repeats; lines are deleted only by the retention job,
 * once older than audit_retention_months (pruneBefore).
 */
export class AuditLog {
  private readonly insert;
  private readonly repeat;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {
    this.insert = db.prepare(
      `INSERT INTO audit_log (at, actor_user_id, action, entity_type, entity_id, details, ip)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    // Found through audit_log_actor (actor_user_id, at): only this person's last minutes are read.
    this.repeat = db.prepare<{
      at: string;
      since: string;
      actor: number;
      action: string;
      entityId: number | null;
      details: string;
      ip: string | null;
    }>(
      `UPDATE audit_log SET repeat_count = repeat_count + 1, last_at = @at
        WHERE id = (SELECT id FROM audit_log
                     WHERE actor_user_id = @actor AND at >= @since AND action = @action
                       AND entity_id IS @entityId AND details = @details AND ip IS @ip
                     ORDER BY id DESC LIMIT 1)`,
    );
  }

  /**
   * One line: `actor` did `action` to the thing `entityId` (its kind follows from the action, see
   * audit-actions.ts), from `ctx`, with `details` for the reader of /admin/audit (keys and how
   * they are shown: audit-details.ts). Call it inside the transaction of the change, so a
   * rolled-back change leaves no line. A read repeated within COLLAPSE_MINUTES is counted on the
   * line it repeats.
   */
  record<D extends AuditDetails = AuditDetails>(
    actor: AuditActor,
    action: AuditAction,
    entityId: number | null,
    ctx: RequestContext = {},
    details?: OnlyAuditDetails<D>,
  ): void {
    const now = this.now();
    const at = now.toISOString();
    const json = JSON.stringify(details ?? {});
    const ip = ctx.ip ?? null;
    if (actor && COLLAPSED_READS.has(action)) {
      const since = new Date(now.getTime() - COLLAPSE_MINUTES * 60_000).toISOString();
      const counted = this.repeat.run({ at, since, actor: actor.id, action, entityId, details: json, ip });
      if (counted.changes > 0) return;
    }
    this.insert.run(at, actor?.id ?? null, action, AUDIT_ACTIONS[action], entityId, json, ip);
  }

  /**
   * Deletes up to `limit` of the oldest lines written before `cutoff`; returns how many. Lines are
   * appended in time order, so the oldest `limit` ids are read and deleted up to the first that is
   * not yet due: a few ids, never a scan of the log (a line whose clock ran behind waits its turn).
   */
  pruneBefore(cutoff: string, limit: number): number {
    const oldest = this.db
      .prepare<[number], { id: number; at: string }>('SELECT id, at FROM audit_log ORDER BY id LIMIT ?')
      .iterate(limit);
    let last: number | undefined;
    for (const line of oldest) {
      if (line.at >= cutoff) break;
      last = line.id;
    }
    if (last === undefined) return 0;
    return this.db.prepare<[number]>('DELETE FROM audit_log WHERE id <= ?').run(last).changes;
  }

  /**
   * An anonymised concern's lines stop naming its reporter: the lines stay (what happened, when),
   * but who did it and from where are forgotten for the lines the reporter made about it
   * (docs/domain.md#retention). Found through the entity index, never a scan.
   */
  forgetActorOn(entityType: string, entityId: number, actorUserId: number): number {
    return this.db
      .prepare<[string, number, number]>(
        'UPDATE audit_log SET actor_user_id = NULL, ip = NULL WHERE entity_type = ? AND entity_id = ? AND actor_user_id = ?',
      )
      .run(entityType, entityId, actorUserId).changes;
  }

  /**
   * Newest first, filtered, one page at a time (keyset on id: `beforeId` for the next page,
   * `afterId` for the previous one). A collapsed line belongs to the time of its first read.
   */
  list(filter: AuditFilter): AuditRow[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit };
    const add = (sql: string, name: string, value: unknown) => {
      if (value === undefined) return;
      where.push(sql);
      params[name] = value;
    };
    add('a.entity_type = @entityType', 'entityType', filter.entityType);
    add('a.entity_id = @entityId', 'entityId', filter.entityId);
    add('a.actor_user_id = @actorUserId', 'actorUserId', filter.actorUserId);
    add('a.action = @action', 'action', filter.action);
    add('a.at >= @fromIso', 'fromIso', filter.fromIso);
    add('a.at < @toIso', 'toIso', filter.toIso);
    add('a.id < @beforeId', 'beforeId', filter.beforeId);
    add('a.id > @afterId', 'afterId', filter.afterId);
    // The page before this one is the nearest newer lines: read upwards, then shown newest first.
    const upwards = filter.afterId !== undefined && filter.beforeId === undefined;
    const rows = this.db
      .prepare<Record<string, unknown>, AuditRow>(
        `SELECT a.*, u.name AS actor_name FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id
          ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY a.id ${upwards ? 'ASC' : 'DESC'} LIMIT @limit`,
      )
      .all(params);
    return upwards ? rows.reverse() : rows;
  }
}
