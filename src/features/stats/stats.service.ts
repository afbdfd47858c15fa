import type { RequestContext } from '../../audit/audit-log.js';
import { type Actor, policy } from '../../auth/policy.js';
import type { Core } from '../../core.js';
import { NotFoundError } from '../../errors.js';
import { type ConcernStatus, RESOLUTIONS, type Resolution, STATUSES } from '../concerns/concern-state.js';
import { MEETING_KINDS, type MeetingKind } from '../meetings/meetings.policy.js';
import type { SurveyReportQuery, SurveyResult } from '../surveys/surveys.service.js';
import { type DurationSummary, share, summarise } from './figures.js';
import { defaultPeriod, monthsOf, type Period, period, previousPeriod, startOfLocalDay } from './period.js';
import { statsPolicy } from './stats.policy.js';
import type {
  ConcernCountRow,
  DurationTuple,
  LifecycleRow,
  ReferralTuple,
  StatsCategory,
  StatsCouncil,
  StatsRepository,
} from './stats.repository.js';
import type { StatsQuery } from './stats.schemas.js';

const ACTIVE_DAYS = 90;

export type DepartmentFigures = {
  id: number;
  name: string;
  referrals: number;
  /** Distinct concerns referred to the department. */
  concerns: number;
  /** Concerns referred to it, of all concerns in the period. */
  share: number | null;
  acknowledge: DurationSummary;
  answer: DurationSummary;
};

export type ConcernFigures = {
  total: number;
  byMonth: { month: string; count: number }[];
  byCategory: (StatsCategory & { count: number })[];
  byCouncil: (StatsCouncil & { count: number })[];
  byStatus: Record<ConcernStatus, number>;
  byResolution: Record<Resolution, number>;
  firstResponse: DurationSummary;
  closing: DurationSummary;
  /** Concerns with at least one referral. */
  referred: number;
  referredShare: number | null;
  departments: DepartmentFigures[];
  closed: number;
  closedWithFeedback: number;
  feedbackShare: number | null;
  overdueNow: number;
};

export type MeetingFigures = {
  held: number;
  byKind: Record<MeetingKind, number>;
  attendees: number;
  /** Held meetings whose minutes record an attendance. */
  withAttendance: number;
  answers: { yes: number; no: number; maybe: number };
};

export type NewsletterFigures = { sent: number; reached: number; failed: number; pending: number };

export type PeopleFigures = {
  /** Distinct people (someone in two councils counts once). */
  members: number;
  active: number;
  perCouncil: { id: number; name: string; members: number; active: number }[];
};

/** The few figures compared side by side: period against period, pilot against the others. */
export type KeyFigures = {
  councils: number;
  concerns: number;
  concernsPerCouncil: number | null;
  firstResponseMedianMs: number | null;
  firstResponseP90Ms: number | null;
  closingMedianMs: number | null;
  closingP90Ms: number | null;
  referredShare: number | null;
  feedbackShare: number | null;
  meetingsHeld: number;
  attendees: number;
  newslettersSent: number;
  recipientsReached: number;
  /** Known only now, so null for a previous period. */
  activeMembers: number | null;
};

export type StatsFigures = {
  period: Period;
  previous: Period;
  /** Every council the actor may choose from, and those chosen. */
  available: StatsCouncil[];
  selected: StatsCouncil[];
  allSelected: boolean;
  concerns: ConcernFigures;
  meetings: MeetingFigures;
  newsletters: NewsletterFigures;
  people: PeopleFigures;
  surveys: SurveyResult[];
  canExportConcerns: boolean;
  generatedAt: string;
};

export type StatsReport = StatsFigures & {
  comparison: {
    current: KeyFigures;
    previous: KeyFigures;
    /** Null when the actor may not compare groups, or one group is empty. */
    pilot: KeyFigures | null;
    others: KeyFigures | null;
  };
};

type Deps = Pick<Core, 'now' | 'audit' | 'settings'> & {
  repo: StatsRepository;
  surveyResults: (actor: Actor, query: SurveyReportQuery) => SurveyResult[];
};

/**
 * The evaluation of the pilot: figures for a period and a selection of councils, compared with
 * the previous period and between the pilot councils and the others. See README.md for every
 * definition. All figures are computed from the stored timestamps on each request — a district's
 * year (100,000 concerns) takes well under a second (bench/stats.bench.ts).
 */
export class StatsService {
  constructor(private readonly deps: Deps) {}

  /** The councils the actor may see; a network person (or anyone with none) gets 404. */
  private scope(actor: Actor): StatsCouncil[] {
    const councils = this.deps.repo.councils();
    const allowed = new Set(
      statsPolicy.councilIds(
        actor,
        councils.map((c) => c.id),
      ),
    );
    if (allowed.size === 0 && !actor.isDistrictAdmin) throw new NotFoundError();
    const collator = new Intl.Collator('da');
    return councils
      .filter((c) => allowed.has(c.id))
      .sort((a, b) => collator.compare(a.municipality, b.municipality) || collator.compare(a.name, b.name));
  }

  /** The councils for the filter form. */
  councils(actor: Actor): StatsCouncil[] {
    return this.scope(actor);
  }

  districtName(): string {
    return this.deps.settings.get('district_name');
  }

  /** May the actor open /stats at all: decided from the actor alone, before any query. */
  canView(actor: Actor): boolean {
    return policy.canViewEvaluation(actor);
  }

  private resolve(actor: Actor, query: StatsQuery) {
    const available = this.scope(actor);
    const byId = new Map(available.map((c) => [c.id, c]));
    // A council outside the actor's scope is not theirs to ask about: the page does not exist.
    if (query.councilIds.some((id) => !byId.has(id))) throw new NotFoundError();
    const selected = query.councilIds.length
      ? available.filter((c) => query.councilIds.includes(c.id))
      : available;
    const p = query.from && query.to ? period(query.from, query.to) : defaultPeriod(this.deps.now());
    return { available, selected, period: p, allSelected: selected.length === available.length };
  }

  /** Every figure of the page, without the comparisons (the figures CSV needs no more). */
  figures(actor: Actor, query: StatsQuery): StatsFigures {
    return this.collect(actor, query).figures;
  }

  /** The figures CSV: counts only, but a copy that leaves the portal, so it is in the audit log too. */
  exportFigures(actor: Actor, query: StatsQuery, ctx: RequestContext = {}): StatsFigures {
    const figures = this.figures(actor, query);
    this.deps.audit.record(actor, 'stats.figures_exported', null, ctx, {
      from: figures.period.from,
      to: figures.period.to,
      councilIds: figures.selected.map((c) => c.id),
    });
    return figures;
  }

  /** The page and the printed report: the figures and the comparisons. */
  report(actor: Actor, query: StatsQuery): StatsReport {
    const { figures, compare } = this.collect(actor, query);
    return { ...figures, comparison: compare() };
  }

  private collect(actor: Actor, query: StatsQuery) {
    const { repo } = this.deps;
    const { available, selected, period: current, allSelected } = this.resolve(actor, query);
    const previous = previousPeriod(current);
    const now = this.deps.now().toISOString();
    const ids = selected.map((c) => c.id);
    const categories = repo.categories();
    const departments = repo.departments();

    const data = this.concernData(ids, current, now, true);
    const toFigures = (d: ConcernData, councils: StatsCouncil[]) =>
      concernFigures(d, councils, categories, departments);

    const concerns = toFigures(data, selected);
    const meetings = this.meetingFigures(ids, current, now);
    const newsletters = this.newsletterFigures(ids, current);
    const people = this.peopleFigures(selected, now);

    /** Key figures of some councils in a period; people are counted now, so only for the current period. */
    const key = (d: ConcernData, councils: StatsCouncil[], p: Period): KeyFigures => {
      const councilIds = councils.map((x) => x.id);
      return keyFigures(
        toFigures(d, councils),
        councils.length,
        this.meetingFigures(councilIds, p, now),
        this.newsletterFigures(councilIds, p),
        p === current ? this.peopleFigures(councils, now) : null,
      );
    };

    const compare = (): StatsReport['comparison'] => {
      const pilotCouncils = selected.filter((c) => c.is_pilot === 1);
      const otherCouncils = selected.filter((c) => c.is_pilot === 0);
      const groups =
        statsPolicy.canCompareGroups(actor) && pilotCouncils.length > 0 && otherCouncils.length > 0;
      return {
        current: keyFigures(concerns, selected.length, meetings, newsletters, people),
        previous: key(this.concernData(ids, previous, now, false), selected, previous),
        pilot: groups ? key(restrict(data, pilotCouncils), pilotCouncils, current) : null,
        others: groups ? key(restrict(data, otherCouncils), otherCouncils, current) : null,
      };
    };

    const figures: StatsFigures = {
      period: current,
      previous,
      available,
      selected,
      allSelected,
      concerns,
      meetings,
      newsletters,
      people,
      surveys: this.deps.surveyResults(actor, { from: current.from, to: current.to, councilIds: ids }),
      canExportConcerns: selected.some((c) => statsPolicy.canExportConcernsOf(actor, c.id)),
      generatedAt: now,
    };
    return { figures, compare };
  }

  /**
   * The concern data of some councils in a period. Months and "overdue now" only for the period
   * the page shows (`shown`); the comparisons need neither.
   */
  private concernData(councilIds: number[], p: Period, now: string, shown: boolean): ConcernData {
    const { repo } = this.deps;
    const months = shown ? monthsOf(p) : [];
    const bounds = [
      p.startIso,
      ...months.slice(1).map((m) => new Date(startOfLocalDay(`${m}-01`)).toISOString()),
      p.endIso,
    ];
    return {
      counts: repo.counts(councilIds, p.startIso, p.endIso),
      durations: repo.durations(councilIds, p.startIso, p.endIso),
      referrals: repo.referrals(councilIds, p.startIso, p.endIso),
      overdue: shown ? repo.overdue(councilIds, p.startIso, p.endIso, now) : new Map(),
      byMonth: shown
        ? repo.countsBetween(councilIds, bounds).map((count, i) => ({ month: months[i] as string, count }))
        : [],
    };
  }

  private meetingFigures(councilIds: number[], p: Period, now: string): MeetingFigures {
    const { byKind, answers } = this.deps.repo.meetings(councilIds, p.startIso, p.endIso, now);
    const figures: MeetingFigures = {
      held: 0,
      byKind: Object.fromEntries(MEETING_KINDS.map((k) => [k, 0])) as Record<MeetingKind, number>,
      attendees: 0,
      withAttendance: 0,
      answers: { yes: 0, no: 0, maybe: 0 },
    };
    for (const row of byKind) {
      figures.held += row.meetings;
      figures.byKind[row.kind as MeetingKind] = row.meetings;
      figures.attendees += row.attendees;
      figures.withAttendance += row.with_attendance;
    }
    for (const a of answers) figures.answers[a.response as keyof MeetingFigures['answers']] = a.n;
    return figures;
  }

  private newsletterFigures(councilIds: number[], p: Period): NewsletterFigures {
    const { sent, deliveries } = this.deps.repo.newsletters(councilIds, p.startIso, p.endIso);
    const count = (status: string) => deliveries.find((d) => d.status === status)?.n ?? 0;
    return {
      sent,
      reached: count('sent'),
      failed: count('failed'),
      pending: count('pending') + count('sending'),
    };
  }

  private peopleFigures(councils: StatsCouncil[], now: string): PeopleFigures {
    const activeSince = new Date(Date.parse(now) - ACTIVE_DAYS * 86_400_000).toISOString();
    const { perCouncil, total } = this.deps.repo.people(
      councils.map((c) => c.id),
      activeSince,
    );
    return {
      members: total.members,
      active: total.active,
      perCouncil: councils.map((c) => {
        const row = perCouncil.find((r) => r.council_id === c.id);
        return { id: c.id, name: c.name, members: row?.members ?? 0, active: row?.active ?? 0 };
      }),
    };
  }

  /**
   * One row per concern with its lifecycle timestamps, for officers and district admins; no
   * title, text, place, reporter or feedback. Councils the actor does not handle are left out
   * (a council admin has none: 404). Each export is written to the audit log.
   */
  lifecycle(
    actor: Actor,
    query: StatsQuery,
    locale: 'da' | 'en',
    ctx: RequestContext = {},
  ): { period: Period; rows: Iterable<LifecycleRow> } {
    const { selected, period: p } = this.resolve(actor, query);
    const ids = selected.filter((c) => statsPolicy.canExportConcernsOf(actor, c.id)).map((c) => c.id);
    if (ids.length === 0) throw new NotFoundError();
    this.deps.audit.record(actor, 'stats.concerns_exported', null, ctx, {
      from: p.from,
      to: p.to,
      councilIds: ids,
    });
    return { period: p, rows: this.deps.repo.lifecycle(ids, p.startIso, p.endIso, locale) };
  }
}

/** What the figures of some councils in a period are made of. */
type ConcernData = {
  counts: ConcernCountRow[];
  durations: DurationTuple[];
  referrals: ReferralTuple[];
  /** Overdue now per council; only for the period the page shows. */
  overdue: Map<number, number>;
  /** Only for the period the page shows; comparisons need no months. */
  byMonth: { month: string; count: number }[];
};

/** The part of the data that belongs to some of the councils. */
function restrict(data: ConcernData, councils: StatsCouncil[]): ConcernData {
  const ids = new Set(councils.map((c) => c.id));
  return {
    counts: data.counts.filter((r) => ids.has(r.council_id)),
    durations: data.durations.filter((d) => ids.has(d[0])),
    referrals: data.referrals.filter((r) => ids.has(r[0])),
    overdue: new Map([...data.overdue].filter(([councilId]) => ids.has(councilId))),
    byMonth: [],
  };
}

function concernFigures(
  data: ConcernData,
  councils: StatsCouncil[],
  categories: StatsCategory[],
  departments: { id: number; name: string }[],
): ConcernFigures {
  const perCategory = new Map<number, number>();
  const perCouncil = new Map<number, number>();
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<ConcernStatus, number>;
  const byResolution = Object.fromEntries(RESOLUTIONS.map((s) => [s, 0])) as Record<Resolution, number>;
  let total = 0;
  let closedWithFeedback = 0;
  let overdueNow = 0;
  for (const n of data.overdue.values()) overdueNow += n;
  for (const row of data.counts) {
    total += row.n;
    perCategory.set(row.category_id, (perCategory.get(row.category_id) ?? 0) + row.n);
    perCouncil.set(row.council_id, (perCouncil.get(row.council_id) ?? 0) + row.n);
    byStatus[row.status as ConcernStatus] += row.n;
    if (row.status === 'closed' && row.resolution) byResolution[row.resolution as Resolution] += row.n;
    closedWithFeedback += row.feedback;
  }

  // Typed arrays: a year of a district is 100,000 durations, sorted in place by summarise().
  const toFirstResponse = new Float64Array(data.durations.length);
  const toClose = new Float64Array(data.durations.length);
  let responded = 0;
  let closedCount = 0;
  for (const [, firstResponse, closing] of data.durations) {
    if (firstResponse !== null) toFirstResponse[responded++] = firstResponse;
    if (closing !== null) toClose[closedCount++] = closing;
  }

  const referredConcerns = new Set<number>();
  const perDepartment = new Map<
    number,
    { referrals: number; concerns: Set<number>; acknowledge: number[]; answer: number[] }
  >();
  for (const [, concernId, departmentId, acknowledge, answer] of data.referrals) {
    referredConcerns.add(concernId);
    let d = perDepartment.get(departmentId);
    if (!d) {
      d = { referrals: 0, concerns: new Set(), acknowledge: [], answer: [] };
      perDepartment.set(departmentId, d);
    }
    d.referrals += 1;
    d.concerns.add(concernId);
    if (acknowledge !== null) d.acknowledge.push(acknowledge);
    if (answer !== null) d.answer.push(answer);
  }

  const closed = byStatus.closed;
  return {
    total,
    byMonth: data.byMonth,
    byCategory: categories.map((k) => ({ ...k, count: perCategory.get(k.id) ?? 0 })),
    byCouncil: councils.map((c) => ({ ...c, count: perCouncil.get(c.id) ?? 0 })),
    byStatus,
    byResolution,
    firstResponse: summarise(toFirstResponse.subarray(0, responded)),
    closing: summarise(toClose.subarray(0, closedCount)),
    referred: referredConcerns.size,
    referredShare: share(referredConcerns.size, total),
    departments: departments
      .filter((d) => perDepartment.has(d.id))
      .map((d) => {
        const f = perDepartment.get(d.id) as NonNullable<ReturnType<typeof perDepartment.get>>;
        return {
          id: d.id,
          name: d.name,
          referrals: f.referrals,
          concerns: f.concerns.size,
          share: share(f.concerns.size, total),
          acknowledge: summarise(f.acknowledge),
          answer: summarise(f.answer),
        };
      }),
    closed,
    closedWithFeedback,
    // A duplicate is answered on its original, never with feedback of its own: not counted.
    feedbackShare: share(closedWithFeedback, closed - byResolution.duplicate),
    overdueNow,
  };
}

function keyFigures(
  c: ConcernFigures,
  councils: number,
  meetings: MeetingFigures,
  newsletters: NewsletterFigures,
  people: PeopleFigures | null,
): KeyFigures {
  return {
    councils,
    concerns: c.total,
    concernsPerCouncil: councils === 0 ? null : c.total / councils,
    firstResponseMedianMs: c.firstResponse.medianMs,
    firstResponseP90Ms: c.firstResponse.p90Ms,
    closingMedianMs: c.closing.medianMs,
    closingP90Ms: c.closing.p90Ms,
    referredShare: c.referredShare,
    feedbackShare: c.feedbackShare,
    meetingsHeld: meetings.held,
    attendees: meetings.attendees,
    newslettersSent: newsletters.sent,
    recipientsReached: newsletters.reached,
    activeMembers: people?.active ?? null,
  };
}
