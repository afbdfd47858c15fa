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
  ListedSurvey,
  PendingSurvey,
  SurveyCouncil,
  SurveyFigures,
  SurveyRow,
  SurveysRepository,
} from './surveys.repository.js';
import type { ResponseForm, SurveyForm } from './surveys.schemas.js';

/** One survey's results as the evaluation report shows them. */
export type SurveyResult = {
  id: number;
  title: string;
  opensOn: string;
  closesOn: string;
  /** Network persons who were asked (active members of the survey's councils in scope). */
  invited: number;
  answered: number;
  /**
   * Answers per rating, index 0 = rating 1 … index 3 = rating 4. null when withheld: readers who
   * are not staff of every council in scope see them only from MIN_ANSWERS answers on.
   */
  ratings: [number, number, number, number] | null;
  /** Mean rating, null without answers or when the ratings are withheld. */
  mean: number | null;
  /** Free-text comments, only for staff (officers, district admins); undefined for others. */
  comments?: string[];
};

export type SurveyReportQuery = { from: string; to: string; councilIds: number[] };

export type SurveyStatus = 'planned' | 'open' | 'ended' | 'closed';

/** Figures for a set of councils (one council, or all those the viewer may see). */
export type Figures = {
  invited: number;
  answered: number;
  /** null when withheld (too few answers for a reader who is not staff); see `showsRatings`. */
  ratings: [number, number, number, number] | null;
  /** null without answers or when withheld. */
  mean: number | null;
  /** answered / invited, null when nobody was asked. */
  rate: number | null;
};

export type SurveyListItem = { survey: SurveyRow; status: SurveyStatus; figures: Figures };

export type SurveyView = {
  survey: SurveyRow;
  status: SurveyStatus;
  councils: SurveyCouncil[];
  /** The last day one can answer: closes_on, or the day it was closed early. */
  lastDay: string;
  /** Results for the councils the viewer may see; null for those who may see none (network persons). */
  results: {
    total: Figures;
    perCouncil: (Figures & { councilId: number; name: string })[];
    /** Staff only; null for council admins. */
    comments: string[] | null;
    /** Staff of every council shown: exact figures. Otherwise ratings from MIN_ANSWERS answers on. */
    exact: boolean;
  } | null;
  /** The person's answer state; null when they are not asked or the survey is not open. */
  answer: { answered: boolean; canAnswer: boolean; councils: SurveyCouncil[] } | null;
  canClose: boolean;
};

export type SurveysServiceDeps = Pick<Core, 'db' | 'mailer' | 'audit' | 'now' | 'baseUrl'> & {
  surveys: SurveysRepository;
};

/** Readers who are not staff see a council's ratings and mean only from this many answers on. */
export const MIN_ANSWERS = 5;

/**
 * Whether a reader may see the ratings and mean of a set of councils. Staff (`exact`) always may.
 * Others only once the survey is over (`over`), when at least MIN_ANSWERS answered in the set AND no council in it has 1 to
 * MIN_ANSWERS − 1 answers — otherwise subtracting one shown figure from another (a total minus a
 * council, or two choices of councils in the report) would give a small council's answers away.
 */
export function showsRatings(exact: boolean, answeredPerCouncil: number[], over = true): boolean {
  if (exact) return true;
  // While answers still come in, comparing the figures before and after someone answers would give
  // that answer away: others see them only once the survey is over.
  if (!over) return false;
  const total = answeredPerCouncil.reduce((a, b) => a + b, 0);
  return total >= MIN_ANSWERS && answeredPerCouncil.every((n) => n === 0 || n >= MIN_ANSWERS);
}

function summarise(rows: CouncilFigures[], invited: number, exact: boolean, over = true): Figures {
  const ratings: [number, number, number, number] = [0, 0, 0, 0];
  for (const r of rows) {
    ratings[0] += r.r1;
    ratings[1] += r.r2;
    ratings[2] += r.r3;
    ratings[3] += r.r4;
  }
  const answered = ratings[0] + ratings[1] + ratings[2] + ratings[3];
  const sum = ratings[0] + 2 * ratings[1] + 3 * ratings[2] + 4 * ratings[3];
  const shown = showsRatings(
    exact,
    rows.map((r) => r.r1 + r.r2 + r.r3 + r.r4),
    over,
  );
  return {
    invited,
    answered,
    ratings: shown ? ratings : null,
    mean: shown && answered > 0 ? sum / answered : null,
    rate: invited > 0 ? answered / invited : null,
  };
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

  private commentCouncils(actor: Actor, councilIds: number[]): number[] {
    return councilIds.filter((id) => surveyPolicy.canSeeCommentsOf(actor, id));
  }

  /** Exact figures only for staff of every one of these councils; others get the MIN_ANSWERS rule. */
  private exactFor(actor: Actor, councilIds: number[]): boolean {
    return councilIds.every((id) => surveyPolicy.seesExactFiguresOf(actor, id));
  }

  /** Closed early or past its last day: no more answers can change the figures. */
  private static isOver(status: SurveyStatus): boolean {
    return status === 'closed' || status === 'ended';
  }

  /**
   * Figures of each listed survey over its asked councils that are among `visibleIds` (the
   * councils in scope the actor may see figures of), read in one query for all the surveys.
   */
  private figuresOfListed(
    actor: Actor,
    listed: (ListedSurvey & { status: SurveyStatus })[],
    visibleIds: number[],
  ): Map<number, Figures> {
    const visible = new Set(visibleIds);
    const fetched = this.deps.surveys.figures(
      listed.map((l) => l.survey.id),
      visibleIds,
    );
    const figures = new Map<number, Figures>();
    for (const { survey, councilIds, status } of listed) {
      const inScope = councilIds.filter((id) => visible.has(id));
      figures.set(survey.id, this.figuresFor(actor, fetched.get(survey.id), inScope, status));
    }
    return figures;
  }

  private figuresFor(
    actor: Actor,
    fetched: SurveyFigures | undefined,
    councilIds: number[],
    status: SurveyStatus,
  ): Figures {
    if (councilIds.length === 0) return summarise([], 0, true);
    return summarise(
      fetched?.rows ?? [],
      fetched?.invited ?? 0,
      this.exactFor(actor, councilIds),
      SurveysService.isOver(status),
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
      const fetched = this.deps.surveys.figures([id], figureIds).get(id);
      const rows = fetched?.rows ?? [];
      const byId = new Map(rows.map((r) => [r.council_id, r]));
      const commentIds = this.commentCouncils(actor, councilIds);
      const exact = this.exactFor(actor, figureIds);
      const over = SurveysService.isOver(status);
      results = {
        total: summarise(rows, fetched?.invited ?? 0, exact, over),
        perCouncil: councils
          .filter((c) => figureIds.includes(c.id))
          .map((c) => {
            const row = byId.get(c.id);
            return {
              councilId: c.id,
              name: c.name,
              ...summarise(row ? [row] : [], row?.invited ?? 0, this.exactFor(actor, [c.id]), over),
            };
          }),
        comments:
          surveyPolicy.isStaff(actor) && commentIds.length > 0
            ? (this.deps.surveys.comments([id], commentIds).get(id) ?? [])
            : null,
        exact,
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
    const asked = [...new Set(listed.flatMap((l) => l.councilIds))];
    const figures = this.figuresOfListed(actor, listed, this.figureCouncils(actor, asked));
    return listed.map(({ survey, status }) => ({
      survey,
      status,
      figures: figures.get(survey.id) ?? summarise([], 0, true),
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
   * not see are ignored. Comments only for officers and district admins. Ratings and mean are null
   * for a reader who is not staff of every council in scope unless `showsRatings` allows them.
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
    const figures = this.figuresOfListed(actor, listed, allowed);
    const comments = surveyPolicy.isStaff(actor)
      ? this.deps.surveys.comments(
          listed.map((l) => l.survey.id),
          this.commentCouncils(actor, allowed),
        )
      : undefined;
    return listed.map(({ survey, lastDay }) => {
      const f = figures.get(survey.id) ?? summarise([], 0, true);
      return {
        id: survey.id,
        title: survey.title,
        opensOn: survey.opens_on,
        closesOn: lastDay,
        invited: f.invited,
        answered: f.answered,
        ratings: f.ratings,
        mean: f.mean,
        comments: comments ? (comments.get(survey.id) ?? []) : undefined,
      };
    });
  }
}
