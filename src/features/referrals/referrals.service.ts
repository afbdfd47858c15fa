import type { RequestContext } from '../../audit/audit-log.js';
import { type Actor, ensure, policy } from '../../auth/policy.js';
import { hashToken, newToken } from '../../auth/tokens.repository.js';
import type { Core } from '../../core.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { formatDate, type Locale } from '../../web/dates.js';
import type { ConcernRow } from '../concerns/concerns.repository.js';
import type { ConcernsService } from '../concerns/concerns.service.js';
import { ackCutoff } from './ack-cutoff.js';
import type {
  DepartmentRow,
  OfficerContact,
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

/**
 * A link that does not (or no longer) work: 404 when unknown or replaced, 410 when expired — or
 * when its referral was withdrawn by the closing of the concern, which the department is shown.
 */
export class ReferralLinkError extends Error {
  constructor(
    readonly status: 404 | 410,
    readonly withdrawn = false,
  ) {
    super(withdrawn ? 'referral withdrawn' : 'referral link invalid');
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

/** What views/referrals/_case-panel.ejs and _close-warning.ejs need. */
export type ReferralPanel = {
  concernId: number;
  canRefer: boolean;
  /** A district admin can send a failed mail again at /admin/outbox; an officer asks one. */
  canResendMail: boolean;
  referrals: ReferralPanelItem[];
  /** Still waiting for their department: closing the concern withdraws these. */
  open: ReferralPanelItem[];
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
  withdrawnAt: string | null;
  expiresAt: string;
  /** Whom to call: the referring officer, or the council's officers when they no longer are one. */
  contacts: OfficerContact[];
};

const isOpenReferral = (status: ReferralStatus) => status === 'sent' || status === 'acknowledged';

/** "Navn, tlf. 55 55 55 55, navn@politi.dk" for each officer, in the department's (Danish) mails. */
function contactLine(contacts: OfficerContact[]): string {
  return contacts
    .map((c) => [c.name, c.phone ? `tlf. ${c.phone}` : '', c.email].filter((part) => part !== '').join(', '))
    .join('; ');
}

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
    const referrals = this.deps.referrals.listForConcern(concernId).map((r) => ({
      ...r,
      mail: mailStateOf(r),
      notAcknowledged: r.status === 'sent' && r.created_at < ackLimit,
      expired: isOpenReferral(r.status) && r.token_expires_at <= nowIso,
      canRenew: isOpenReferral(r.status),
    }));
    return {
      concernId,
      canRefer: scope.status !== 'closed',
      canResendMail: policy.isDistrictAdmin(actor),
      referrals,
      open: referrals.filter((r) => isOpenReferral(r.status)),
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
      // Withdrawn stays withdrawn, also after reopening: the officer refers again instead.
      if (referral.status === 'withdrawn') throw new ConflictError('referrals.errors.renew_withdrawn');
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
   * Closing a concern (or marking it as a duplicate) withdraws its referrals still waiting for
   * their department: each becomes 'withdrawn', the timeline and the audit log say so, and the
   * department gets a short mail. Its link then shows that the case is closed and takes no answer.
   * An answered referral stays as it is. Called by ConcernHandling inside the closing transaction
   * (registered in ./index.ts).
   */
  withdrawOpen(actor: Actor, concern: Pick<ConcernRow, 'id'>, ctx: RequestContext = {}): void {
    const { referrals, concerns, audit, mailer } = this.deps;
    const at = this.at();
    for (const r of referrals.openForConcern(concern.id)) {
      if (!referrals.markWithdrawn(r.id, at)) continue;
      concerns.recordReferralWithdrawn(actor, r.concern_id, r.department_name);
      const contact = contactLine(referrals.contactsFor(r.id));
      // Like the referral itself: the number, category and council, never the reporter or texts.
      mailer.queue({
        kind: 'referral_withdrawn',
        to: r.department_email,
        locale: 'da',
        subjectKey: 'referrals.mail.withdrawn.subject',
        params: {
          id: r.concern_id,
          category: r.category_da,
          council: r.council_name,
          department: r.department_name,
          contact,
        },
        paragraphKeys: [
          'referrals.mail.department.greeting',
          'referrals.mail.withdrawn.body',
          'referrals.mail.withdrawn.link',
          ...(contact === '' ? [] : ['referrals.mail.withdrawn.contact']),
        ],
        concernIds: [r.concern_id],
      });
      audit.record(actor, 'referral.withdrawn', r.concern_id, ctx, {
        referralId: r.id,
        department: r.department_name,
      });
    }
  }

  /**
   * The one automatic reminder (docs/domain.md#referrals): each referral of an open concern still
   * 'sent' after settings referral_ack_hours, never reminded, gets a fresh link — the old one stops
   * working, as at a renewal — and the mail again saying so; the officer sees it on the timeline.
   * Each in its own transaction with the claim (reminded_at), so a crash or a second process never
   * sends a second reminder. Returns how many were sent.
   */
  remindSilent(limit: number): number {
    const { db, referrals, concerns, audit } = this.deps;
    const cutoff = ackCutoff(this.deps.now(), this.deps.settings);
    let sent = 0;
    for (const id of referrals.dueForReminder(cutoff, limit)) {
      db.transaction(() => {
        const r = referrals.findById(id);
        if (!r || !referrals.claimReminder(id, this.at())) return;
        const token = newToken();
        referrals.replaceToken(id, hashToken(token), this.linkExpiry());
        const outboxId = this.mailDepartment(
          {
            concernId: r.concern_id,
            categoryDa: r.category_da,
            councilName: r.council_name,
            departmentName: r.department_name,
            departmentEmail: r.department_email,
            note: r.note,
          },
          token,
          { sentAt: r.created_at, contact: contactLine(referrals.contactsFor(id)) },
        );
        referrals.setMail(id, outboxId);
        concerns.recordReferralReminded(r.concern_id, r.department_name);
        audit.record(
          null,
          'referral.reminded',
          r.concern_id,
          {},
          { referralId: id, department: r.department_name },
        );
        sent++;
      })();
    }
    return sent;
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
    /** false: the first mail; true: the officer sent a new link; a reminder: the one automatic reminder. */
    renewed: boolean | { sentAt: string; contact: string },
  ): number {
    const reminder = typeof renewed === 'object' ? renewed : undefined;
    const variant = reminder ? 'reminder' : renewed ? 'renewed' : 'first';
    return this.deps.mailer.queue({
      kind: 'referral',
      to: r.departmentEmail,
      locale: 'da',
      subjectKey: {
        first: 'referrals.mail.department.subject',
        renewed: 'referrals.mail.department.subject_renewed',
        reminder: 'referrals.mail.reminder.subject',
      }[variant],
      params: {
        id: r.concernId,
        category: r.categoryDa,
        council: r.councilName,
        department: r.departmentName,
        note: r.note,
        days: this.deps.settings.getNumber('referral_link_days'),
        sent: reminder ? formatDate(reminder.sentAt, 'da') : '',
        contact: reminder?.contact ?? '',
      },
      paragraphKeys: [
        'referrals.mail.department.greeting',
        {
          first: 'referrals.mail.department.body',
          renewed: 'referrals.mail.department.body_renewed',
          reminder: 'referrals.mail.reminder.body',
        }[variant],
        'referrals.mail.department.note_intro',
        'referrals.mail.department.note',
        'referrals.mail.department.how',
        ...(reminder && reminder.contact !== '' ? ['referrals.mail.reminder.contact'] : []),
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

  /** What the department sees at its link — also when the referral was withdrawn (status says so). */
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
      withdrawnAt: r.withdrawn_at,
      expiresAt: r.token_expires_at,
      contacts: this.deps.referrals.contactsFor(r.id),
    };
  }

  /** The referral behind a link that still works and may still be acted on; withdrawn → 410. */
  private openByToken(token: string): ReferralByToken {
    const r = this.byToken(token);
    if (r.status === 'withdrawn') throw new ReferralLinkError(410, true);
    return r;
  }

  /** sent → acknowledged; acknowledging again (or after answering) changes nothing; withdrawn → 410. */
  acknowledge(token: string, ctx: RequestContext = {}): { changed: boolean } {
    const { db, referrals, concerns, audit } = this.deps;
    return db.transaction(() => {
      const r = this.openByToken(token);
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
   * Throws ConflictError when the referral was already answered, and ReferralLinkError (410) when
   * the closing of the concern withdrew it — so the officer is never told of an answer to a closed case.
   */
  answer(token: string, answer: string, ctx: RequestContext = {}): void {
    const { db, referrals, concerns, audit, mailer } = this.deps;
    db.transaction(() => {
      const r = this.openByToken(token);
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
