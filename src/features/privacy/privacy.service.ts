import type { RequestContext } from '../../audit/audit-log.js';
import { type Actor, policy } from '../../auth/policy.js';
import type { Core } from '../../core.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { localDate } from '../../web/dates.js';
import { translator } from '../../web/i18n.js';
import type { ConcernAnonymiser } from '../concerns/anonymise.js';
import type { PersonListRow, PersonRow, PrivacyRepository } from './privacy.repository.js';

type Deps = Pick<Core, 'db' | 'audit' | 'settings' | 'sessionStore' | 'messages' | 'now' | 'logger'> & {
  privacy: PrivacyRepository;
  anonymiseConcern: ConcernAnonymiser;
  removePhoto: (fileName: string) => void;
};

export const PEOPLE_PAGE_SIZE = 25;

/** The sections of an export, in the order the file lists them; each is explained in its readme. */
export const EXPORT_SECTIONS = [
  'profile',
  'roles',
  'memberships',
  'invitations',
  'officer_councils',
  'notifications',
  'concerns',
  'comments',
  'meeting_answers',
  'meeting_invitations',
  'surveys_answered',
  'newsletters_received',
  'mails',
  'logins',
] as const;

export type PersonExport = { fileName: string; body: string };

/** What erasing a person does, counted for the confirmation page. */
export type ErasurePreview = {
  person: PersonRow;
  memberships: number;
  officerCouncils: number;
  closedConcerns: number;
  openConcerns: { id: number; title: string }[];
  comments: number;
  isSelf: boolean;
};

/**
 * A person's rights over their own data (docs/domain.md#a-persons-own-data): the export of
 * everything Nærnet holds about them — by themselves or by a district admin on their behalf —
 * and erasure by a district admin. Both are recorded in the audit log.
 */
export class PrivacyService {
  constructor(private readonly deps: Deps) {}

  /** GET /account/export: the signed-in person's own data. */
  exportOwn(actor: Actor, ctx: RequestContext): PersonExport {
    const person = this.deps.privacy.person(actor.id);
    if (!person || person.erased_at) throw new NotFoundError();
    this.deps.audit.record(actor, 'account.exported', actor.id, ctx);
    return this.exportOf(person, `naernet-mine-data-${this.today()}.json`);
  }

  /** GET /admin/people/:id/export: the same file, fetched by a district admin (e.g. on a written request). */
  exportPerson(actor: Actor, userId: number, ctx: RequestContext): PersonExport {
    const person = this.personFor(actor, userId);
    this.deps.audit.record(actor, 'person.exported', person.id, ctx);
    return this.exportOf(person, `naernet-person-${person.id}-${this.today()}.json`);
  }

  /** /admin/people: every person with an account, found by name or address. */
  findPeople(actor: Actor, q: string, page: number): { rows: PersonListRow[]; total: number } {
    if (!policy.isDistrictAdmin(actor)) throw new NotFoundError();
    return this.deps.privacy.search(q, PEOPLE_PAGE_SIZE, (page - 1) * PEOPLE_PAGE_SIZE);
  }

  /** /admin/people/:id and its erase page: who it is, and what erasing would remove. */
  preview(actor: Actor, userId: number): ErasurePreview {
    const person = this.personFor(actor, userId);
    const { privacy } = this.deps;
    return {
      person,
      memberships: privacy.rowsOf('memberships', person.id).length,
      officerCouncils: privacy.rowsOf('officerCouncils', person.id).length,
      closedConcerns: privacy.closedConcernIds(person.id).length,
      openConcerns: privacy.openConcerns(person.id),
      comments: privacy.commentCount(person.id),
      isSelf: person.id === actor.id,
    };
  }

  /**
   * POST /admin/people/:id/erase (GDPR art. 17). Refused for oneself (someone else must do it, and
   * the district keeps an admin) and while the person has open concerns: an officer decides how a
   * case ends before its words go. Closed concerns are anonymised as retention does, comments
   * lose their text, the account its name, contact, password and roles; sessions end at once.
   * The audit log keeps its lines (who did what, when), without the person's name or address.
   */
  erase(
    actor: Actor,
    userId: number,
    ctx: RequestContext,
    reason: string,
  ): { concerns: number; comments: number } {
    const { db, privacy, audit, now } = this.deps;
    const at = now().toISOString();
    const files: string[] = [];
    const result = db.transaction(() => {
      const preview = this.preview(actor, userId);
      if (preview.isSelf) throw new ConflictError('privacy.erase.errors.self');
      if (preview.openConcerns.length > 0) throw new ConflictError('privacy.erase.errors.open_concerns');
      const concernIds = privacy.closedConcernIds(userId);
      for (const id of concernIds) files.push(...this.deps.anonymiseConcern(id, at));
      const t = translator(this.deps.messages, 'da');
      privacy.erase(preview.person, t('privacy.erased_name'), at);
      const counts = { concerns: concernIds.length, comments: preview.comments };
      audit.record(actor, 'person.erased', userId, ctx, { ...counts, reason });
      return counts;
    })();
    this.deps.sessionStore.deleteForUser(userId);
    // Files go after the commit: a crash in between leaves an orphan file, never a missing one.
    for (const file of files) this.deps.removePhoto(file);
    return result;
  }

  private personFor(actor: Actor, userId: number): PersonRow {
    if (!policy.isDistrictAdmin(actor)) throw new NotFoundError();
    const person = this.deps.privacy.person(userId);
    if (!person || person.erased_at) throw new NotFoundError();
    return person;
  }

  private exportOf(person: PersonRow, fileName: string): PersonExport {
    const { privacy, settings } = this.deps;
    const t = translator(this.deps.messages, person.locale);
    const data = {
      readme: [
        t('privacy.export.readme.intro', { authority: settings.get('authority_name') }),
        t('privacy.export.readme.format'),
        ...EXPORT_SECTIONS.map((section) => `${section}: ${t(`privacy.export.section.${section}`)}`),
        t('privacy.export.readme.contact', {
          authority: settings.get('authority_name'),
          email: settings.get('authority_email'),
          dpo: settings.get('dpo_email'),
        }),
      ],
      exported_at: this.deps.now().toISOString(),
      profile: {
        email: person.email,
        name: person.name,
        phone: person.phone,
        status: person.status,
        language: person.locale,
        two_factor_enabled: person.totp_enabled === 1,
        created_at: person.created_at,
        updated_at: person.updated_at,
        last_login_at: person.last_login_at,
        privacy_notice_accepted_at: person.privacy_accepted_at,
      },
      roles: {
        district_admin: person.is_district_admin === 1,
        officer: person.is_officer === 1,
      },
      memberships: privacy.rowsOf('memberships', person.id),
      invitations: privacy.rowsOf('invitations', person.id),
      officer_councils: privacy.rowsOf('officerCouncils', person.id),
      notifications: {
        concern_updates: person.notify_concern_updates === 1,
        newsletters: person.notify_newsletters === 1,
        meetings: person.notify_meetings === 1,
        posts: person.notify_posts === 1,
        concern_additions: person.notify_concern_additions === 1,
        shared_summaries: person.notify_shared_summaries === 1,
        calendar_feed: privacy.hasCalendarFeed(person.id),
      },
      concerns: privacy.reportedConcerns(person.id, person.locale),
      comments: privacy.rowsOf('comments', person.id),
      meeting_answers: privacy.rowsOf('meetingAnswers', person.id),
      meeting_invitations: privacy.rowsOf('meetingInvitations', person.id),
      surveys_answered: privacy.surveysAnswered(person.id),
      newsletters_received: privacy.newsletterDeliveries(person.id),
      mails: privacy.mailsTo(person.email),
      logins: privacy.logins(person.id),
    } satisfies Record<(typeof EXPORT_SECTIONS)[number] | 'readme' | 'exported_at', unknown>;
    return { fileName, body: `${JSON.stringify(data, null, 2)}\n` };
  }

  private today(): string {
    return localDate(this.deps.now());
  }
}
