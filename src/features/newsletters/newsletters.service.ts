import type { AuditAction } from '../../audit/audit-actions.js';
import type { RequestContext } from '../../audit/audit-log.js';
import { type Actor, ensure, policy } from '../../auth/policy.js';
import type { Core } from '../../core.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { renderMarkdown } from '../../web/markdown.js';
import type { NewsletterMailer } from './newsletter-mail.js';
import { isEditable } from './newsletter-state.js';
import type {
  DeliveryRow,
  NewsletterRow,
  NewslettersRepository,
  Progress,
} from './newsletters.repository.js';
import type { UnsubscribeTokens } from './unsubscribe.js';

type Deps = Pick<Core, 'db' | 'audit' | 'outbox' | 'users' | 'now'> & {
  repo: NewslettersRepository;
  mail: NewsletterMailer;
  tokens: UnsubscribeTokens;
  /** Starts due newsletters at once (the delivery job's startDue), so "send now" does not wait a tick. */
  startDue: () => void;
};

export type NewsletterInput = { title: string; body: string; councilIds: number[]; wholeDistrict: boolean };

export type NewsletterView = {
  newsletter: NewsletterRow;
  councilIds: number[];
  canManage: boolean;
  progress: Progress;
  deliveries: DeliveryRow[];
};

/** A scheduled time must not be further in the past than this when it is entered. */
const SCHEDULE_GRACE_MS = 5 * 60_000;

/**
 * Newsletters: who may write, schedule and read them, and the actions of the state machine.
 * Sending itself is the delivery job's (delivery.job.ts).
 */
export class NewslettersService {
  constructor(private readonly deps: Deps) {}

  private at(): string {
    return this.deps.now().toISOString();
  }

  private scope(n: NewsletterRow) {
    return { councilIds: this.deps.repo.councilIds(n.id), wholeDistrict: n.whole_district === 1 };
  }

  /** A newsletter the actor may manage; 404 otherwise. */
  private managed(actor: Actor, id: number): NewsletterRow {
    const n = this.deps.repo.findById(id);
    ensure(n !== undefined && policy.canManageNewsletter(actor, this.scope(n)));
    return n as NewsletterRow;
  }

  private checkAudience(actor: Actor, input: NewsletterInput, allowed: number[]): void {
    ensure(policy.canComposeNewsletters(actor));
    if (input.wholeDistrict) {
      if (!actor.isDistrictAdmin)
        throw new ConflictError('newsletters.errors.audience_invalid', 'council_ids');
      return;
    }
    if (input.councilIds.length === 0)
      throw new ConflictError('newsletters.errors.audience_required', 'council_ids');
    if (!input.councilIds.every((id) => allowed.includes(id))) {
      throw new ConflictError('newsletters.errors.audience_invalid', 'council_ids');
    }
  }

  create(actor: Actor, input: NewsletterInput, allowedCouncilIds: number[]): number {
    this.checkAudience(actor, input, allowedCouncilIds);
    return this.deps.repo.transaction(() => {
      const id = this.deps.repo.insert({
        title: input.title,
        markdown: input.body,
        html: renderMarkdown(input.body),
        authorId: actor.id,
        wholeDistrict: input.wholeDistrict,
        councilIds: input.wholeDistrict ? [] : input.councilIds,
        now: this.at(),
      });
      this.deps.audit.record(actor, 'newsletter.created', id);
      return id;
    });
  }

  /** Edit content and audience until sending starts. */
  update(actor: Actor, id: number, input: NewsletterInput, allowedCouncilIds: number[]): void {
    const n = this.managed(actor, id);
    if (!isEditable(n.status)) throw new ConflictError('newsletters.errors.not_editable', 'title');
    this.checkAudience(actor, input, allowedCouncilIds);
    this.deps.repo.transaction(() => {
      this.deps.repo.updateContent(id, {
        title: input.title,
        markdown: input.body,
        html: renderMarkdown(input.body),
        wholeDistrict: input.wholeDistrict,
        councilIds: input.wholeDistrict ? [] : input.councilIds,
        now: this.at(),
      });
      this.deps.audit.record(actor, 'newsletter.updated', id);
    });
  }

  /** Schedules (or reschedules) for a UTC time; null = now. */
  schedule(actor: Actor, id: number, sendAt: string | null): void {
    const n = this.managed(actor, id);
    const now = this.deps.now();
    const when = sendAt ?? now.toISOString();
    if (new Date(when).getTime() < now.getTime() - SCHEDULE_GRACE_MS) {
      throw new ConflictError('newsletters.errors.send_at_past', 'send_at');
    }
    this.deps.repo.transaction(() => {
      const at = now.toISOString();
      if (n.status === 'draft')
        this.deps.repo.transition(id, 'draft', 'scheduled', { send_at: when, needs_confirmation: 0 }, at);
      else if (n.status === 'scheduled') this.deps.repo.setSchedule(id, when, false, at);
      else throw new ConflictError('newsletters.errors.not_editable', 'send_at');
      this.deps.audit.record(actor, 'newsletter.scheduled', id, {}, { sendAt: when });
    });
    if (sendAt === null) this.deps.startDue();
  }

  /** A newsletter whose time passed while the server was down goes out only when confirmed. */
  confirmMissed(actor: Actor, id: number): void {
    const n = this.managed(actor, id);
    if (n.status !== 'scheduled' || n.needs_confirmation !== 1)
      throw new ConflictError('newsletters.errors.nothing_to_confirm', 'status');
    this.deps.repo.setSchedule(id, this.at(), false, this.at());
    this.deps.audit.record(actor, 'newsletter.confirmed', id);
    this.deps.startDue();
  }

  private move(
    actor: Actor,
    id: number,
    to: 'draft' | 'cancelled' | 'paused' | 'sending',
    action: AuditAction,
  ): void {
    const n = this.managed(actor, id);
    this.deps.repo.transaction(() => {
      const fields: Record<string, string | number | null> =
        to === 'draft' ? { send_at: null, needs_confirmation: 0 } : {};
      this.deps.repo.transition(id, n.status, to, fields, this.at());
      this.deps.audit.record(actor, action, id);
    });
  }

  unschedule(actor: Actor, id: number): void {
    this.move(actor, id, 'draft', 'newsletter.unscheduled');
  }

  cancel(actor: Actor, id: number): void {
    this.move(actor, id, 'cancelled', 'newsletter.cancelled');
  }

  pause(actor: Actor, id: number): void {
    this.move(actor, id, 'paused', 'newsletter.paused');
  }

  resume(actor: Actor, id: number): void {
    this.move(actor, id, 'sending', 'newsletter.resumed');
  }

  /** Re-queues only the failed deliveries; a sent newsletter goes back to sending for them. */
  retryFailed(actor: Actor, id: number): number {
    const n = this.managed(actor, id);
    return this.deps.repo.transaction(() => {
      const at = this.at();
      const count = this.deps.repo.requeueFailed(id, at);
      if (count > 0 && n.status === 'sent') this.deps.repo.reopenForRetry(id, at);
      this.deps.audit.record(actor, 'newsletter.retried', id, {}, { count });
      return count;
    });
  }

  /** A test send to the actor's own address, through the outbox like every other mail. */
  testSend(actor: Actor, id: number): void {
    const n = this.managed(actor, id);
    // The outbox gives the message its own Message-ID.
    const message = this.deps.mail.render(n, { user_id: null, email: actor.email, locale: actor.locale });
    this.deps.outbox.enqueue(
      {
        kind: 'newsletter_test',
        to: actor.email,
        subject: `[Test] ${message.subject}`,
        text: message.text,
        html: message.html,
      },
      this.at(),
    );
    this.deps.audit.record(actor, 'newsletter.test_sent', id);
  }

  /** The preview as mail (HTML and plain text), for the author. */
  preview(actor: Actor, id: number): { html: string; text: string; subject: string } {
    const n = this.managed(actor, id);
    const m = this.deps.mail.render(n, { user_id: actor.id, email: actor.email, locale: actor.locale });
    return { html: m.html, text: m.text, subject: m.subject };
  }

  /** The newsletter page: management view with progress for staff, the archive view for members. */
  view(actor: Actor, id: number, deliveryPage = 0): NewsletterView {
    const n = this.deps.repo.findById(id);
    if (!n) throw new NotFoundError();
    const scope = this.scope(n);
    const canManage = policy.canManageNewsletter(actor, scope);
    // Members see only what was actually sent (or is going out) to their councils.
    const published = n.status === 'sent' || n.status === 'sending' || n.status === 'paused';
    ensure(canManage || (published && policy.canReadNewsletter(actor, scope)));
    return {
      newsletter: n,
      councilIds: scope.councilIds,
      canManage,
      progress: canManage
        ? this.deps.repo.progress(id)
        : { total: 0, pending: 0, sending: 0, sent: 0, failed: 0 },
      deliveries: canManage ? this.deps.repo.deliveries(id, 100, deliveryPage * 100) : [],
    };
  }

  /**
   * GET /newsletters: for staff the newsletters they manage (with delivery figures), for members the
   * archive of what was sent to their councils — and nobody else's.
   */
  list(
    actor: Actor,
    page = 0,
  ): { managed: (NewsletterRow & Progress & { councilIds: number[] })[] | null; archive: NewsletterRow[] } {
    const size = 25;
    const managed = policy.canComposeNewsletters(actor)
      ? this.deps.repo.listManaged(actor.isDistrictAdmin ? null : actor.officerCouncilIds, size, page * size)
      : null;
    return { managed, archive: this.archive(actor, size, page * size) };
  }

  /** Sent newsletters to the actor's councils (or the whole district), newest first. */
  archive(actor: Actor, limit: number, offset = 0): NewsletterRow[] {
    return this.deps.repo.listArchive(
      actor.memberships.map((m) => m.councilId),
      limit,
      offset,
    );
  }

  /** The councils to choose from on the form, grouped by municipality in the view. */
  audienceOptions(actor: Actor): { id: number; name: string; municipality: string }[] {
    ensure(policy.canComposeNewsletters(actor));
    const all = this.deps.repo.activeCouncils();
    return actor.isDistrictAdmin ? all : all.filter((c) => actor.officerCouncilIds.includes(c.id));
  }

  /** Just the progress, for the small script that updates the bar. */
  progress(actor: Actor, id: number): Progress & { status: string } {
    const n = this.managed(actor, id);
    return { ...this.deps.repo.progress(id), status: n.status };
  }

  // ---------------------------------------------------------------- unsubscribe (no login)

  /** The person behind a valid token, or 404. */
  unsubscribeTarget(token: string): { userId: number; email: string; subscribed: boolean } {
    const userId = this.deps.tokens.verify(token);
    const user = userId !== undefined ? this.deps.users.findById(userId) : undefined;
    if (!user) throw new NotFoundError();
    return { userId: user.id, email: user.email, subscribed: user.notify_newsletters === 1 };
  }

  /** RFC 8058 one-click: idempotent; invitations and concern updates are not affected. */
  unsubscribe(token: string, ctx: RequestContext = {}): void {
    const target = this.unsubscribeTarget(token);
    if (!target.subscribed) return;
    this.deps.repo.setNewsletterSubscription(target.userId, false, this.at());
    this.deps.audit.record({ id: target.userId }, 'newsletter.unsubscribed', target.userId, ctx);
  }
}
