import type { RequestContext } from '../../audit/audit-log.js';
import { type Actor, ensure, policy } from '../../auth/policy.js';
import { hashToken, newToken } from '../../auth/tokens.repository.js';
import type { Core } from '../../core.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import type { Locale } from '../../web/dates.js';
import type { ConcernsService } from '../concerns/concerns.service.js';
import { ackCutoff } from './ack-cutoff.js';
import type {
  DepartmentRow,
  ReferralByToken,
  ReferralListRow,
  ReferralStatus,
  ReferralsRepository,
} from './referrals.repository.js';
import type { ReferInput } from './referrals.schemas.js';

type Deps = Pick<Core, 'db' | 'audit' | 'mailer' | 'settings' | 'now' | 'baseUrl'> & {
  referrals: ReferralsRepository;
  concerns: ConcernsService;
};

/** A link that does not (or no longer) work: 404 when unknown or replaced, 410 when expired. */
export class ReferralLinkError extends Error {
  constructor(readonly status: 404 | 410) {
    super('referral link invalid');
  }
}

/** The referral form of one concern: what the officer sees while writing the note. */
export type ReferralForm = {
  concern: { id: number; title: string; category: string; councilName: string };
  departments: DepartmentRow[];
  suggestedDepartmentId: number | null;
};

/**
 * Where the department's mail is (docs/domain.md#mail-delivery-and-retries): waiting (queued, or
 * refused for now and tried again), delivered to the mail server, or failed for good. Null for a
 * referral sent before the portal kept track (migrations/0026).
 */
export type ReferralMailState =
  | { state: 'waiting'; attempts: number; nextAttemptAt: string; lastError: string | null }
  | { state: 'delivered'; at: string }
  | { state: 'failed'; reason: string; canBeResent: boolean };

function mailStateOf(r: ReferralListRow): ReferralMailState | null {
  switch (r.mail_status) {
    case 'pending':
    case 'sending':
      return {
        state: 'waiting',
        attempts: r.mail_attempts ?? 0,
        nextAttemptAt: r.mail_next_attempt_at ?? r.created_at,
        lastError: r.mail_error,
      };
    case 'sent':
      return { state: 'delivered', at: r.mail_sent_at ?? r.created_at };
    case 'failed':
      return { state: 'failed', reason: r.mail_error ?? '', canBeResent: r.mail_emptied === 0 };
    default:
      return null;
  }
}

export type ReferralPanelItem = ReferralListRow & {
  mail: ReferralMailState | null;
  /** Still 'sent' after settings referral_ack_hours. */
  notAcknowledged: boolean;
  /** The department's link has expired and nothing was answered: the officer may renew it. */
  expired: boolean;
  canRenew: boolean;
};

/** What views/referrals/_case-panel.ejs needs. */
export type ReferralPanel = {
  concernId: number;
  canRefer: boolean;
  /** A district admin can send a failed mail again at /admin/outbox; an officer asks one. */
  canResendMail: boolean;
  referrals: ReferralPanelItem[];
};

/** What the department sees at its link — only what the officer chose to send (docs/domain.md#referrals). */
export type DepartmentReferral = {
  concernId: number;
  councilName: string;
  category: string;
  departmentName: string;
  note: string;
  status: ReferralStatus;
  answer: string | null;
  sentAt: string;
  acknowledgedAt: string | null;
  answeredAt: string | null;
  expiresAt: string;
};

/** base64url of 32 random bytes: anything else cannot be a link we issued. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Referrals to departments (SSP, Beredskab, …): the officer sends a note, the department answers
 * at a secure link without an account, and the officers are told. The concern's own state and
 * timeline are kept by ConcernsService's record* methods, called inside these transactions.
 */
export class ReferralsService {
  constructor(private readonly deps: Deps) {}

  private at(): string {
    return this.deps.now().toISOString();
  }

  private linkExpiry(): string {
    const days = this.deps.settings.getNumber('referral_link_days');
    return new Date(this.deps.now().getTime() + days * 86_400_000).toISOString();
  }

  // ---------------------------------------------------------------- the officer's side

  /** 404 unless the actor handles the concern, 409 when it is closed — without reading it. */
  ensureCanRefer(actor: Actor, concernId: number): void {
    this.deps.concerns.concernToRefer(actor, concernId);
  }

  /** The form for a new referral; 404 unless the actor handles the concern, 409 when it is closed. */
  formFor(actor: Actor, concernId: number, ctx: RequestContext = {}): ReferralForm {
    const concern = this.deps.concerns.concernToRefer(actor, concernId);
    // The form shows the concern's title: a staff read like the case page, so it is audited.
    this.deps.audit.record(actor, 'concern.viewed', concern.id, ctx, { page: 'referral_form' });
    return {
      concern: {
        id: concern.id,
        title: concern.title,
        category: actor.locale === 'en' ? concern.category_en : concern.category_da,
        councilName: concern.council_name,
      },
      departments: this.deps.referrals.activeDepartments(),
      suggestedDepartmentId: concern.suggested_department_id,
    };
  }

  /**
   * Refers the concern to one department: the referral with a fresh link, the concern's timeline
   * and the reporter's mail (via ConcernsService), and the department's mail — one transaction.
   * Throws ConflictError on `department_id` for an unknown or inactive department.
   */
  refer(
    actor: Actor,
    concernId: number,
    input: ReferInput,
    ctx: RequestContext = {},
  ): { department: string } {
    const { db, referrals, concerns, audit } = this.deps;
    return db.transaction(() => {
      const concern = concerns.concernToRefer(actor, concernId);
      const department = referrals.findActiveDepartment(input.department_id);
      if (!department) throw new ConflictError('referrals.errors.department_invalid', 'department_id');
      const token = newToken();
      const referralId = referrals.insert({
        concernId,
        departmentId: department.id,
        note: input.note,
        tokenHash: hashToken(token),
        expiresAt: this.linkExpiry(),
        sentBy: actor.id,
        now: this.at(),
      });
      concerns.recordReferralSent(actor, concern, department.name);
      const outboxId = this.mailDepartment(
        {
          concernId,
          categoryDa: concern.category_da,
          councilName: concern.council_name,
          departmentName: department.name,
          departmentEmail: department.email,
          note: input.note,
        },
        token,
        false,
      );
      referrals.setMail(referralId, outboxId);
      audit.record(actor, 'referral.sent', concernId, ctx, { referralId, department: department.name });
      return { department: department.name };
    })();
  }

  /** The concern's referrals with their flags, for the case page; 404 unless the actor handles it. */
  referralsFor(actor: Actor, concernId: number): ReferralPanel {
    const scope = this.deps.referrals.concernScope(concernId);
    if (!scope) throw new NotFoundError();
    ensure(policy.canHandleConcern(actor, scope));
    const now = this.deps.now();
    const ackLimit = ackCutoff(now, this.deps.settings);
    const nowIso = now.toISOString();
    return {
      concernId,
      canRefer: scope.status !== 'closed',
      canResendMail: policy.isDistrictAdmin(actor),
      referrals: this.deps.referrals.listForConcern(concernId).map((r) => ({
        ...r,
        mail: mailStateOf(r),
        notAcknowledged: r.status === 'sent' && r.created_at < ackLimit,
        expired: r.status !== 'answered' && r.token_expires_at <= nowIso,
        canRenew: r.status !== 'answered',
      })),
    };
  }

  /**
   * A new link for the department (the old one stops working), a fresh expiry and the mail again.
   * Answered referrals are final and need no link.
   */
  renew(
    actor: Actor,
    concernId: number,
    referralId: number,
    ctx: RequestContext = {},
  ): { department: string } {
    const { db, referrals, audit } = this.deps;
    return db.transaction(() => {
      const scope = referrals.concernScope(concernId);
      const referral = referrals.findById(referralId);
      if (!scope || !referral || referral.concern_id !== concernId) throw new NotFoundError();
      ensure(policy.canHandleConcern(actor, scope));
      if (referral.status === 'answered') throw new ConflictError('referrals.errors.renew_answered');
      const token = newToken();
      referrals.replaceToken(referralId, hashToken(token), this.linkExpiry());
      const outboxId = this.mailDepartment(
        {
          concernId,
          categoryDa: referral.category_da,
          councilName: referral.council_name,
          departmentName: referral.department_name,
          departmentEmail: referral.department_email,
          note: referral.note,
        },
        token,
        true,
      );
      referrals.setMail(referralId, outboxId);
      audit.record(actor, 'referral.renewed', concernId, ctx, {
        referralId,
        department: referral.department_name,
      });
      return { department: referral.department_name };
    })();
  }

  /**
   * The department's mail holds only the note, the category, the council, the concern's number
   * and the link — never the reporter, the description, the place, photos or internal notes.
   * Departments have no account and no language setting: Danish. Returns the outbox row's id.
   */
  private mailDepartment(
    r: {
      concernId: number;
      categoryDa: string;
      councilName: string;
      departmentName: string;
      departmentEmail: string;
      note: string;
    },
    token: string,
    renewed: boolean,
  ): number {
    return this.deps.mailer.queue({
      kind: 'referral',
      to: r.departmentEmail,
      locale: 'da',
      subjectKey: renewed ? 'referrals.mail.department.subject_renewed' : 'referrals.mail.department.subject',
      params: {
        id: r.concernId,
        category: r.categoryDa,
        council: r.councilName,
        department: r.departmentName,
        note: r.note,
        days: this.deps.settings.getNumber('referral_link_days'),
      },
      paragraphKeys: [
        'referrals.mail.department.greeting',
        renewed ? 'referrals.mail.department.body_renewed' : 'referrals.mail.department.body',
        'referrals.mail.department.note_intro',
        'referrals.mail.department.note',
        'referrals.mail.department.how',
      ],
      action: {
        labelKey: 'referrals.mail.department.action',
        url: `${this.deps.baseUrl()}/referrals/${token}`,
      },
      concernIds: [r.concernId],
    });
  }

  // ---------------------------------------------------------------- the department's side

  /** The referral behind a link that still works; ReferralLinkError otherwise. */
  private byToken(token: string): ReferralByToken {
    if (!TOKEN_SHAPE.test(token)) throw new ReferralLinkError(404);
    const referral = this.deps.referrals.findByTokenHash(hashToken(token));
    if (!referral) throw new ReferralLinkError(404);
    if (referral.token_expires_at <= this.at()) throw new ReferralLinkError(410);
    return referral;
  }

  /** What the department sees at its link. */
  forDepartment(token: string, locale: Locale): DepartmentReferral {
    const r = this.byToken(token);
    return {
      concernId: r.concern_id,
      councilName: r.council_name,
      category: locale === 'en' ? r.category_en : r.category_da,
      departmentName: r.department_name,
      note: r.note,
      status: r.status,
      answer: r.answer,
      sentAt: r.created_at,
      acknowledgedAt: r.acknowledged_at,
      answeredAt: r.answered_at,
      expiresAt: r.token_expires_at,
    };
  }

  /** sent → acknowledged; acknowledging again (or after answering) changes nothing. */
  acknowledge(token: string, ctx: RequestContext = {}): { changed: boolean } {
    const { db, referrals, concerns, audit } = this.deps;
    return db.transaction(() => {
      const r = this.byToken(token);
      if (!referrals.markAcknowledged(r.id, this.at())) return { changed: false };
      concerns.recordReferralAcknowledged(r.concern_id, r.department_name);
      audit.record(null, 'referral.acknowledged', r.concern_id, ctx, {
        referralId: r.id,
        department: r.department_name,
      });
      return { changed: true };
    })();
  }

  /**
   * The department's answer (final). The concern goes back to the officer when no referral is
   * still open, and every officer of the council is told — the answer is for them.
   * Throws ConflictError when the referral was already answered.
   */
  answer(token: string, answer: string, ctx: RequestContext = {}): void {
    const { db, referrals, concerns, audit, mailer } = this.deps;
    db.transaction(() => {
      const r = this.byToken(token);
      if (!referrals.markAnswered(r.id, answer, this.at())) {
        throw new ConflictError('referrals.errors.already_answered', 'answer');
      }
      concerns.recordReferralAnswered(
        r.concern_id,
        r.department_name,
        answer,
        referrals.countUnanswered(r.concern_id),
      );
      mailer.queueEach(referrals.officersOfCouncil(r.council_id), (officer) => ({
        kind: 'referral_answered',
        subjectKey: 'referrals.mail.answered.subject',
        params: {
          name: officer.name,
          id: r.concern_id,
          department: r.department_name,
          council: r.council_name,
          answer,
        },
        paragraphKeys: ['mail.greeting', 'referrals.mail.answered.body', 'referrals.mail.answered.answer'],
        action: {
          labelKey: 'referrals.mail.answered.action',
          url: `${this.deps.baseUrl()}/concerns/${r.concern_id}#referrals`,
        },
        concernIds: [r.concern_id],
      }));
      audit.record(null, 'referral.answered', r.concern_id, ctx, {
        referralId: r.id,
        department: r.department_name,
      });
    })();
  }
}
