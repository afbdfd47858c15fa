import type { Db } from '../../db/connection.js';

export type SurveyRow = {
  id: number;
  title: string;
  intro: string;
  opens_on: string;
  closes_on: string;
  created_by: number | null;
  created_by_name: string | null;
  created_at: string;
  closed_at: string | null;
  closed_by: number | null;
};

export type SurveyCouncil = { id: number; name: string; municipality_name: string };

export type CouncilOption = { id: number; name: string; municipality_id: number; municipality_name: string };

export type Recipient = { id: number; email: string; name: string; locale: 'da' | 'en' };

/** Figures of one council in one survey. */
export type CouncilFigures = {
  council_id: number;
  /** People asked now, plus answers from people who are no longer asked (see `figures`). */
  invited: number;
  answered: number;
  r1: number;
  r2: number;
  r3: number;
  r4: number;
};

export type PendingSurvey = { id: number; title: string; closes_on: string };

/** Danish alphabetical order (æ, ø, å last). */
const DANISH = new Intl.Collator('da', { numeric: true });
const byDanish = (a: string, b: string) => DANISH.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

const SELECT_SURVEY = `SELECT s.*, u.name AS created_by_name FROM surveys s LEFT JOIN users u ON u.id = s.created_by`;

/** The asked councils' ids of each survey row, as a JSON array (read with `withCouncilIds`). */
const COUNCIL_IDS = `(SELECT json_group_array(sc.council_id) FROM survey_councils sc WHERE sc.survey_id = s.id) AS council_ids`;

/** A survey row with the ids of the councils it asked. */
export type ListedSurvey = { survey: SurveyRow; councilIds: number[] };

const withCouncilIds = ({ council_ids, ...survey }: SurveyRow & { council_ids: string }): ListedSurvey => ({
  survey,
  councilIds: JSON.parse(council_ids) as number[],
});

/** One survey's figures over a set of its councils: per council, and the distinct people asked. */
export type SurveyFigures = { rows: CouncilFigures[]; invited: number };

type FiguresRow = CouncilFigures & { survey_id: number; survey_invited: number };

/** Councils are passed as a JSON array, so one prepared statement serves any selection. */
const IN_COUNCILS = '(SELECT value FROM json_each(@councils))';

/**
 * The (survey, council) pairs to count, passed as a JSON array of [surveyId, councilId] so that one
 * prepared statement serves any selection — each survey over its own set of councils. Only pairs
 * the survey asked count.
 */
const PICKED = `SELECT DISTINCT sc.survey_id, sc.council_id FROM json_each(@pairs) j
                  JOIN survey_councils sc ON sc.survey_id = json_extract(j.value, '$[0]')
                                         AND sc.council_id = json_extract(j.value, '$[1]')`;

/** Pairs of survey and council id, for `figures` and `comments`. */
export type SurveyCouncilPair = readonly [surveyId: number, councilId: number];

/**
 * Figures of several surveys at once, each over its picked councils (@pairs).
 *
 * `asked`: the people asked *now* per survey and council — active memberships (network person or
 * council admin) of active users in active councils. A council's `invited` is that number, or the
 * number of its answers if more (people who answered and have since left), so a rate never passes
 * 100 %; `survey_invited` does the same over the survey's councils together (someone in two
 * councils counts once). Neither looks at *who* answered (survey_participants): if it did, a
 * member leaving would move the figure by whether they had answered, and show it.
 */
const FIGURES = `
  WITH picked AS (${PICKED}),
       asked AS (
         SELECT DISTINCT p.survey_id, ms.user_id, ms.council_id
           FROM picked p
           JOIN memberships ms ON ms.council_id = p.council_id AND ms.active = 1
           JOIN users u ON u.id = ms.user_id AND u.status = 'active'
           JOIN councils c ON c.id = ms.council_id AND c.active = 1),
       asked_per_council AS (
         SELECT survey_id, council_id, count(*) AS n FROM asked GROUP BY survey_id, council_id),
       people_per_survey AS (
         SELECT survey_id, count(DISTINCT user_id) AS n FROM asked GROUP BY survey_id),
       answers AS (
         SELECT p.survey_id, p.council_id,
                count(r.id) AS answered,
                count(CASE WHEN r.rating = 1 THEN 1 END) AS r1,
                count(CASE WHEN r.rating = 2 THEN 1 END) AS r2,
                count(CASE WHEN r.rating = 3 THEN 1 END) AS r3,
                count(CASE WHEN r.rating = 4 THEN 1 END) AS r4
           FROM picked p
           LEFT JOIN survey_responses r ON r.survey_id = p.survey_id AND r.council_id = p.council_id
          GROUP BY p.survey_id, p.council_id),
       answers_per_survey AS (SELECT survey_id, sum(answered) AS answered FROM answers GROUP BY survey_id)
  SELECT a.survey_id, a.council_id,
         max(coalesce(apc.n, 0), a.answered) AS invited,
         a.answered, a.r1, a.r2, a.r3, a.r4,
         max(coalesce(pps.n, 0), aps.answered) AS survey_invited
    FROM answers a
    JOIN answers_per_survey aps ON aps.survey_id = a.survey_id
    LEFT JOIN asked_per_council apc ON apc.survey_id = a.survey_id AND apc.council_id = a.council_id
    LEFT JOIN people_per_survey pps ON pps.survey_id = a.survey_id
   ORDER BY a.survey_id, a.council_id`;

/** All SQL about surveys, their councils and their answers. Fixed statements are prepared once. */
export class SurveysRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      activeCouncils: db.prepare<[], CouncilOption>(
        `SELECT c.id, c.name, c.municipality_id, mu.name AS municipality_name
           FROM councils c JOIN municipalities mu ON mu.id = c.municipality_id
          WHERE c.active = 1 ORDER BY mu.name, c.name`,
      ),
      insert: db.prepare(
        `INSERT INTO surveys (title, intro, opens_on, closes_on, created_by, created_at)
         VALUES (@title, @intro, @opensOn, @closesOn, @createdBy, @now)`,
      ),
      insertCouncil: db.prepare('INSERT INTO survey_councils (survey_id, council_id) VALUES (?, ?)'),
      close: db.prepare('UPDATE surveys SET closed_at = ?, closed_by = ? WHERE id = ? AND closed_at IS NULL'),
      findById: db.prepare<[number], SurveyRow>(`${SELECT_SURVEY} WHERE s.id = ?`),
      councilsOf: db.prepare<[number], SurveyCouncil>(
        `SELECT c.id, c.name, mu.name AS municipality_name
           FROM survey_councils sc JOIN councils c ON c.id = sc.council_id
           JOIN municipalities mu ON mu.id = c.municipality_id
          WHERE sc.survey_id = ? ORDER BY mu.name, c.name`,
      ),
      councilIdsOf: db
        .prepare<[number], number>('SELECT council_id FROM survey_councils WHERE survey_id = ?')
        .pluck(),
      listFor: db.prepare<Record<string, unknown>, SurveyRow & { council_ids: string }>(
        `SELECT s.*, u.name AS created_by_name, ${COUNCIL_IDS}
           FROM surveys s LEFT JOIN users u ON u.id = s.created_by
          WHERE @all = 1 OR EXISTS (SELECT 1 FROM survey_councils sc WHERE sc.survey_id = s.id
                                      AND sc.council_id IN ${IN_COUNCILS})
          ORDER BY s.opens_on DESC, s.id DESC LIMIT @limit`,
      ),
      overlapping: db.prepare<Record<string, unknown>, SurveyRow & { council_ids: string }>(
        `SELECT s.*, u.name AS created_by_name, ${COUNCIL_IDS}
           FROM surveys s LEFT JOIN users u ON u.id = s.created_by
          WHERE s.opens_on <= @to AND s.closes_on >= @from
            AND EXISTS (SELECT 1 FROM survey_councils sc WHERE sc.survey_id = s.id
                          AND sc.council_id IN ${IN_COUNCILS})
          ORDER BY s.opens_on, s.id`,
      ),
      figures: db.prepare<Record<string, unknown>, FiguresRow>(FIGURES),
      comments: db.prepare<Record<string, unknown>, { survey_id: number; comment: string }>(
        `SELECT r.survey_id, r.comment FROM (${PICKED}) p
           JOIN survey_responses r ON r.survey_id = p.survey_id AND r.council_id = p.council_id
          WHERE r.comment <> ''`,
      ),
      hasAnswered: db.prepare('SELECT 1 FROM survey_participants WHERE survey_id = ? AND user_id = ?'),
      insertParticipant: db.prepare('INSERT INTO survey_participants (survey_id, user_id) VALUES (?, ?)'),
      insertResponse: db.prepare(
        `INSERT INTO survey_responses (survey_id, council_id, rating, comment)
         VALUES (@surveyId, @councilId, @rating, @comment)`,
      ),
      recipients: db.prepare<[number], Recipient>(
        `SELECT DISTINCT u.id, u.email, u.name, u.locale
           FROM survey_councils sc
           JOIN councils c ON c.id = sc.council_id AND c.active = 1
           JOIN memberships ms ON ms.council_id = sc.council_id AND ms.active = 1
           JOIN users u ON u.id = ms.user_id AND u.status = 'active'
          WHERE sc.survey_id = ?
          ORDER BY u.id`,
      ),
      pendingFor: db.prepare<Record<string, unknown>, PendingSurvey>(
        `SELECT s.id, s.title, s.closes_on FROM surveys s
          WHERE s.closed_at IS NULL AND s.opens_on <= @today AND s.closes_on >= @today
            AND EXISTS (SELECT 1 FROM survey_councils sc
                          JOIN memberships ms ON ms.council_id = sc.council_id AND ms.active = 1 AND ms.user_id = @userId
                          JOIN councils c ON c.id = sc.council_id AND c.active = 1
                         WHERE sc.survey_id = s.id)
            AND NOT EXISTS (SELECT 1 FROM survey_participants p WHERE p.survey_id = s.id AND p.user_id = @userId)
          ORDER BY s.closes_on, s.id`,
      ),
    };
  }

  /** Cross-feature duplicate of meetings.repository's active councils (left as is). */
  activeCouncils(): CouncilOption[] {
    return this.s.activeCouncils.all();
  }

  insert(
    fields: { title: string; intro: string; opensOn: string; closesOn: string },
    councilIds: number[],
    createdBy: number,
    now: string,
  ): number {
    const id = Number(this.s.insert.run({ ...fields, createdBy, now }).lastInsertRowid);
    for (const councilId of new Set(councilIds)) this.s.insertCouncil.run(id, councilId);
    return id;
  }

  /** Only an open or planned survey is closed; returns false when it already was. */
  close(id: number, userId: number, now: string): boolean {
    return this.s.close.run(now, userId, id).changes === 1;
  }

  findById(id: number): SurveyRow | undefined {
    return this.s.findById.get(id);
  }

  councilsOf(surveyId: number): SurveyCouncil[] {
    return this.s.councilsOf.all(surveyId);
  }

  /** The ids of the councils the survey asked (no names; for the checks before an answer). */
  councilIdsOf(surveyId: number): number[] {
    return this.s.councilIdsOf.all(surveyId) as number[];
  }

  /** Surveys asking any of the councils (all surveys when `all`), newest window first, with their councils. */
  listFor(scope: { all: boolean; councilIds: number[] }, limit: number): ListedSurvey[] {
    return this.s.listFor
      .all({ all: scope.all ? 1 : 0, councils: JSON.stringify(scope.councilIds), limit })
      .map(withCouncilIds);
  }

  /** Surveys asking any of the councils whose window [opens_on, closes_on] overlaps [from, to], with their councils. */
  overlapping(from: string, to: string, councilIds: number[]): ListedSurvey[] {
    return this.s.overlapping.all({ from, to, councils: JSON.stringify(councilIds) }).map(withCouncilIds);
  }

  /**
   * Per survey, over its picked councils: invited, answered and answers per rating per council, and
   * the distinct people invited in those councils together (see FIGURES). One query for all the
   * surveys. A survey without picked councils is missing. These are raw figures: which of them may
   * be shown is the service's rule (docs/domain.md#survey-anonymity).
   */
  figures(pairs: readonly SurveyCouncilPair[]): Map<number, SurveyFigures> {
    const bySurvey = new Map<number, SurveyFigures>();
    if (pairs.length === 0) return bySurvey;
    const rows = this.s.figures.all({ pairs: JSON.stringify(pairs) });
    for (const { survey_id, survey_invited, ...row } of rows) {
      const entry = bySurvey.get(survey_id) ?? { rows: [], invited: survey_invited };
      entry.rows.push(row);
      bySurvey.set(survey_id, entry);
    }
    return bySurvey;
  }

  /**
   * Per survey: non-empty comments of answers from its picked councils, in Danish alphabetical
   * order — never in the order they came in (which could be matched with who answered when). A
   * survey without such comments is missing.
   */
  comments(pairs: readonly SurveyCouncilPair[]): Map<number, string[]> {
    const bySurvey = new Map<number, string[]>();
    if (pairs.length === 0) return bySurvey;
    const rows = this.s.comments.all({ pairs: JSON.stringify(pairs) });
    for (const { survey_id, comment } of rows) {
      const list = bySurvey.get(survey_id) ?? [];
      list.push(comment);
      bySurvey.set(survey_id, list);
    }
    for (const list of bySurvey.values()) list.sort(byDanish);
    return bySurvey;
  }

  hasAnswered(surveyId: number, userId: number): boolean {
    return this.s.hasAnswered.get(surveyId, userId) !== undefined;
  }

  /**
   * Records that the person answered (survey_participants) and, apart from it, the answer without
   * person or time (survey_responses). Call inside a transaction: both or neither. A second answer
   * by the same person fails on the participants' PRIMARY KEY (SQLITE_CONSTRAINT_PRIMARYKEY).
   */
  insertResponse(r: {
    surveyId: number;
    userId: number;
    councilId: number;
    rating: number;
    comment: string;
  }): void {
    this.s.insertParticipant.run(r.surveyId, r.userId);
    this.s.insertResponse.run({
      surveyId: r.surveyId,
      councilId: r.councilId,
      rating: r.rating,
      comment: r.comment,
    });
  }

  /** Active users with an active membership in one of the survey's active councils, once each. */
  recipients(surveyId: number): Recipient[] {
    return this.s.recipients.all(surveyId);
  }

  /** Open surveys (Copenhagen `today` inside the window, not closed) asking one of the person's councils, not yet answered. */
  pendingFor(userId: number, today: string): PendingSurvey[] {
    return this.s.pendingFor.all({ userId, today });
  }
}
