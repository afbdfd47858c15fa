import type { RequestContext } from '../../audit/audit-log.js';
import { type Actor, ensure, policy } from '../../auth/policy.js';
import type { Core } from '../../core.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { renderMarkdown } from '../../web/markdown.js';
import { groupByMunicipality } from '../../web/municipality-groups.js';
import type { MeetingCalendar } from './meeting-calendar.js';
import type { MeetingMail } from './meeting-mail.js';
import { type MeetingScope, meetingPolicy } from './meetings.policy.js';
import type {
  ConcernMeetingRow,
  CouncilOption,
  MeetingCouncil,
  MeetingFields,
  MeetingListRow,
  MeetingResponse,
  MeetingRow,
  MeetingsRepository,
  ResponseRow,
} from './meetings.repository.js';
import type { ConcernLinkForm, MeetingForm } from './meetings.schemas.js';

export type MeetingsServiceDeps = Pick<Core, 'db' | 'audit' | 'now'> & {
  meetings: MeetingsRepository;
  calendar: MeetingCalendar;
  mail: MeetingMail;
};

export type MeetingView = {
  meeting: MeetingRow;
  councils: MeetingCouncil[];
  myResponse: MeetingResponse | null;
  canManage: boolean;
  canRespond: boolean;
  yesCount: number;
  full: boolean;
  past: boolean;
  started: boolean;
  /** Only for organisers and staff. */
  responses: ResponseRow[] | null;
  counts: Record<MeetingResponse, number> | null;
  /** Concerns linked to agenda items, as this viewer may see them (never on a borgermøde). */
  concernLinks: PresentedConcernLink[];
  /** May link and unlink concerns (officers and district admins who organise it). */
  canLinkConcerns: boolean;
  /** The open concerns the actor may link, for the form; null when there is no form. */
  linkOptions: { value: number; label: string }[] | null;
};

/**
 * One agenda item with a concern. Members of the meeting see `agendaItem` and — only if they are
 * members of the concern's council and a summary is shared — `summary`. `concern` (number, title,
 * status) is only for those who handle it (docs/domain.md#concern-privacy).
 */
export type PresentedConcernLink = {
  id: number;
  agendaItem: string;
  summary: string | null;
  concern: { id: number; title: string; status: string } | null;
};

/** The locals of views/meetings/_concern-links.ejs on a concern's staff page. */
export type ConcernMeetingLinks = {
  links: (Pick<ConcernMeetingRow, 'meeting_id' | 'title' | 'starts_at' | 'agenda_item'> & {
    cancelled: boolean;
    minutesPublished: boolean;
  })[];
};

/** How many open concerns the link form offers at most (newest first). */
const LINK_OPTIONS_LIMIT = 500;

/**
 * Meetings: planning (organisers), visibility (public borgermøder, council-only network and joint
 * meetings), answers with capacity, minutes and concerns on the agenda. Every access check is made
 * here; the mails go through MeetingMail and the .ics and the calendar feed through MeetingCalendar,
 * which trust the rows they are given.
 */
export class MeetingsService {
  constructor(private readonly deps: MeetingsServiceDeps) {}

  now(): Date {
    return this.deps.now();
  }

  private scopeOf(meetingId: number, row: Pick<MeetingRow, 'kind'>): MeetingScope {
    return { kind: row.kind, councilIds: this.deps.meetings.councilsOf(meetingId).map((c) => c.id) };
  }

  /** The meeting if the actor (or an anonymous visitor) may see it, else 404. */
  private visible(actor: Actor | undefined, id: number): { row: MeetingRow; scope: MeetingScope } {
    const row = this.deps.meetings.findById(id);
    if (!row) throw new NotFoundError();
    const scope = this.scopeOf(id, row);
    ensure(meetingPolicy.canView(actor, scope));
    return { row, scope };
  }

  private managed(actor: Actor, id: number): { row: MeetingRow; scope: MeetingScope } {
    const found = this.visible(actor, id);
    ensure(meetingPolicy.canManage(actor, found.scope));
    return found;
  }

  // ---------------------------------------------------------------- forms

  /** Councils the actor may plan meetings for, grouped by municipality for the form. */
  organiserCouncils(actor: Actor): { municipality: string; councils: CouncilOption[] }[] {
    return groupByMunicipality(
      this.deps.meetings.activeCouncils().filter((c) => meetingPolicy.canOrganiseFor(actor, c.id)),
    );
  }

  canOrganise(actor: Actor): boolean {
    return meetingPolicy.canOrganiseAny(actor);
  }

  /**
   * The chosen councils must be active and the actor's to organise for. A fællesmøde is for all
   * councils of a municipality (or several, up to the whole district): every active council of
   * each municipality it touches must be chosen.
   */
  private checkCouncils(actor: Actor, kind: MeetingForm['kind'], councilIds: number[]): void {
    const active = this.deps.meetings.activeCouncils();
    const byId = new Map(active.map((c) => [c.id, c]));
    for (const id of councilIds) {
      const council = byId.get(id);
      if (!council || !meetingPolicy.canOrganiseFor(actor, id)) {
        throw new ConflictError('meetings.errors.council_not_allowed', 'council_ids');
      }
    }
    if (kind === 'faellesmoede') {
      const chosen = new Set(councilIds);
      const municipalities = new Set(councilIds.map((id) => byId.get(id)?.municipality_id));
      const whole = active
        .filter((c) => municipalities.has(c.municipality_id))
        .every((c) => chosen.has(c.id));
      if (!whole) throw new ConflictError('meetings.errors.faellesmoede_whole', 'council_ids');
    }
  }

  private fields(form: MeetingForm): MeetingFields {
    return {
      kind: form.kind,
      title: form.title,
      startsAt: form.starts_at,
      endsAt: form.ends_at,
      location: form.location,
      agendaMarkdown: form.agenda,
      agendaHtml: form.agenda ? renderMarkdown(form.agenda) : '',
      capacity: form.capacity,
    };
  }

  // ---------------------------------------------------------------- writing

  create(actor: Actor, form: MeetingForm, ctx: RequestContext = {}): number {
    ensure(meetingPolicy.canOrganiseAny(actor));
    this.checkCouncils(actor, form.kind, form.council_ids);
    const now = this.deps.now().toISOString();
    return this.deps.db.transaction(() => {
      const id = this.deps.meetings.insert(this.fields(form), form.council_ids, actor.id, now);
      this.deps.audit.record(actor, 'meeting.created', id, ctx, {
        kind: form.kind,
        councils: form.council_ids,
      });
      this.deps.mail.invite(id, now);
      return id;
    })();
  }

  /**
   * A change of time, place or title raises SEQUENCE and sends an update to those who were invited
   * and are still part of the meeting. Every edit also brings the invitees up to date with the
   * councils' members as they are now: newcomers get the invitation (current SEQUENCE), and
   * invitees who are no longer part of it get a METHOD:CANCEL for the event they have.
   */
  update(actor: Actor, id: number, form: MeetingForm, ctx: RequestContext = {}): void {
    const { row } = this.managed(actor, id);
    if (row.status === 'cancelled') throw new ConflictError('meetings.errors.cancelled', 'title');
    this.checkCouncils(actor, form.kind, form.council_ids);
    // Linked concerns must stay on a non-public meeting of their own councils.
    const linkedCouncils = this.deps.meetings.linkedCouncilIds(id);
    if (linkedCouncils.length > 0 && form.kind === 'borgermoede') {
      throw new ConflictError('meetings.errors.public_has_concerns', 'kind');
    }
    if (linkedCouncils.some((c) => !form.council_ids.includes(c))) {
      throw new ConflictError('meetings.errors.councils_have_concerns', 'council_ids');
    }
    const timeChanged = row.starts_at !== form.starts_at || row.ends_at !== form.ends_at;
    const significant = timeChanged || row.location !== form.location || row.title !== form.title;
    const now = this.deps.now().toISOString();
    this.deps.db.transaction(() => {
      const councilsBefore = this.deps.mail.councilNames(id);
      this.deps.meetings.update(
        id,
        this.fields(form),
        form.council_ids,
        { bumpSequence: significant, resetReminder: timeChanged },
        now,
      );
      this.deps.audit.record(actor, 'meeting.updated', id, ctx, { notified: significant });
      this.deps.mail.reconcileInvitees(id, row, councilsBefore, significant, now);
    })();
  }

  /**
   * The meeting if the actor may cancel it now (404 for anyone who does not organise it); a meeting
   * already cancelled or already over is a state conflict.
   */
  cancellable(actor: Actor, id: number): MeetingRow {
    const { row } = this.managed(actor, id);
    if (row.status === 'cancelled') throw new ConflictError('meetings.errors.already_cancelled');
    if (Date.parse(row.ends_at) <= this.deps.now().getTime()) {
      throw new ConflictError('meetings.errors.cancel_over');
    }
    return row;
  }

  /**
   * Cancels with the reason every list, the meeting's page and the invitees' mail show. SEQUENCE
   * rises so calendar apps accept the METHOD:CANCEL; answers close.
   */
  cancel(actor: Actor, id: number, reason: string, ctx: RequestContext = {}): void {
    this.cancellable(actor, id);
    const now = this.deps.now().toISOString();
    this.deps.db
      .transaction(() => {
        // Cancelled by someone else since the check: their mail has gone, none is sent twice.
        if (!this.deps.meetings.cancel(id, reason, now)) {
          throw new ConflictError('meetings.errors.already_cancelled');
        }
        this.deps.audit.record(actor, 'meeting.cancelled', id, ctx, { reason });
        this.deps.mail.cancellation(id);
      })
      .immediate();
  }

  /** 404 unless the actor may answer; a cancelled meeting takes no answers (a state conflict). */
  answerable(actor: Actor, id: number): { row: MeetingRow; scope: MeetingScope } {
    const found = this.visible(actor, id);
    ensure(meetingPolicy.canRespond(actor, found.scope));
    if (found.row.status === 'cancelled') throw new ConflictError('meetings.errors.answers_closed');
    return found;
  }

  /** Answer yes/no/maybe; "yes" is refused when the meeting is full (unless it already was yes). */
  respond(actor: Actor, id: number, response: MeetingResponse): void {
    const { row } = this.answerable(actor, id);
    this.deps.db
      .transaction(() => {
        const previous = this.deps.meetings.responseOf(id, actor.id);
        if (response === 'yes' && previous !== 'yes' && row.capacity !== null) {
          if (this.deps.meetings.countYes(id) >= row.capacity) {
            throw new ConflictError('meetings.errors.full', 'response');
          }
        }
        this.deps.meetings.setResponse(id, actor.id, response, this.deps.now().toISOString());
      })
      .immediate();
  }

  /** The referat and attendance; the first time, the members are told the minutes are out. */
  saveMinutes(
    actor: Actor,
    id: number,
    minutes: string,
    attendance: number | null,
    ctx: RequestContext = {},
  ): void {
    const { row } = this.managed(actor, id);
    if (row.status === 'cancelled') throw new ConflictError('meetings.errors.cancelled', 'minutes');
    if (Date.parse(row.starts_at) > this.deps.now().getTime()) {
      throw new ConflictError('meetings.errors.minutes_too_early', 'minutes');
    }
    const now = this.deps.now().toISOString();
    this.deps.db.transaction(() => {
      const first = row.minutes_published_at === null;
      this.deps.meetings.saveMinutes(id, minutes, renderMarkdown(minutes), attendance, now);
      this.deps.audit.record(actor, 'meeting.minutes_saved', id, ctx, { attendance });
      if (first) this.deps.mail.minutes(id);
    })();
  }

  // ---------------------------------------------------------------- reading

  view(actor: Actor | undefined, id: number): MeetingView {
    const { row, scope } = this.visible(actor, id);
    const canManage = actor ? meetingPolicy.canManage(actor, scope) : false;
    const staff = actor ? meetingPolicy.canSeeResponses(actor, scope) : false;
    const yesCount = this.deps.meetings.countYes(id);
    let responses: ResponseRow[] | null = null;
    let counts: Record<MeetingResponse, number> | null = null;
    if (staff) {
      responses = this.deps.meetings.responses(id);
      counts = { yes: 0, no: 0, maybe: 0 };
      for (const r of responses) counts[r.response]++;
    }
    return {
      meeting: row,
      councils: this.deps.meetings.councilsOf(id),
      myResponse: actor ? this.deps.meetings.responseOf(id, actor.id) : null,
      canManage,
      canRespond: actor ? meetingPolicy.canRespond(actor, scope) && row.status === 'planned' : false,
      yesCount,
      full: row.capacity !== null && yesCount >= row.capacity,
      past: Date.parse(row.ends_at) <= this.deps.now().getTime(),
      started: Date.parse(row.starts_at) <= this.deps.now().getTime(),
      responses,
      counts,
      ...this.concernsOnAgenda(actor, id, row, scope),
    };
  }

  // ---------------------------------------------------------------- concerns on the agenda

  private concernsOnAgenda(
    actor: Actor | undefined,
    id: number,
    row: MeetingRow,
    scope: MeetingScope,
  ): Pick<MeetingView, 'concernLinks' | 'canLinkConcerns' | 'linkOptions'> {
    // A borgermøde is public: concerns are never shown there, whatever the table holds.
    if (!actor || scope.kind === 'borgermoede') {
      return { concernLinks: [], canLinkConcerns: false, linkOptions: null };
    }
    const concernLinks = this.deps.meetings.concernLinksOf(id).map((l): PresentedConcernLink => {
      const concern = { councilId: l.council_id, reporterId: l.reporter_id };
      const handles = policy.canHandleConcern(actor, concern);
      const seesSummary =
        handles || policy.canViewSharedSummary(actor, { ...concern, hasSharedSummary: !!l.shared_summary });
      return {
        id: l.id,
        agendaItem: l.agenda_item,
        summary: seesSummary && l.shared_summary ? l.shared_summary : null,
        concern: handles ? { id: l.concern_id, title: l.concern_title, status: l.concern_status } : null,
      };
    });
    const canLinkConcerns = meetingPolicy.canLinkConcerns(actor, scope);
    const linkOptions =
      canLinkConcerns && row.status === 'planned'
        ? this.deps.meetings
            .openConcernsOf(
              scope.councilIds.filter((c) =>
                policy.canHandleConcern(actor, { councilId: c, reporterId: null }),
              ),
              LINK_OPTIONS_LIMIT,
            )
            .map((c) => ({ value: c.id, label: `#${c.id} ${c.title} (${c.council_name})` }))
        : null;
    return { concernLinks, canLinkConcerns, linkOptions };
  }

  /** The meeting if the actor may link concerns to it (organising officer or district admin), else 404. */
  linkable(actor: Actor, id: number): { row: MeetingRow; scope: MeetingScope } {
    const found = this.visible(actor, id);
    ensure(meetingPolicy.canLinkConcerns(actor, found.scope));
    return found;
  }

  /**
   * Links an open concern of one of the meeting's councils, which the actor handles, to an agenda
   * item. Refusals name the `concern_id` field; a concern the actor does not handle reads as unknown.
   */
  linkConcern(actor: Actor, id: number, form: ConcernLinkForm, ctx: RequestContext = {}): number {
    const { row, scope } = this.linkable(actor, id);
    if (row.status === 'cancelled') throw new NotFoundError(); // no form on a cancelled meeting
    const concern = this.deps.meetings.concernForLink(form.concern_id);
    if (!concern || !policy.canHandleConcern(actor, { councilId: concern.council_id, reporterId: null })) {
      throw new ConflictError('meetings.errors.concern_unknown', 'concern_id');
    }
    if (!scope.councilIds.includes(concern.council_id)) {
      throw new ConflictError('meetings.errors.concern_other_council', 'concern_id');
    }
    if (concern.status === 'closed') throw new ConflictError('meetings.errors.concern_closed', 'concern_id');
    return this.deps.db
      .transaction(() => {
        if (this.deps.meetings.isConcernLinked(id, concern.id)) {
          throw new ConflictError('meetings.errors.concern_already_linked', 'concern_id');
        }
        const linkId = this.deps.meetings.insertConcernLink(
          id,
          concern.id,
          form.agenda_item,
          actor.id,
          this.deps.now().toISOString(),
        );
        this.deps.audit.record(actor, 'meeting.concern_linked', concern.id, ctx, {
          meetingId: id,
          linkId,
          agendaItem: form.agenda_item,
        });
        return linkId;
      })
      .immediate();
  }

  /** Removes a link; 404 unless the actor may link on this meeting and handles the concern. */
  unlinkConcern(actor: Actor, id: number, linkId: number, ctx: RequestContext = {}): void {
    this.linkable(actor, id);
    this.deps.db.transaction(() => {
      const link = this.deps.meetings.concernLink(id, linkId);
      if (!link || !policy.canHandleConcern(actor, { councilId: link.council_id, reporterId: null })) {
        throw new NotFoundError();
      }
      this.deps.meetings.deleteConcernLink(link.id);
      this.deps.audit.record(actor, 'meeting.concern_unlinked', link.concern_id, ctx, {
        meetingId: id,
        linkId,
      });
    })();
  }

  /**
   * For the concern's staff page (the concerns feature's `meetingLinks` hook): the meetings where
   * it was on the agenda, for those who handle it; undefined shows nothing.
   */
  meetingLinksForConcern(actor: Actor, concernId: number): ConcernMeetingLinks | undefined {
    const concern = this.deps.meetings.concernForLink(concernId);
    if (!concern || !policy.canHandleConcern(actor, { councilId: concern.council_id, reporterId: null })) {
      return undefined;
    }
    // No per-meeting canView check is needed: a concern can only be linked to a meeting of its own
    // council (linkConcern), an edit may not drop that council (update), and a concern never moves
    // to another council. Whoever handles the concern covers that council (or is a district admin),
    // so meetingPolicy.isStaffFor — and with it canView — holds for every meeting listed here.
    const links = this.deps.meetings
      .meetingsOfConcern(concernId)
      .filter((m) => m.kind !== 'borgermoede')
      .map((m) => ({
        meeting_id: m.meeting_id,
        title: m.title,
        starts_at: m.starts_at,
        agenda_item: m.agenda_item,
        cancelled: m.status === 'cancelled',
        minutesPublished: m.minutes_published_at !== null,
      }));
    return links.length > 0 ? { links } : undefined;
  }

  /** Values for the edit form. */
  editable(actor: Actor, id: number): { row: MeetingRow; councilIds: number[] } {
    const { row, scope } = this.managed(actor, id);
    return { row, councilIds: scope.councilIds };
  }

  /** GET /meetings: upcoming and past meetings of the actor's councils (all for district admins). */
  private listScope(actor: Actor) {
    const councilIds = [
      ...new Set([
        ...actor.memberships.map((m) => m.councilId),
        ...(actor.isOfficer ? actor.officerCouncilIds : []),
      ]),
    ];
    return { all: actor.isDistrictAdmin, councilIds, userId: actor.id };
  }

  list(actor: Actor): { upcoming: MeetingListRow[]; past: MeetingListRow[] } {
    return { upcoming: this.upcoming(actor, 200), past: this.past(actor, 20) };
  }

  /** The next meetings the actor may see, soonest first (also the start page's). */
  upcoming(actor: Actor, limit: number): MeetingListRow[] {
    return this.deps.meetings.listFor(
      this.listScope(actor),
      'upcoming',
      this.deps.now().toISOString(),
      limit,
    );
  }

  private past(actor: Actor, limit: number): MeetingListRow[] {
    return this.deps.meetings.listFor(this.listScope(actor), 'past', this.deps.now().toISOString(), limit);
  }

  /** GET /borgermoeder: upcoming citizen meetings per municipality and council. */
  publicList(): { municipality: string; councils: { name: string; meetings: MeetingRow[] }[] }[] {
    const result: { municipality: string; councils: { name: string; meetings: MeetingRow[] }[] }[] = [];
    for (const row of this.deps.meetings.upcomingPublic(this.deps.now().toISOString())) {
      let group = result.at(-1);
      if (group?.municipality !== row.municipality_name) {
        group = { municipality: row.municipality_name, councils: [] };
        result.push(group);
      }
      let council = group.councils.at(-1);
      if (council?.name !== row.council_name) {
        council = { name: row.council_name, meetings: [] };
        group.councils.push(council);
      }
      council.meetings.push(row);
    }
    return result;
  }

  // ---------------------------------------------------------------- .ics and the calendar feed

  // The router knows only this service: these check access where needed and pass on to MeetingCalendar.

  /** GET /meetings/:id.ics: a download (METHOD:PUBLISH) for whoever may see the meeting. */
  icsFor(actor: Actor | undefined, id: number): string {
    return this.deps.calendar.download(this.visible(actor, id).row);
  }

  feedStatus(actor: Actor): { createdAt: string | null } {
    return this.deps.calendar.feedStatus(actor);
  }

  createFeed(actor: Actor, ctx: RequestContext = {}): string {
    return this.deps.calendar.createFeed(actor, ctx);
  }

  revokeFeed(actor: Actor, ctx: RequestContext = {}): void {
    this.deps.calendar.revokeFeed(actor, ctx);
  }

  feedUrl(token: string): string {
    return this.deps.calendar.feedUrl(token);
  }

  /** GET /calendar/<token>.ics: the meetings the token's owner may see, as they are now. */
  feedCalendar(token: string): string {
    const actor = this.deps.calendar.feedOwner(token);
    // No per-meeting canView check is needed: `list` returns only meetings of councils the actor is a
    // member of or covers as an officer (all for district admins), and meetingPolicy.canView allows
    // each of those (isMemberOf, or isStaffFor).
    const { upcoming, past } = this.list(actor);
    return this.deps.calendar.feed(actor, [...upcoming, ...past]);
  }

  /** The reminder job's run (see MeetingMail.sendDueReminders). */
  sendDueReminders(limit?: number): number {
    return this.deps.mail.sendDueReminders(limit);
  }
}
