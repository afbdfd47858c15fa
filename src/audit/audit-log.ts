import type { Db } from '../db/connection.js';
import { AUDIT_ACTIONS, type AuditAction } from './audit-actions.js';

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
};

/** Who did what to which thing, when. Append-only: nothing here updates or deletes. */
export class AuditLog {
  private readonly insert;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {
    this.insert = db.prepare(
      `INSERT INTO audit_log (at, actor_user_id, action, entity_type, entity_id, details, ip)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /**
   * One line: `actor` did `action` to the thing `entityId` (its kind follows from the action, see
   * audit-actions.ts), from `ctx`, with `details` for the reader of /admin/audit. Call it inside the
   * transaction of the change, so a rolled-back change leaves no line.
   */
  record(
    actor: AuditActor,
    action: AuditAction,
    entityId: number | null,
    ctx: RequestContext = {},
    details: Record<string, unknown> = {},
  ): void {
    this.insert.run(
      this.now().toISOString(),
      actor?.id ?? null,
      action,
      AUDIT_ACTIONS[action],
      entityId,
      JSON.stringify(details),
      ctx.ip ?? null,
    );
  }

  /** Newest first, filtered by entity and/or actor, one page at a time (keyset on id). */
  list(filter: {
    entityType?: string;
    entityId?: number;
    actorUserId?: number;
    beforeId?: number;
    limit: number;
  }): AuditRow[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit };
    if (filter.entityType) {
      where.push('a.entity_type = @entityType');
      params.entityType = filter.entityType;
    }
    if (filter.entityId !== undefined) {
      where.push('a.entity_id = @entityId');
      params.entityId = filter.entityId;
    }
    if (filter.actorUserId !== undefined) {
      where.push('a.actor_user_id = @actorUserId');
      params.actorUserId = filter.actorUserId;
    }
    if (filter.beforeId !== undefined) {
      where.push('a.id < @beforeId');
      params.beforeId = filter.beforeId;
    }
    return this.db
      .prepare<Record<string, unknown>, AuditRow>(
        `SELECT a.*, u.name AS actor_name FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id
          ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY a.id DESC LIMIT @limit`,
      )
      .all(params);
  }
}
