import type { RequestContext } from '../../audit/audit-log.js';
import { type Actor, ensure, policy } from '../../auth/policy.js';
import type { Core } from '../../core.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { isMailKind, type OutboxListRow } from '../../mail/outbox.repository.js';
import type { OutboxQuery } from './outbox.schemas.js';

type Deps = Pick<Core, 'db' | 'outbox' | 'audit' | 'now'>;

export const OUTBOX_PAGE_SIZE = 25;

export type OutboxItem = OutboxListRow & {
  /** The kind in words (`outbox.kind.<kind>`), or null for a kind without a label: shown as it is. */
  kindKey: string | null;
  /** Waiting and due now: the next tick sends it (shown as "snarest", not a time gone by). */
  due: boolean;
  /** Failed and still holding its body: a district admin may send it again. */
  canResend: boolean;
};

export type OutboxPage = { items: OutboxItem[]; page: number; hasPrevious: boolean; hasNext: boolean };

export type OutboxOverview = {
  counts: { waiting: number; failed: number };
  waiting: OutboxPage;
  failed: OutboxPage;
};

/**
 * The mail that has not reached the mail server (docs/domain.md#mail-delivery-and-retries): what
 * waits, and what failed for good — for district admins only (404 for everyone else), who may send
 * a failed mail again. Recipient, kind, reason, attempts and times; never a subject or a body.
 */
export class OutboxService {
  constructor(private readonly deps: Deps) {}

  /** Throws 404 unless the actor is a district admin; routes call it before anything else. */
  assertCanManage(actor: Actor): void {
    ensure(policy.isDistrictAdmin(actor));
  }

  overview(actor: Actor, query: OutboxQuery): OutboxOverview {
    this.assertCanManage(actor);
    const { outbox } = this.deps;
    const now = this.deps.now().toISOString();
    const window = (page: number) => ({ limit: OUTBOX_PAGE_SIZE + 1, offset: (page - 1) * OUTBOX_PAGE_SIZE });
    const paged = (rows: OutboxListRow[], page: number): OutboxPage => ({
      items: rows.slice(0, OUTBOX_PAGE_SIZE).map((r) => ({
        ...r,
        kindKey: isMailKind(r.kind) ? `outbox.kind.${r.kind}` : null,
        due: r.status !== 'failed' && r.next_attempt_at <= now,
        canResend: r.status === 'failed' && r.emptied === 0,
      })),
      page,
      hasPrevious: page > 1,
      hasNext: rows.length > OUTBOX_PAGE_SIZE,
    });
    return {
      counts: outbox.counts(),
      waiting: paged(outbox.listWaiting(window(query.waiting_page)), query.waiting_page),
      failed: paged(outbox.listFailed(window(query.failed_page)), query.failed_page),
    };
  }

  /**
   * A failed mail back in the queue, with the whole retry schedule again and the same Message-ID;
   * audited (`outbox.resent`). 404 for an unknown mail; 409 when it has not failed (it is waiting
   * or was delivered) or has nothing left to send (its body was removed by retention, by a
   * concern's anonymisation or by a person's erasure). The recipient's address stays out of the
   * audit line: the line points at the mail, whose address an erasure removes.
   */
  resend(actor: Actor, id: number, ctx: RequestContext = {}): { to: string } {
    this.assertCanManage(actor);
    const { db, outbox, audit } = this.deps;
    return db.transaction(() => {
      const mail = outbox.findListed(id);
      if (!mail) throw new NotFoundError();
      if (mail.status !== 'failed') throw new ConflictError('outbox.errors.not_failed');
      if (mail.emptied === 1 || !outbox.requeueFailed(id, this.deps.now().toISOString())) {
        throw new ConflictError('outbox.errors.pruned');
      }
      audit.record(actor, 'outbox.resent', id, ctx, isMailKind(mail.kind) ? { mailKind: mail.kind } : {});
      return { to: mail.to_address };
    })();
  }
}
