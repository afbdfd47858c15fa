import type { RequestContext } from '../../audit/audit-log.js';
import { type Actor, ensure, policy } from '../../auth/policy.js';
import type { Core } from '../../composition.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { addWorkingDays } from '../../web/working-days.js';
import {
  type ConcernStatus,
  canTransition,
  isOpen,
  isOverdue,
  type Priority,
  type Resolution,
  transitionEventType,
} from './concern-state.js';
import type {
  CategoryOption,
  ConcernRow,
  ConcernsRepository,
  EventRow,
  PhotoRow,
} from './concerns.repository.js';
import { type PhotoStore, photoProblem, type UploadedPhoto } from './photos.js';

type Deps = Pick<Core, 'db' | 'audit' | 'mailer' | 'settings' | 'now' | 'baseUrl'> & {
  concerns: ConcernsRepository;
  photos: PhotoStore;
};

export type NewConcernInput = {
  councilId: number;
  category: string;
  title: string;
  description: string;
  location: string;
  occurredAt: string | null;
};

/** What one viewer may see of a concern; the route renders one view per mode. */
export type ConcernView =
  | {
      mode: 'staff' | 'reporter';
      concern: ConcernRow;
      events: EventRow[];
      photos: PhotoRow[];
      duplicates: { id: number; title: string }[];
      overdue: boolean;
    }
  | {
      mode: 'shared';
      concern: Pick<
        ConcernRow,
        | 'id'
        | 'council_id'
        | 'council_name'
        | 'category_da'
        | 'category_en'
        | 'status'
        | 'resolution'
        | 'shared_summary'
        | 'shared_at'
        | 'created_at'
      >;
    };

/** Mail kinds sent to the reporter on public changes (DESIGN §3; honours notify_concern_updates). */
type ReporterMail = 'reply' | 'referred' | 'closed' | 'duplicate' | 'reopened' | 'shared';

/**
 * The rules of a concern's life: who may log, see and change it, the state machine with its
 * timeline, the due date, and who is told what. Referrals (src/features/referrals) call the
 * record* methods below from inside their own transactions.
 */
export class ConcernsService {
  constructor(private readonly deps: Deps) {}

  private at(): string {
    return this.deps.now().toISOString();
  }

  /** The app's clock, for form rules that depend on "now" (e.g. when a concern happened). */
  now(): Date {
    return this.deps.now();
  }

  /** The first public response is due this many working days after logging (settings, per priority). */
  dueAt(priority: Priority, from: Date): string {
    const days = this.deps.settings.getNumber(`due_working_days_${priority}`);
    return addWorkingDays(from, days).toISOString();
  }

  // ---------------------------------------------------------------- logging

  /** Councils the actor may log a concern for, and the active categories. */
  formOptions(actor: Actor): { councils: { id: number; name: string }[]; categories: CategoryOption[] } {
    const councils = actor.memberships.map((m) => ({ id: m.councilId, name: m.councilName }));
    return { councils, categories: this.deps.concerns.activeCategories() };
  }

  /**
   * Logs a concern with its photos in one transaction, and queues the receipt. Throws ConflictError
   * on the field at fault (another council's id, an unknown category, a bad photo).
   */
  create(actor: Actor, input: NewConcernInput, uploads: UploadedPhoto[], ctx: RequestContext = {}): number {
    const { db, concerns, photos, audit, mailer } = this.deps;
    if (!policy.canReportConcern(actor, input.councilId)) {
      throw new ConflictError('concerns.errors.council_invalid', 'council_id');
    }
    const category = concerns.findActiveCategory(input.category);
    if (!category) throw new ConflictError('concerns.errors.category_invalid', 'category');
    const problem = photoProblem(uploads);
    if (problem) throw new ConflictError(problem, 'photos');

    const stored = uploads.map((u) => photos.save(u));
    try {
      return db.transaction(() => {
        const now = this.deps.now();
        const at = now.toISOString();
        const id = concerns.insert({
          councilId: input.councilId,
          reporterId: actor.id,
          categoryId: category.id,
          title: input.title,
          description: input.description,
          location: input.location,
          occurredAt: input.occurredAt,
          priority: 'normal',
          dueAt: this.dueAt('normal', now),
          now: at,
        });
        for (const p of stored) {
          concerns.insertPhoto({
            concernId: id,
            fileName: p.fileName,
            contentType: p.contentType,
            size: p.size,
            now: at,
          });
        }
        concerns.insertEvent({ concernId: id, at, actorId: actor.id, type: 'created', visibility: 'public' });
        audit.record(actor, 'concern.created', id, ctx);
        // The receipt is part of logging, not an update: it goes out whatever the preferences say.
        mailer.queue({
          kind: 'concern_receipt',
          to: actor.email,
          locale: actor.locale,
          subjectKey: 'mail.concern.receipt.subject',
          params: { name: actor.name, id, title: input.title },
          paragraphKeys: ['mail.greeting', 'mail.concern.receipt.body', 'mail.concern.receipt.next'],
          action: { labelKey: 'mail.concern.action', url: `${this.deps.baseUrl()}/concerns/${id}` },
        });
        return id;
      })();
    } catch (err) {
      for (const p of stored) photos.remove(p.fileName);
      throw err;
    }
  }

  // ---------------------------------------------------------------- reading

  /** The row, or 404 for whoever may neither see it whole nor its shared summary. */
  private load(concernId: number): ConcernRow {
    const concern = this.deps.concerns.findById(concernId);
    if (!concern) throw new NotFoundError();
    return concern;
  }

  private scope(c: ConcernRow) {
    return { councilId: c.council_id, reporterId: c.reporter_id };
  }

  /** Loads a concern the actor handles (officer of its council, district admin); 404 otherwise. */
  private handled(actor: Actor, concernId: number): ConcernRow {
    const concern = this.load(concernId);
    ensure(policy.canHandleConcern(actor, this.scope(concern)));
    return concern;
  }

  /**
   * What the actor is to this concern — its handler (officer, district admin) and/or its reporter —
   * without reading it, so a refused POST can answer 404 before any validation message. 404 for
   * whoever may see neither the concern nor its shared summary.
   */
  relationTo(actor: Actor, concernId: number): { handles: boolean; reports: boolean } {
    const concern = this.load(concernId);
    const scope = this.scope(concern);
    const handles = policy.canHandleConcern(actor, scope);
    const reports = concern.reporter_id === actor.id;
    ensure(
      handles ||
        reports ||
        policy.canViewSharedSummary(actor, { ...scope, hasSharedSummary: concern.shared_summary !== null }),
    );
    return { handles, reports };
  }

  /** The overdue rule of concern-state.ts at the service's clock. */
  isOverdue(
    c: Pick<ConcernRow, 'status' | 'due_at' | 'paused_at' | 'first_response_at'>,
    now = this.deps.now(),
  ): boolean {
    return isOverdue(c, now.toISOString());
  }

  /**
   * The concern as this actor may see it. Staff reads are audited (DESIGN §3); a council member who
   * is not the reporter sees only a shared summary, and everyone else gets 404.
   */
  view(actor: Actor, concernId: number, ctx: RequestContext = {}): ConcernView {
    const { concerns, audit } = this.deps;
    const concern = this.load(concernId);
    const scope = this.scope(concern);
    if (policy.canHandleConcern(actor, scope)) {
      audit.record(actor, 'concern.viewed', concern.id, ctx);
      return {
        mode: 'staff',
        concern,
        events: concerns.events(concern.id, true),
        photos: concerns.photos(concern.id),
        duplicates: concerns.duplicatesOf(concern.id),
        overdue: this.isOverdue(concern),
      };
    }
    if (policy.canViewConcern(actor, scope)) {
      return {
        mode: 'reporter',
        concern,
        events: concerns.events(concern.id, false),
        photos: concerns.photos(concern.id),
        duplicates: [],
        overdue: false,
      };
    }
    if (policy.canViewSharedSummary(actor, { ...scope, hasSharedSummary: concern.shared_summary !== null })) {
      const {
        id,
        council_id,
        council_name,
        category_da,
        category_en,
        status,
        resolution,
        shared_summary,
        shared_at,
        created_at,
      } = concern;
      return {
        mode: 'shared',
        concern: {
          id,
          council_id,
          council_name,
          category_da,
          category_en,
          status,
          resolution,
          shared_summary,
          shared_at,
          created_at,
        },
      };
    }
    throw new NotFoundError();
  }

  /** A photo file of a concern the actor may see whole (never for a shared summary). */
  photoFile(
    actor: Actor,
    concernId: number,
    photoId: number,
    ctx: RequestContext = {},
  ): { path: string; contentType: string } {
    const concern = this.load(concernId);
    ensure(policy.canViewConcern(actor, this.scope(concern)));
    const photo = this.deps.concerns.findPhoto(concernId, photoId);
    if (!photo) throw new NotFoundError();
    if (policy.canHandleConcern(actor, this.scope(concern))) {
      this.deps.audit.record(actor, 'concern.photo_viewed', concernId, ctx, { photoId });
    }
    return { path: this.deps.photos.pathOf(photo.file_name), contentType: photo.content_type };
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
    const { db, concerns, audit } = this.deps;
    db.transaction(() => {
      const concern = this.handled(actor, concernId);
      const at = this.at();
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
    })();
  }

  /** Category, priority and status from the case page; each change is its own timeline event. */
  updateTriage(
    actor: Actor,
    concernId: number,
    input: { category?: string; priority?: Priority; status?: ConcernStatus },
    ctx: RequestContext = {},
  ): void {
    const { db, concerns, audit } = this.deps;
    db.transaction(() => {
      const concern = this.handled(actor, concernId);
      const at = this.at();
      const changes: Record<string, unknown> = {};
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
    })();
  }

  /** Closes with a resolution and feedback that reaches the reporter on screen and by email. */
  close(
    actor: Actor,
    concernId: number,
    input: { resolution: Exclude<Resolution, 'duplicate'>; feedback: string },
    ctx: RequestContext = {},
  ): void {
    const { db, audit } = this.deps;
    db.transaction(() => {
      const concern = this.handled(actor, concernId);
      if (concern.status === 'closed')
        throw new ConflictError('concerns.errors.already_closed', 'resolution');
      const at = this.at();
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
      audit.record(actor, 'concern.closed', concernId, ctx, { resolution: input.resolution });
    })();
  }

  reopen(actor: Actor, concernId: number, ctx: RequestContext = {}): void {
    const { db, audit } = this.deps;
    db.transaction(() => {
      const concern = this.handled(actor, concernId);
      if (concern.status !== 'closed') throw new ConflictError('concerns.errors.not_closed', 'status');
      this.applyTransition(concern, 'in_progress', actor.id, { fields: { feedback: null } });
      this.notifyReporter(concern, actor, 'reopened', {});
      audit.record(actor, 'concern.reopened', concernId, ctx);
    })();
  }

  /**
   * Closes this concern as "dublet af #N". The original must be one the actor also handles; both
   * timelines link to each other, and this concern's reporter is told.
   */
  markDuplicate(actor: Actor, concernId: number, originalId: number, ctx: RequestContext = {}): void {
    const { db, concerns, audit } = this.deps;
    db.transaction(() => {
      const concern = this.handled(actor, concernId);
      if (originalId === concernId) throw new ConflictError('concerns.errors.duplicate_self', 'duplicate_of');
      const original = concerns.findById(originalId);
      if (!original || !policy.canHandleConcern(actor, this.scope(original))) {
        throw new ConflictError('concerns.errors.duplicate_unknown', 'duplicate_of');
      }
      if (original.duplicate_of_id === concernId)
        throw new ConflictError('concerns.errors.duplicate_cycle', 'duplicate_of');
      if (concern.status === 'closed')
        throw new ConflictError('concerns.errors.already_closed', 'duplicate_of');
      const at = this.at();
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
      audit.record(actor, 'concern.marked_duplicate', concernId, ctx, { duplicateOf: originalId });
    })();
  }

  /**
   * Shares a written summary with the council's network: members then see that text — never the
   * original, the photos or the reporter's name. An empty summary withdraws it.
   */
  share(actor: Actor, concernId: number, summary: string, ctx: RequestContext = {}): void {
    const { db, concerns, audit } = this.deps;
    db.transaction(() => {
      const concern = this.handled(actor, concernId);
      const at = this.at();
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
      if (!withdrawn) this.notifyReporter(concern, actor, 'shared', {});
      audit.record(actor, withdrawn ? 'concern.unshared' : 'concern.shared', concernId, ctx);
    })();
  }

  // ---------------------------------------------------------------- the reporter

  /** The reporter adds information while the concern is open; its officers see it on the timeline. */
  addReporterInfo(actor: Actor, concernId: number, body: string, ctx: RequestContext = {}): void {
    const { db, concerns, audit } = this.deps;
    db.transaction(() => {
      const concern = this.load(concernId);
      ensure(concern.reporter_id === actor.id);
      if (!isOpen(concern.status)) throw new ConflictError('concerns.errors.closed_no_info', 'body');
      const at = this.at();
      concerns.insertEvent({
        concernId,
        at,
        actorId: actor.id,
        type: 'reporter_info',
        visibility: 'public',
        body,
      });
      concerns.update(concernId, {}, at);
      audit.record(actor, 'concern.info_added', concernId, ctx);
    })();
  }

  // ---------------------------------------------------------------- referrals (called by src/features/referrals)

  /** Loads a concern the actor may refer; 404 otherwise. Referrals call this before anything else. */
  concernToRefer(actor: Actor, concernId: number): ConcernRow {
    const concern = this.handled(actor, concernId);
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
    const concern = this.load(concernId);
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

  // ---------------------------------------------------------------- mail

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
      duplicate: ['mail.concern.duplicate.body'],
      reopened: ['mail.concern.reopened.body'],
      shared: ['mail.concern.shared.body'],
    };
    this.deps.mailer.queue({
      kind: `concern_${kind}`,
      to: concern.reporter_email,
      locale,
      subjectKey: `mail.concern.${kind}.subject`,
      params: { name: concern.reporter_name ?? '', id: concern.id, title: concern.title, ...params },
      paragraphKeys: ['mail.greeting', ...extra[kind]],
      action: { labelKey: 'mail.concern.action', url: `${this.deps.baseUrl()}/concerns/${concern.id}` },
    });
  }
}
