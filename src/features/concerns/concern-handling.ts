import type { AuditDetails } from '../../audit/audit-details.js';
import type { RequestContext } from '../../audit/audit-log.js';
import { type Actor, policy } from '../../auth/policy.js';
import type { Core } from '../../core.js';
import { ConflictError } from '../../errors.js';
import { addWorkingDays } from '../../web/working-days.js';
import { concernScope, handledConcern, loadConcern } from './concern-access.js';
import {
  type ConcernStatus,
  canTransition,
  isOpen,
  type Priority,
  type Resolution,
  transitionEventType,
} from './concern-state.js';
import type { ConcernRow, ConcernsRepository } from './concerns.repository.js';

export type ConcernHandlingDeps = Pick<Core, 'db' | 'audit' | 'mailer' | 'settings' | 'now' | 'baseUrl'> & {
  concerns: ConcernsRepository;
};

/** Mail kinds sent to the reporter on public changes (docs/domain.md#concern-privacy; honours notify_concern_updates). */
type ReporterMail = 'reply' | 'referred' | 'closed' | 'duplicate' | 'reopened' | 'shared' | 'original_closed';

/**
 * What another feature does inside the transaction that closes a concern (the close form or
 * marking as a duplicate): referrals withdraws the open ones (src/features/referrals/index.ts).
 */
export type ClosingListener = (concern: ConcernRow, actor: Actor, ctx: RequestContext) => void;

/**
 * A logged concern's life in the hands of its staff and its referrals: the state machine with its
 * timeline, the due clock, and what the reporter is told. ConcernsService extends it with logging
 * and reading, so routes and referrals keep one service and nothing is passed through.
 */
export class ConcernHandling {
  private readonly closingListeners: ClosingListener[] = [];

  constructor(protected readonly deps: ConcernHandlingDeps) {}

  /** Registered once at wiring: referrals is built after concerns, so it cannot be passed in. */
  whenClosing(listener: ClosingListener): void {
    this.closingListeners.push(listener);
  }

  protected at(): string {
    return this.deps.now().toISOString();
  }

  /**
   * A staff action: in one transaction, on a concern the actor handles (404 otherwise), with the
   * time it happens at.
   */
  private act(actor: Actor, concernId: number, action: (concern: ConcernRow, at: string) => void): void {
    this.deps.db.transaction(() => action(handledConcern(this.deps.concerns, actor, concernId), this.at()))();
  }

  /** The first public response is due this many working days after logging (settings, per priority). */
  dueAt(priority: Priority, from: Date): string {
    const days = this.deps.settings.getNumber(`due_working_days_${priority}`);
    return addWorkingDays(from, days).toISOString();
  }

  // ---------------------------------------------------------------- the state machine

  /**
   * The only writer of `status`: checks the transition table, keeps the due clock (paused while
   * waiting for a department) and writes the timeline event — call inside a transaction.
   */
  private applyTransition(
    concern: ConcernRow,
    to: ConcernStatus,
    actorId: number | null,
    extra: {
      body?: string;
      data?: Record<string, unknown>;
      fields?: Parameters<ConcernsRepository['update']>[1];
    } = {},
  ): void {
    const from = concern.status;
    if (from === to) return;
    if (!canTransition(from, to)) throw new ConflictError('concerns.errors.transition_invalid', 'status');
    const now = this.deps.now();
    const at = now.toISOString();
    const fields: Parameters<ConcernsRepository['update']>[1] = { status: to, ...extra.fields };
    if (to === 'awaiting_department' && concern.paused_at === null) fields.paused_at = at;
    if (from === 'awaiting_department' && concern.paused_at !== null) {
      fields.paused_at = null;
      if (concern.due_at) {
        const paused = now.getTime() - new Date(concern.paused_at).getTime();
        fields.due_at = new Date(new Date(concern.due_at).getTime() + paused).toISOString();
      }
    }
    if (to === 'closed') fields.closed_at = at;
    if (from === 'closed') {
      fields.closed_at = null;
      fields.resolution = null;
      fields.duplicate_of_id = null;
    }
    this.deps.concerns.update(concern.id, fields, at);
    this.deps.concerns.insertEvent({
      concernId: concern.id,
      at,
      actorId,
      type: transitionEventType(from, to),
      visibility: 'public',
      body: extra.body,
      data: { from, to, ...extra.data },
    });
    Object.assign(concern, fields);
  }

  /** The first public staff action (reply or closing with feedback) stops the due clock. */
  private markResponded(concern: ConcernRow, at: string): void {
    if (concern.first_response_at === null) {
      this.deps.concerns.update(concern.id, { first_response_at: at }, at);
      concern.first_response_at = at;
    }
  }

  // ---------------------------------------------------------------- staff actions

  /** An internal note (staff only, never shown or mailed to anyone else) or a public reply to the reporter. */
  addNote(
    actor: Actor,
    concernId: number,
    input: { body: string; visibility: 'internal' | 'public' },
    ctx: RequestContext = {},
  ): void {
    const { concerns, audit } = this.deps;
    this.act(actor, concernId, (concern, at) => {
      if (input.visibility === 'internal') {
        concerns.insertEvent({
          concernId,
          at,
          actorId: actor.id,
          type: 'internal_note',
          visibility: 'internal',
          body: input.body,
        });
        concerns.update(concernId, {}, at);
      } else {
        if (concern.status === 'new') this.applyTransition(concern, 'in_progress', actor.id);
        concerns.insertEvent({
          concernId,
          at,
          actorId: actor.id,
          type: 'public_reply',
          visibility: 'public',
          body: input.body,
        });
        this.markResponded(concern, at);
        this.notifyReporter(concern, actor, 'reply', { reply: input.body });
      }
      audit.record(
        actor,
        input.visibility === 'internal' ? 'concern.note_added' : 'concern.replied',
        concernId,
        ctx,
      );
    });
  }

  /** Category, priority and status from the case page; each change is its own timeline event. */
  updateTriage(
    actor: Actor,
    concernId: number,
    input: { category?: string; priority?: Priority; status?: ConcernStatus },
    ctx: RequestContext = {},
  ): void {
    const { concerns, audit } = this.deps;
    this.act(actor, concernId, (concern, at) => {
      const changes: AuditDetails = {};
      if (input.category && input.category !== concern.category_slug) {
        const category = concerns.findActiveCategory(input.category);
        if (!category) throw new ConflictError('concerns.errors.category_invalid', 'category');
        concerns.update(concernId, { category_id: category.id }, at);
        concerns.insertEvent({
          concernId,
          at,
          actorId: actor.id,
          type: 'category_changed',
          visibility: 'internal',
          data: { from: concern.category_slug, to: category.slug },
        });
        changes.category = category.slug;
      }
      if (input.priority && input.priority !== concern.priority) {
        const fields: Parameters<ConcernsRepository['update']>[1] = { priority: input.priority };
        // Before the first response, the due date follows the priority from the time of logging.
        if (concern.first_response_at === null)
          fields.due_at = this.dueAt(input.priority, new Date(concern.created_at));
        concerns.update(concernId, fields, at);
        concerns.insertEvent({
          concernId,
          at,
          actorId: actor.id,
          type: 'priority_changed',
          visibility: 'internal',
          data: { from: concern.priority, to: input.priority },
        });
        Object.assign(concern, fields);
        changes.priority = input.priority;
      }
      if (input.status && input.status !== concern.status) {
        // Closing needs a resolution and feedback: that is close(), not a plain status change.
        if (input.status === 'closed') throw new ConflictError('concerns.errors.close_with_form', 'status');
        this.applyTransition(concern, input.status, actor.id);
        changes.status = input.status;
      }
      audit.record(actor, 'concern.triaged', concernId, ctx, changes);
    });
  }

  /** Closes with a resolution and feedback that reaches the reporter on screen and by email. */
  close(
    actor: Actor,
    concernId: number,
    input: { resolution: Exclude<Resolution, 'duplicate'>; feedback: string },
    ctx: RequestContext = {},
  ): void {
    this.act(actor, concernId, (concern, at) => {
      if (concern.status === 'closed')
        throw new ConflictError('concerns.errors.already_closed', 'resolution');
      this.applyTransition(concern, 'closed', actor.id, {
        body: input.feedback,
        data: { resolution: input.resolution },
        fields: { resolution: input.resolution, feedback: input.feedback },
      });
      this.markResponded(concern, at);
      this.notifyReporter(concern, actor, 'closed', {
        resolution: input.resolution,
        feedback: input.feedback,
      });
      this.settleClosing(concern, actor, ctx);
      this.deps.audit.record(actor, 'concern.closed', concernId, ctx, { resolution: input.resolution });
    });
  }

  reopen(actor: Actor, concernId: number, ctx: RequestContext = {}): void {
    this.act(actor, concernId, (concern) => {
      if (concern.status !== 'closed') throw new ConflictError('concerns.errors.not_closed', 'status');
      this.applyTransition(concern, 'in_progress', actor.id, { fields: { feedback: null } });
      this.notifyReporter(concern, actor, 'reopened', {});
      this.deps.audit.record(actor, 'concern.reopened', concernId, ctx);
    });
  }

  /**
   * Closes this concern as "dublet af #N" (docs/domain.md#duplicates). The original must be open,
   * not a duplicate itself, and one the actor handles — one they do not is refused exactly like a
   * number that does not exist. Both timelines link to each other; this concern's reporter then
   * follows the original on their own page, and is told.
   */
  markDuplicate(actor: Actor, concernId: number, originalId: number, ctx: RequestContext = {}): void {
    const { concerns, audit } = this.deps;
    this.act(actor, concernId, (concern, at) => {
      if (originalId === concernId) throw new ConflictError('concerns.errors.duplicate_self', 'duplicate_of');
      const original = concerns.findById(originalId);
      if (!original || !policy.canHandleConcern(actor, concernScope(original))) {
        throw new ConflictError('concerns.errors.duplicate_unknown', 'duplicate_of');
      }
      if (concern.status === 'closed')
        throw new ConflictError('concerns.errors.already_closed', 'duplicate_of');
      if (original.duplicate_of_id === concernId)
        throw new ConflictError('concerns.errors.duplicate_cycle', 'duplicate_of');
      // The reporter follows the original until it closes: a duplicate or a closed case has
      // nothing left to follow, so the officer names the case that is still being handled.
      if (original.duplicate_of_id !== null)
        throw new ConflictError('concerns.errors.duplicate_of_duplicate', 'duplicate_of');
      if (!isOpen(original.status))
        throw new ConflictError('concerns.errors.duplicate_closed', 'duplicate_of');
      this.applyTransition(concern, 'closed', actor.id, {
        data: { resolution: 'duplicate', duplicateOf: originalId },
        fields: { resolution: 'duplicate', duplicate_of_id: originalId },
      });
      concerns.insertEvent({
        concernId,
        at,
        actorId: actor.id,
        type: 'merged',
        visibility: 'public',
        data: { duplicateOf: originalId },
      });
      concerns.insertEvent({
        concernId: originalId,
        at,
        actorId: actor.id,
        type: 'duplicate_linked',
        visibility: 'internal',
        data: { duplicate: concernId },
      });
      this.markResponded(concern, at);
      this.notifyReporter(concern, actor, 'duplicate', { original: originalId });
      this.settleClosing(concern, actor, ctx);
      audit.record(actor, 'concern.marked_duplicate', concernId, ctx, { duplicateOf: originalId });
    });
  }

  /**
   * Shares a written summary with the council's network: members then see that text — never the
   * original, the photos or the reporter's name. An empty summary withdraws it.
   */
  share(actor: Actor, concernId: number, summary: string, ctx: RequestContext = {}): void {
    const { concerns, audit } = this.deps;
    this.act(actor, concernId, (concern, at) => {
      const withdrawn = summary === '';
      concerns.update(
        concernId,
        { shared_summary: withdrawn ? null : summary, shared_at: withdrawn ? null : at },
        at,
      );
      concerns.insertEvent({
        concernId,
        at,
        actorId: actor.id,
        type: 'shared',
        visibility: 'public',
        body: summary,
        data: { withdrawn },
      });
      if (!withdrawn) {
        this.notifyReporter(concern, actor, 'shared', {});
        this.tellNetworkOfSummary(concern, summary);
      }
      audit.record(actor, withdrawn ? 'concern.unshared' : 'concern.shared', concernId, ctx);
    });
  }

  // ---------------------------------------------------------------- referrals (called by src/features/referrals)

  /** Loads a concern the actor may refer; 404 otherwise. Referrals call this before anything else. */
  concernToRefer(actor: Actor, concernId: number): ConcernRow {
    const concern = handledConcern(this.deps.concerns, actor, concernId);
    if (!isOpen(concern.status)) throw new ConflictError('concerns.errors.already_closed', 'department_id');
    return concern;
  }

  /** A referral went out: the concern waits for the department (clock paused) and the reporter is told. */
  recordReferralSent(actor: Actor, concern: ConcernRow, departmentName: string): void {
    if (concern.status !== 'awaiting_department')
      this.applyTransition(concern, 'awaiting_department', actor.id);
    this.deps.concerns.insertEvent({
      concernId: concern.id,
      at: this.at(),
      actorId: actor.id,
      type: 'referral_sent',
      visibility: 'public',
      data: { department: departmentName },
    });
    this.notifyReporter(concern, actor, 'referred', { department: departmentName });
  }

  /** The department confirmed it received the referral (internal: the reporter was told at sending). */
  recordReferralAcknowledged(concernId: number, departmentName: string): void {
    this.deps.concerns.insertEvent({
      concernId,
      at: this.at(),
      actorId: null,
      type: 'referral_acknowledged',
      visibility: 'internal',
      data: { department: departmentName },
    });
  }

  /** Closing the concern withdrew an open referral (internal: the department's mail says so). */
  recordReferralWithdrawn(actor: Actor, concernId: number, departmentName: string): void {
    this.deps.concerns.insertEvent({
      concernId,
      at: this.at(),
      actorId: actor.id,
      type: 'referral_withdrawn',
      visibility: 'internal',
      data: { department: departmentName },
    });
  }

  /** The department had not acknowledged in time and got the one automatic reminder (internal). */
  recordReferralReminded(concernId: number, departmentName: string): void {
    this.deps.concerns.insertEvent({
      concernId,
      at: this.at(),
      actorId: null,
      type: 'referral_reminded',
      visibility: 'internal',
      data: { department: departmentName },
    });
  }

  /**
   * The department answered (internal: the officer decides what the reporter hears). When no
   * referral is still open, the concern goes back to the officer and the due clock resumes.
   */
  recordReferralAnswered(
    concernId: number,
    departmentName: string,
    answer: string,
    openReferralsLeft: number,
  ): void {
    const concern = loadConcern(this.deps.concerns, concernId);
    this.deps.concerns.insertEvent({
      concernId,
      at: this.at(),
      actorId: null,
      type: 'referral_answered',
      visibility: 'internal',
      body: answer,
      data: { department: departmentName },
    });
    if (openReferralsLeft === 0 && concern.status === 'awaiting_department') {
      this.applyTransition(concern, 'in_progress', null, { data: { reason: 'department_answered' } });
    }
  }

  /**
   * What every closing brings with it, in its transaction: the other features' part (open referrals
   * withdrawn) and the reporters who follow this concern through a duplicate of theirs are told.
   */
  private settleClosing(concern: ConcernRow, actor: Actor, ctx: RequestContext): void {
    for (const listener of this.closingListeners) listener(concern, actor, ctx);
    for (const { id } of this.deps.concerns.duplicatesOf(concern.id)) {
      const duplicate = loadConcern(this.deps.concerns, id);
      // Whoever reported both was just told about the original itself.
      if (duplicate.reporter_id === concern.reporter_id) continue;
      // Their own concern's page shows the original's outcome; the mail names only its number.
      this.notifyReporter(duplicate, actor, 'original_closed', {
        original: concern.id,
        resolution: concern.resolution ?? '',
      });
    }
  }

  // ---------------------------------------------------------------- mail

  /**
   * The summary goes to the council's network as written, with the council and the category —
   * the only things the network may know of a concern; never its reporter, text, place or photos.
   */
  private tellNetworkOfSummary(concern: ConcernRow, summary: string): void {
    const recipients = this.deps.concerns.networkToTellOfSummary(concern.council_id, concern.reporter_id);
    this.deps.mailer.queueEach(recipients, (member) => ({
      kind: 'concern_shared_network',
      subjectKey: 'mail.concern.shared_network.subject',
      params: {
        name: member.name,
        council: concern.council_name,
        category: member.locale === 'en' ? concern.category_en : concern.category_da,
        summary,
      },
      paragraphKeys: [
        'mail.greeting',
        'mail.concern.shared_network.body',
        'mail.concern.shared_network.summary',
        'mail.concern.shared_network.settings',
      ],
      action: { labelKey: 'mail.concern.action', url: `${this.deps.baseUrl()}/concerns/${concern.id}` },
      concernIds: [concern.id],
    }));
  }

  /**
   * Tells the reporter about a public change — never internal notes or a referral's content —
   * unless they turned concern updates off or made the change themselves.
   */
  private notifyReporter(
    concern: ConcernRow,
    actor: Actor,
    kind: ReporterMail,
    params: Record<string, string | number>,
  ): void {
    if (!concern.reporter_id || !concern.reporter_email || concern.reporter_id === actor.id) return;
    if (concern.reporter_notify !== 1) return;
    const locale = concern.reporter_locale ?? 'da';
    const extra: Record<ReporterMail, string[]> = {
      reply: ['mail.concern.reply.body', 'mail.concern.reply.text'],
      referred: ['mail.concern.referred.body'],
      closed: [
        'mail.concern.closed.body',
        `mail.concern.resolution.${params.resolution}`,
        'mail.concern.closed.feedback',
      ],
      duplicate: ['mail.concern.duplicate.body', 'mail.concern.duplicate.follow'],
      reopened: ['mail.concern.reopened.body'],
      shared: ['mail.concern.shared.body'],
      original_closed: [
        'mail.concern.original_closed.body',
        `mail.concern.resolution.${params.resolution}`,
        'mail.concern.original_closed.follow',
      ],
    };
    // A duplicate's reporter follows the original in a section of their own page.
    const anchor = kind === 'duplicate' || kind === 'original_closed' ? '#original' : '';
    this.deps.mailer.queue({
      kind: `concern_${kind}`,
      to: concern.reporter_email,
      locale,
      subjectKey: `mail.concern.${kind}.subject`,
      params: { name: concern.reporter_name ?? '', id: concern.id, title: concern.title, ...params },
      paragraphKeys: ['mail.greeting', ...extra[kind]],
      action: {
        labelKey: 'mail.concern.action',
        url: `${this.deps.baseUrl()}/concerns/${concern.id}${anchor}`,
      },
      concernIds: [concern.id],
    });
  }
}
