import type { RequestContext } from '../../audit/audit-log.js';
import { type Actor, ensure, policy } from '../../auth/policy.js';
import type { Core } from '../../core.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { formatDate, localDate } from '../../web/dates.js';
import { groupByMunicipality } from '../../web/municipality-groups.js';
import { surveyPolicy } from './surveys.policy.js';
import type {
  CouncilFigures,
  CouncilOption,
  PendingSurvey,
  SurveyCouncil,
  SurveyRow,
  SurveysRepository,
} from './surveys.repository.js';
import type { ResponseForm, SurveyForm } from './surveys.schemas.js';

/** A sentence the evaluation report prints about a survey's figures: a message key and its parameters. */
export type SurveyNote = { key: string; params?: Record<string, number> };

/**
 * One survey's results as the evaluation report shows them: only councils with at least
 * MIN_ANSWERS answers are counted, for every reader (docs/domain.md#survey-anonymity).
 */
export type SurveyResult = {
  id: number;
  title: string;
  opensOn: string;
  closesOn: string;
  /** Councils in scope (asked, chosen and visible to the reader). */
  councils: number;
  /** Those of them with at least MIN_ANSWERS answers: the only ones counted below. */
  councilsShown: number;
  /** Network persons asked in the counted councils; null when no council is counted. */
  invited: number | null;
  /** Answers in the counted councils; null when no council is counted. */
  answered: number | null;
  /** Answers per rating, index 0 = rating 1 … index 3 = rating 4; null while open or when no council is counted. */
  ratings: [number, number, number, number] | null;
  /** Mean rating; null while open or when no council is counted. */
  mean: number | null;
  /** Why figures are missing or cover only some councils — the report prints these sentences. */
  notes: SurveyNote[];
  /**
   * Free-text comments from the counted councils: only for staff (officers, district admins) and
   * only once the survey is over and some council is counted; undefined otherwise.
   */
  comments?: string[];
};

export type SurveyReportQuery = { from: string; to: string; councilIds: number[] };

export type SurveyStatus = 'planned' | 'open' | 'ended' | 'closed';

/** Figures of a council with at least MIN_ANSWERS answers, or of such councils together. */
export type Figures = {
  invited: number;
  answered: number;
  /** answered / invited, null when nobody was asked. */
  rate: number | null;
  /** Answers per rating (index 0 = rating 1); null until the survey is over. */
  ratings: [number, number, number, number] | null;
  /** Mean rating; null until the survey is over. */
  mean: number | null;
};

/** The figures of a set of councils taken together: only those with at least MIN_ANSWERS answers count. */
export type Total = {
  /** Councils in the set. */
  councils: number;
  /** Councils in the set with at least MIN_ANSWERS answers: the only ones in `figures`. */
  shown: number;
  /** null when no council in the set has MIN_ANSWERS answers. */
  figures: Figures | null;
};

export type SurveyListItem = { survey: SurveyRow; status: SurveyStatus; total: Total };

export type SurveyView = {
  survey: SurveyRow;
  status: SurveyStatus;
  councils: SurveyCouncil[];
  /** The last day one can answer: closes_on, or the day it was closed early. */
  lastDay: string;
  /** Results for the councils the viewer may see; null for those who may see none (network persons). */
  results: {
    total: Total;
    /** `figures` is null for a council with fewer than MIN_ANSWERS answers. */
    perCouncil: { councilId: number; name: string; figures: Figures | null }[];
    /** Closed or past its last day: ratings, means and comments are shown (of councils shown). */
    over: boolean;
    /** Staff only, from councils with MIN_ANSWERS answers, once the survey is over; null for others. */
    comments: string[] | null;
  } | null;
  /** The person's answer state; null when they are not asked or the survey is not open. */
  answer: { answered: boolean; canAnswer: boolean; councils: SurveyCouncil[] } | null;
  canClose: boolean;
};

export type SurveysServiceDeps = Pick<Core, 'db' | 'mailer' | 'audit' | 'now' | 'baseUrl'> & {
  surveys: SurveysRepository;
};

/**
 * A council's figures — answers, response rate, distribution, mean, comments — are shown to every
 * reader, staff too, only from this many answers on (docs/domain.md#survey-anonymity).
 */
export const MIN_ANSWERS = 5;

/** Whether a council's figures may be shown to anyone: at least MIN_ANSWERS answers in it. */
export const showsCouncil = (answered: number): boolean => answered >= MIN_ANSWERS;

/**
 * The figures of councils that may be shown. Ratings and mean only once the survey is `over`:
 * while answers still come in, comparing the figures before and after someone answers would show
 * that one answer. How many answered may be followed while it is open.
 */
export function figuresOf(rows: readonly CouncilFigures[], invited: number, over: boolean): Figures {
  const ratings: [number, number, number, number] = [0, 0, 0, 0];
  for (const r of rows) {
    ratings[0] += r.r1;
    ratings[1] += r.r2;
    ratings[2] += r.r3;
    ratings[3] += r.r4;
  }
  const answered = ratings[0] + ratings[1] + ratings[2] + ratings[3];
  const sum = ratings[0] + 2 * ratings[1] + 3 * ratings[2] + 4 * ratings[3];
  return {
    invited,
    answered,
    rate: invited > 0 ? answered / invited : null,
    ratings: over ? ratings : null,
    mean: over && answered > 0 ? sum / answered : null,
  };
}

/** One survey's councils in a reader's view, and whether the survey is over. */
type Scope = { surveyId: number; councilIds: number[]; over: boolean };

/** What a reader may see of one survey over a scope: each council, and the councils together. */
type Tally = { perCouncil: Map<number, Figures | null>; total: Total; shownIds: number[] };

const EMPTY_TOTAL: Total = { councils: 0, shown: 0, figures: null };

/** The report's sentences for a total: nothing counted, or only some councils counted, or ratings later. */
function notesOf(total: Total, over: boolean): SurveyNote[] {
  if (total.figures === null) {
    return [{ key: total.councils > 1 ? 'surveys.results.none_shown' : 'surveys.results.hidden' }];
  }
  const notes: SurveyNote[] = [];
  if (total.shown < total.councils) {
    notes.push({ key: 'surveys.results.partial', params: { shown: total.shown, councils: total.councils } });
  }
  if (!over) notes.push({ key: 'surveys.results.ratings_after_close' });
  return notes;
}

/**
 * Surveys of network persons: staff open one for a period and councils (invitations go out through
 * the outbox), asked members answer once, and the results are read per council — comments only by
 * staff, and never with a name.
 */
export class SurveysService {
  constructor(private readonly deps: SurveysServiceDeps) {}

  today(): string {
    return localDate(this.deps.now());
  }

  /** The day answering stopped or stops: closes_on, or the Copenhagen day it was closed early. */
  private lastDay(s: SurveyRow): string {
    if (!s.closed_at) return s.closes_on;
    const closedDay = localDate(s.closed_at);
    // Calendar dates compare as strings (YYYY-MM-DD).
    if (closedDay >= s.closes_on) return s.closes_on;
    return closedDay;
  }

  statusOf(s: SurveyRow): SurveyStatus {
    const today = this.today();
    if (s.closed_at) return 'closed';
    if (today < s.opens_on) return 'planned';
    if (today > s.closes_on) return 'ended';
    return 'open';
  }

  // ---------------------------------------------------------------- scope

  /** The survey's councils whose figures the actor may see. */
  private figureCouncils(actor: Actor, councilIds: number[]): number[] {
    return councilIds.filter((id) => surveyPolicy.canSeeFiguresOf(actor, id));
  }

  /** Closed early or past its last day: no more answers can change the figures. */
  private static isOver(status: SurveyStatus): boolean {
    return status === 'closed' || status === 'ended';
  }

  /**
   * What may be shown of each survey over its scope, the same for every reader: a council's figures
   * only from MIN_ANSWERS answers on, and a total only over such councils — a total that included a
   * council with 1–4 answers would give it away by subtracting the shown councils. Two queries for
   * all the surveys: the councils, then — for surveys where only some councils are shown — the
   * people asked in those councils (someone in two of them counts once).
   */
  private tally(scopes: readonly Scope[]): Map<number, Tally> {
    const fetched = this.deps.surveys.figures(
      scopes.flatMap((s) => s.councilIds.map((c) => [s.surveyId, c] as const)),
    );
    const shownRows = new Map<number, CouncilFigures[]>();
    for (const s of scopes) {
      shownRows.set(
        s.surveyId,
        (fetched.get(s.surveyId)?.rows ?? []).filter((r) => showsCouncil(r.answered)),
      );
    }
    const partly = scopes.filter((s) => {
      const shown = shownRows.get(s.surveyId)?.length ?? 0;
      return shown > 0 && shown < s.councilIds.length;
    });
    const refetched = this.deps.surveys.figures(
      partly.flatMap((s) =>
        (shownRows.get(s.surveyId) ?? []).map((r) => [s.surveyId, r.council_id] as const),
      ),
    );
    const tallies = new Map<number, Tally>();
    for (const s of scopes) {
      const rows = fetched.get(s.surveyId)?.rows ?? [];
      const shown = shownRows.get(s.surveyId) ?? [];
      const invited =
        shown.length === rows.length ? fetched.get(s.surveyId)?.invited : refetched.get(s.surveyId)?.invited;
      const perCouncil = new Map<number, Figures | null>(s.councilIds.map((id) => [id, null]));
      for (const r of shown) perCouncil.set(r.council_id, figuresOf([r], r.invited, s.over));
      tallies.set(s.surveyId, {
        perCouncil,
        total: {
          councils: s.councilIds.length,
          shown: shown.length,
          figures: shown.length > 0 ? figuresOf(shown, invited ?? 0, s.over) : null,
        },
        shownIds: shown.map((r) => r.council_id),
      });
    }
    return tallies;
  }

  /**
   * Comments for staff: from the councils shown (MIN_ANSWERS answers) that the actor handles, of
   * surveys that are over — a comment appearing while the survey is open would point at whoever
   * just answered.
   */
  private commentsFor(actor: Actor, scopes: readonly Scope[], tallies: Map<number, Tally>) {
    return this.deps.surveys.comments(
      scopes
        .filter((s) => s.over)
        .flatMap((s) =>
          (tallies.get(s.surveyId)?.shownIds ?? [])
            .filter((id) => surveyPolicy.canSeeCommentsOf(actor, id))
            .map((id) => [s.surveyId, id] as const),
        ),
    );
  }

  // ---------------------------------------------------------------- the form

  canCreate(actor: Actor): boolean {
    return surveyPolicy.canCreateAny(actor);
  }

  /** Councils the actor may ask, grouped by municipality for the form. */
  askableCouncils(actor: Actor): { municipality: string; councils: CouncilOption[] }[] {
    return groupByMunicipality(
      this.deps.surveys.activeCouncils().filter((c) => surveyPolicy.canAskCouncil(actor, c.id)),
    );
  }

  // ---------------------------------------------------------------- writing

  /** Opens a survey and queues one invitation per asked person, in one transaction. */
  create(actor: Actor, form: SurveyForm, ctx: RequestContext = {}): number {
    ensure(surveyPolicy.canCreateAny(actor));
    const active = this.deps.surveys.activeCouncils();
    let councilIds: number[];
    if (form.whole_district) {
      if (!actor.isDistrictAdmin)
        throw new ConflictError('surveys.errors.council_not_allowed', 'council_ids');
      councilIds = active.map((c) => c.id);
    } else {
      const activeIds = new Set(active.map((c) => c.id));
      councilIds = [...new Set(form.council_ids)];
      for (const id of councilIds) {
        if (!activeIds.has(id) || !surveyPolicy.canAskCouncil(actor, id)) {
          throw new ConflictError('surveys.errors.council_not_allowed', 'council_ids');
        }
      }
    }
    if (councilIds.length === 0) throw new ConflictError('surveys.errors.councils_required', 'council_ids');
    const now = this.deps.now().toISOString();
    return this.deps.db.transaction(() => {
      const id = this.deps.surveys.insert(
        { title: form.title, intro: form.intro, opensOn: form.opens_on, closesOn: form.closes_on },
        councilIds,
        actor.id,
        now,
      );
      const recipients = this.deps.surveys.recipients(id);
      this.deps.audit.record(actor, 'survey.created', id, ctx, {
        councils: councilIds,
        opensOn: form.opens_on,
        closesOn: form.closes_on,
        invited: recipients.length,
      });
      this.deps.mailer.queueEach(recipients, (r) => ({
        kind: 'survey_invitation',
        subjectKey: 'surveys.mail.invitation.subject',
        params: {
          title: form.title,
          opens: formatDate(form.opens_on, r.locale),
          closes: formatDate(form.closes_on, r.locale),
        },
        paragraphKeys: [
          'surveys.mail.invitation.intro',
          'surveys.mail.invitation.period',
          'surveys.mail.invitation.anonymous',
          'surveys.mail.invitation.small_groups',
        ],
        action: { labelKey: 'surveys.mail.invitation.action', url: `${this.deps.baseUrl()}/surveys/${id}` },
      }));
      return id;
    })();
  }

  /** Stops answering now. Closing an already closed survey changes nothing. */
  close(actor: Actor, id: number, ctx: RequestContext = {}): void {
    const survey = this.deps.surveys.findById(id);
    if (!survey) throw new NotFoundError();
    ensure(surveyPolicy.canManage(actor, this.deps.surveys.councilIdsOf(id)));
    const status = this.statusOf(survey);
    if (status === 'ended' || status === 'closed') return;
    this.deps.db.transaction(() => {
      if (!this.deps.surveys.close(id, actor.id, this.deps.now().toISOString())) return;
      this.deps.audit.record(actor, 'survey.closed', id, ctx, {
        closesOn: survey.closes_on,
        wasOpen: status === 'open',
      });
    })();
  }

  /**
   * One answer per person: refused (ConflictError without a field) when they already answered —
   * checked first, and enforced by survey_participants' PRIMARY KEY when two submits race. That the
   * person answered and what they answered are written apart, in one transaction (see the migration).
   */
  respond(actor: Actor, id: number, form: ResponseForm): void {
    const choices = this.answerableCouncilIds(actor, id);
    if (this.deps.surveys.hasAnswered(id, actor.id))
      throw new ConflictError('surveys.errors.already_answered');
    let councilId: number | undefined;
    if (choices.length === 1) councilId = choices[0];
    else councilId = choices.find((c) => c === form.council_id);
    if (councilId === undefined) throw new ConflictError('surveys.errors.council_required', 'council_id');
    try {
      this.deps.db
        .transaction(() => {
          if (this.deps.surveys.hasAnswered(id, actor.id)) {
            throw new ConflictError('surveys.errors.already_answered');
          }
          this.deps.surveys.insertResponse({
            surveyId: id,
            userId: actor.id,
            councilId,
            rating: form.rating,
            comment: form.comment,
          });
        })
        .immediate();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new ConflictError('surveys.errors.already_answered');
      }
      throw err;
    }
  }

  /**
   * The asked councils the person may answer for now. NotFoundError — the same 404 as the survey
   * page gives — when the survey does not exist, is not open, or does not ask them. Cheap (two
   * small reads): POST /surveys/:id/responses checks it before validating the form.
   */
  answerableCouncilIds(actor: Actor, id: number): number[] {
    const survey = this.deps.surveys.findById(id);
    if (!survey || this.statusOf(survey) !== 'open') throw new NotFoundError();
    const answerable = surveyPolicy.answerableCouncilIds(actor, this.deps.surveys.councilIdsOf(id));
    if (answerable.length === 0) throw new NotFoundError();
    return answerable;
  }

  // ---------------------------------------------------------------- reading

  /**
   * The survey page: results for those who may see figures of an asked council, the answer form
   * for asked members while it is open. Anyone else — and a network person outside the window —
   * gets 404.
   */
  view(actor: Actor, id: number): SurveyView {
    const survey = this.deps.surveys.findById(id);
    if (!survey) throw new NotFoundError();
    const councils = this.deps.surveys.councilsOf(id);
    const councilIds = councils.map((c) => c.id);
    const status = this.statusOf(survey);
    const figureIds = this.figureCouncils(actor, councilIds);
    const answerable = surveyPolicy.answerableCouncilIds(actor, councilIds);
    const answer =
      answerable.length > 0 && status === 'open'
        ? (() => {
            const answered = this.deps.surveys.hasAnswered(id, actor.id);
            return {
              answered,
              canAnswer: !answered,
              councils: councils.filter((c) => answerable.includes(c.id)),
            };
          })()
        : null;
    ensure(figureIds.length > 0 || answer !== null);

    let results: SurveyView['results'] = null;
    if (figureIds.length > 0) {
      const over = SurveysService.isOver(status);
      const scope: Scope = { surveyId: id, councilIds: figureIds, over };
      const tallies = this.tally([scope]);
      const tally = tallies.get(id);
      results = {
        total: tally?.total ?? EMPTY_TOTAL,
        perCouncil: councils
          .filter((c) => figureIds.includes(c.id))
          .map((c) => ({ councilId: c.id, name: c.name, figures: tally?.perCouncil.get(c.id) ?? null })),
        over,
        comments: surveyPolicy.isStaff(actor)
          ? (this.commentsFor(actor, [scope], tallies).get(id) ?? [])
          : null,
      };
    }
    return {
      survey,
      status,
      councils,
      lastDay: this.lastDay(survey),
      results,
      answer,
      canClose: surveyPolicy.canManage(actor, councilIds) && (status === 'open' || status === 'planned'),
    };
  }

  /** GET /surveys: surveys asking the councils whose figures the actor may see, with those figures. */
  list(actor: Actor): SurveyListItem[] {
    ensure(surveyPolicy.usesSurveyList(actor));
    const listed = this.deps.surveys
      .listFor({ all: actor.isDistrictAdmin, councilIds: policy.memberListCouncilIds(actor) }, 200)
      .map((l) => ({ ...l, status: this.statusOf(l.survey) }));
    const tallies = this.tally(
      listed.map((l) => ({
        surveyId: l.survey.id,
        councilIds: this.figureCouncils(actor, l.councilIds),
        over: SurveysService.isOver(l.status),
      })),
    );
    return listed.map(({ survey, status }) => ({
      survey,
      status,
      total: tallies.get(survey.id)?.total ?? EMPTY_TOTAL,
    }));
  }

  /** The start page notice: open surveys the person is asked in and has not answered. */
  pendingFor(actor: Actor): PendingSurvey[] {
    if (actor.memberships.length === 0) return [];
    return this.deps.surveys.pendingFor(actor.id, this.today());
  }

  /**
   * For the evaluation report (/stats): surveys whose answering window overlaps [from, to] and that
   * asked one of `councilIds`, counted only over those councils — of which the ones the actor may
   * not see are ignored, and of the rest only those with MIN_ANSWERS answers are counted (the same
   * rule as the survey page, so choosing other councils cannot subtract a small one out). Ratings,
   * mean and comments once the survey is over; comments only for officers and district admins.
   */
  resultsForReport(actor: Actor, query: SurveyReportQuery): SurveyResult[] {
    const allowed = [...new Set(query.councilIds)].filter((id) => surveyPolicy.canSeeFiguresOf(actor, id));
    if (allowed.length === 0 || query.from > query.to) return [];
    const listed = this.deps.surveys
      .overlapping(query.from, query.to, allowed)
      .map((l) => ({ ...l, status: this.statusOf(l.survey), lastDay: this.lastDay(l.survey) }))
      // Closed early: the window ends on the day it was closed (and a survey closed before it opened never ran).
      .filter((l) => l.lastDay >= l.survey.opens_on && l.lastDay >= query.from)
      // Only surveys asking one of the allowed councils are read (overlapping's condition).
      .filter((l) => l.councilIds.some((id) => allowed.includes(id)));
    const scopes: Scope[] = listed.map((l) => ({
      surveyId: l.survey.id,
      councilIds: l.councilIds.filter((id) => allowed.includes(id)),
      over: SurveysService.isOver(l.status),
    }));
    const tallies = this.tally(scopes);
    const comments = surveyPolicy.isStaff(actor) ? this.commentsFor(actor, scopes, tallies) : undefined;
    return listed.map(({ survey, lastDay, status }) => {
      const total = tallies.get(survey.id)?.total ?? EMPTY_TOTAL;
      const f = total.figures;
      return {
        id: survey.id,
        title: survey.title,
        opensOn: survey.opens_on,
        closesOn: lastDay,
        councils: total.councils,
        councilsShown: total.shown,
        invited: f ? f.invited : null,
        answered: f ? f.answered : null,
        ratings: f ? f.ratings : null,
        mean: f ? f.mean : null,
        notes: notesOf(total, SurveysService.isOver(status)),
        // Nothing to list (and no "nobody commented") while open or when no council is shown.
        comments:
          comments && f && SurveysService.isOver(status) ? (comments.get(survey.id) ?? []) : undefined,
      };
    });
  }
}
