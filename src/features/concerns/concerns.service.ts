import type { RequestContext } from '../../audit/audit-log.js';
import { type Actor, ensure, policy } from '../../auth/policy.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { concernScope, type FollowedOriginal, followedOriginal, loadConcern } from './concern-access.js';
import { ConcernHandling, type ConcernHandlingDeps } from './concern-handling.js';
import { isOpen, isOverdue } from './concern-state.js';
import type { CategoryOption, ConcernRow, EventRow, PhotoRow } from './concerns.repository.js';
import {
  addedPhotoProblem,
  type CleanPhoto,
  type PhotoStore,
  photoProblem,
  type StoredPhoto,
} from './photos.js';

type Deps = ConcernHandlingDeps & { photos: PhotoStore };

export type NewConcernInput = {
  councilId: number;
  category: string;
  title: string;
  description: string;
  location: string;
  occurredAt: string | null;
};

/** All a council member who is not the reporter sees of a concern: never its texts, place or reporter. */
const SHARED_FIELDS = [
  'id',
  'council_id',
  'council_name',
  'category_da',
  'category_en',
  'status',
  'resolution',
  'shared_summary',
  'shared_at',
  'created_at',
] as const satisfies readonly (keyof ConcernRow)[];

export type SharedConcern = Pick<ConcernRow, (typeof SHARED_FIELDS)[number]>;

/** What one viewer may see of a concern; the route renders one view per mode. */
export type ConcernView =
  | {
      mode: 'staff' | 'reporter';
      concern: ConcernRow;
      events: EventRow[];
      photos: PhotoRow[];
      duplicates: { id: number; title: string }[];
      overdue: boolean;
      /** The reporter of a duplicate follows its original on their own page. */
      followed?: FollowedOriginal;
    }
  | { mode: 'shared'; concern: SharedConcern };

/**
 * The rules of a concern's life: who may log, see and change it. Logging, reading and the
 * reporter's additions are here; the staff's actions, the state machine and the reporter's mails
 * are inherited from ConcernHandling (concern-handling.ts). Referrals (src/features/referrals) call
 * its record* methods from inside their own transactions.
 */
export class ConcernsService extends ConcernHandling {
  constructor(protected override readonly deps: Deps) {
    super(deps);
  }

  /** The app's clock, for form rules that depend on "now" (e.g. when a concern happened). */
  now(): Date {
    return this.deps.now();
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
  create(actor: Actor, input: NewConcernInput, uploads: CleanPhoto[], ctx: RequestContext = {}): number {
    const { db, concerns, photos, audit, mailer } = this.deps;
    if (!policy.canReportConcern(actor, input.councilId)) {
      throw new ConflictError('concerns.errors.council_invalid', 'council_id');
    }
    const category = concerns.findActiveCategory(input.category);
    if (!category) throw new ConflictError('concerns.errors.category_invalid', 'category');
    const problem = photoProblem(uploads);
    if (problem) throw new ConflictError(problem, 'photos');

    // Files first, then the rows; if a file or the transaction fails (a full disk), every file
    // written so far goes again, so nothing is left half-saved.
    const stored: StoredPhoto[] = [];
    try {
      for (const upload of uploads) stored.push(photos.save(upload));
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
          concernIds: [id],
        });
        return id;
      })();
    } catch (err) {
      for (const p of stored) photos.remove(p.fileName);
      throw err;
    }
  }

  // ---------------------------------------------------------------- reading

  private load(concernId: number): ConcernRow {
    return loadConcern(this.deps.concerns, concernId);
  }

  /**
   * What the actor is to this concern — its handler (officer, district admin) and/or its reporter —
   * without reading it, so a refused POST can answer 404 before any validation message. 404 for
   * whoever may see neither the concern nor its shared summary.
   */
  relationTo(actor: Actor, concernId: number): { handles: boolean; reports: boolean } {
    const concern = this.load(concernId);
    const scope = concernScope(concern);
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
   * The concern as this actor may see it. Staff reads are audited (docs/domain.md#audit-log); a council member who
   * is not the reporter sees only a shared summary, and everyone else gets 404.
   */
  view(actor: Actor, concernId: number, ctx: RequestContext = {}): ConcernView {
    const { concerns, audit } = this.deps;
    const concern = this.load(concernId);
    const scope = concernScope(concern);
    if (policy.canHandleConcern(actor, scope)) {
      audit.record(actor, 'concern.viewed', concern.id, ctx);
      // The reporter's additions stay news until an officer of the council has seen them; a
      // district admin looking in does not answer for them.
      if (concern.reporter_activity_at && actor.officerCouncilIds.includes(concern.council_id))
        concerns.clearReporterActivity(concern.id);
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
        followed: followedOriginal(concerns, concern),
      };
    }
    if (policy.canViewSharedSummary(actor, { ...scope, hasSharedSummary: concern.shared_summary !== null })) {
      const shared = Object.fromEntries(SHARED_FIELDS.map((field) => [field, concern[field]]));
      return { mode: 'shared', concern: shared as SharedConcern };
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
    ensure(policy.canViewConcern(actor, concernScope(concern)));
    const photo = this.deps.concerns.findPhoto(concernId, photoId);
    if (!photo) throw new NotFoundError();
    if (policy.canHandleConcern(actor, concernScope(concern))) {
      this.deps.audit.record(actor, 'concern.photo_viewed', concernId, ctx, { photoId });
    }
    return { path: this.deps.photos.pathOf(photo.file_name), contentType: photo.content_type };
  }

  // ---------------------------------------------------------------- the reporter

  /**
   * The reporter adds information and/or photos while the concern is open. It is news for the
   * council's officers: flagged in /triage and the digest until one of them opens the concern, and
   * mailed (the number only) to each who wants it. Files first, as at logging.
   */
  addReporterInfo(
    actor: Actor,
    concernId: number,
    input: { body: string; photos: CleanPhoto[] },
    ctx: RequestContext = {},
  ): void {
    const { db, concerns, photos, audit, mailer } = this.deps;
    const stored: StoredPhoto[] = [];
    try {
      db.transaction(() => {
        const concern = this.load(concernId);
        ensure(concern.reporter_id === actor.id);
        if (!isOpen(concern.status)) throw new ConflictError('concerns.errors.closed_no_info', 'body');
        const problem = addedPhotoProblem(concerns.photoCount(concernId), input.photos);
        if (problem) throw new ConflictError(problem, 'photos');
        if (input.body === '' && input.photos.length === 0)
          throw new ConflictError('concerns.errors.info_required', 'body');
        for (const upload of input.photos) stored.push(photos.save(upload));
        const at = this.at();
        for (const p of stored) {
          concerns.insertPhoto({
            concernId,
            fileName: p.fileName,
            contentType: p.contentType,
            size: p.size,
            now: at,
          });
        }
        concerns.insertEvent({
          concernId,
          at,
          actorId: actor.id,
          type: 'reporter_info',
          visibility: 'public',
          body: input.body,
          data: stored.length > 0 ? { photos: stored.length } : {},
        });
        concerns.markReporterActivity(concernId, at);
        audit.record(
          actor,
          'concern.info_added',
          concernId,
          ctx,
          stored.length > 0 ? { photos: stored.length } : {},
        );
        mailer.queueEach(concerns.officersToTellOfAdditions(concern.council_id), (officer) => ({
          kind: 'concern_addition',
          subjectKey: 'mail.concern.addition.subject',
          params: { name: officer.name, id: concernId, council: concern.council_name },
          paragraphKeys: ['mail.greeting', 'mail.concern.addition.body', 'mail.concern.addition.settings'],
          action: { labelKey: 'mail.concern.action', url: `${this.deps.baseUrl()}/concerns/${concernId}` },
          concernIds: [concernId],
        }));
      })();
    } catch (err) {
      for (const p of stored) photos.remove(p.fileName);
      throw err;
    }
  }
}
