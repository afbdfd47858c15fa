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

/**
 * People asked *now* in the councils: active memberships (network person or council admin) of
 * active users in active councils. `answered_too` = 1 when the person is a participant of the
 * survey (has answered — for which council is not stored).
 */
const ASKED_NOW = `
  SELECT DISTINCT ms.user_id, ms.council_id,
         EXISTS (SELECT 1 FROM survey_participants p
                  WHERE p.survey_id = @surveyId AND p.user_id = ms.user_id) AS answered_too
    FROM memberships ms
    JOIN users u ON u.id = ms.user_id AND u.status = 'active'
    JOIN councils c ON c.id = ms.council_id AND c.active = 1
   WHERE ms.active = 1 AND ms.council_id IN (SELECT value FROM json_each(@councils))`;

/** All SQL about surveys, their councils and their answers. */
export class SurveysRepository {
  constructor(private readonly db: Db) {}

  activeCouncils(): CouncilOption[] {
    return this.db
      .prepare<[], CouncilOption>(
        `SELECT c.id, c.name, c.municipality_id, mu.name AS municipality_name
           FROM councils c JOIN municipalities mu ON mu.id = c.municipality_id
          WHERE c.active = 1 ORDER BY mu.name, c.name`,
      )
      .all();
  }

  insert(
    fields: { title: string; intro: string; opensOn: string; closesOn: string },
    councilIds: number[],
    createdBy: number,
    now: string,
  ): number {
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO surveys (title, intro, opens_on, closes_on, created_by, created_at)
           VALUES (@title, @intro, @opensOn, @closesOn, @createdBy, @now)`,
        )
        .run({ ...fields, createdBy, now }).lastInsertRowid,
    );
    const insert = this.db.prepare('INSERT INTO survey_councils (survey_id, council_id) VALUES (?, ?)');
    for (const councilId of new Set(councilIds)) insert.run(id, councilId);
    return id;
  }

  /** Only an open or planned survey is closed; returns false when it already was. */
  close(id: number, userId: number, now: string): boolean {
    return (
      this.db
        .prepare('UPDATE surveys SET closed_at = ?, closed_by = ? WHERE id = ? AND closed_at IS NULL')
        .run(now, userId, id).changes === 1
    );
  }

  findById(id: number): SurveyRow | undefined {
    return this.db.prepare<[number], SurveyRow>(`${SELECT_SURVEY} WHERE s.id = ?`).get(id);
  }

  councilsOf(surveyId: number): SurveyCouncil[] {
    return this.db
      .prepare<[number], SurveyCouncil>(
        `SELECT c.id, c.name, mu.name AS municipality_name
           FROM survey_councils sc JOIN councils c ON c.id = sc.council_id
           JOIN municipalities mu ON mu.id = c.municipality_id
          WHERE sc.survey_id = ? ORDER BY mu.name, c.name`,
      )
      .all(surveyId);
  }

  /** Surveys asking any of the councils (all surveys when `all`), newest window first. */
  listFor(scope: { all: boolean; councilIds: number[] }, limit: number): SurveyRow[] {
    return this.db
      .prepare<Record<string, unknown>, SurveyRow>(
        `${SELECT_SURVEY}
          WHERE @all = 1 OR EXISTS (SELECT 1 FROM survey_councils sc WHERE sc.survey_id = s.id
                                      AND sc.council_id IN (SELECT value FROM json_each(@councils)))
          ORDER BY s.opens_on DESC, s.id DESC LIMIT @limit`,
      )
      .all({ all: scope.all ? 1 : 0, councils: JSON.stringify(scope.councilIds), limit });
  }

  /** Surveys asking any of the councils whose window [opens_on, closes_on] overlaps [from, to]. */
  overlapping(from: string, to: string, councilIds: number[]): SurveyRow[] {
    return this.db
      .prepare<Record<string, unknown>, SurveyRow>(
        `${SELECT_SURVEY}
          WHERE s.opens_on <= @to AND s.closes_on >= @from
            AND EXISTS (SELECT 1 FROM survey_councils sc WHERE sc.survey_id = s.id
                          AND sc.council_id IN (SELECT value FROM json_each(@councils)))
          ORDER BY s.opens_on, s.id`,
      )
      .all({ from, to, councils: JSON.stringify(councilIds) });
  }

  /**
   * Per council: invited, answered, and answers per rating. Who answered for which council is not
   * stored, so `invited` = the people asked now + the answers that the people asked now who have
   * answered cannot account for (people who answered and have since left). For someone in one
   * council this is exact; in any case invited ≥ answered, so a rate never passes 100 %.
   */
  figures(surveyId: number, councilIds: number[]): CouncilFigures[] {
    return this.db
      .prepare<Record<string, unknown>, CouncilFigures>(
        `WITH asked AS (${ASKED_NOW})
         SELECT sc.council_id,
                (SELECT count(*) FROM asked a WHERE a.council_id = sc.council_id)
                  + max(0, count(r.id)
                           - (SELECT count(*) FROM asked a WHERE a.council_id = sc.council_id AND a.answered_too))
                  AS invited,
                count(r.id) AS answered,
                count(CASE WHEN r.rating = 1 THEN 1 END) AS r1,
                count(CASE WHEN r.rating = 2 THEN 1 END) AS r2,
                count(CASE WHEN r.rating = 3 THEN 1 END) AS r3,
                count(CASE WHEN r.rating = 4 THEN 1 END) AS r4
           FROM survey_councils sc
           LEFT JOIN survey_responses r ON r.survey_id = sc.survey_id AND r.council_id = sc.council_id
          WHERE sc.survey_id = @surveyId AND sc.council_id IN (SELECT value FROM json_each(@councils))
          GROUP BY sc.council_id`,
      )
      .all({ surveyId, councils: JSON.stringify(councilIds) });
  }

  /**
   * Distinct people asked now in these councils (someone in two councils counts once), plus the
   * answers from these councils that those of them who answered cannot account for — as `figures`.
   */
  invitedTotal(surveyId: number, councilIds: number[]): number {
    return this.db
      .prepare<Record<string, unknown>, number>(
        `WITH asked AS (${ASKED_NOW}),
              people AS (SELECT user_id, max(answered_too) AS answered_too FROM asked GROUP BY user_id)
         SELECT (SELECT count(*) FROM people)
                + max(0, (SELECT count(*) FROM survey_responses r
                           WHERE r.survey_id = @surveyId
                             AND r.council_id IN (SELECT value FROM json_each(@councils)))
                         - (SELECT count(*) FROM people WHERE answered_too))`,
      )
      .pluck()
      .get({ surveyId, councils: JSON.stringify(councilIds) }) as number;
  }

  /**
   * Non-empty comments of answers from these councils, in Danish alphabetical order — never in the
   * order they came in (which could be matched with who answered when).
   */
  comments(surveyId: number, councilIds: number[]): string[] {
    const comments = this.db
      .prepare<Record<string, unknown>, string>(
        `SELECT comment FROM survey_responses
          WHERE survey_id = @surveyId AND comment <> ''
            AND council_id IN (SELECT value FROM json_each(@councils))`,
      )
      .pluck()
      .all({ surveyId, councils: JSON.stringify(councilIds) }) as string[];
    return comments.sort(byDanish);
  }

  hasAnswered(surveyId: number, userId: number): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM survey_participants WHERE survey_id = ? AND user_id = ?')
        .get(surveyId, userId) !== undefined
    );
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
    this.db
      .prepare('INSERT INTO survey_participants (survey_id, user_id) VALUES (?, ?)')
      .run(r.surveyId, r.userId);
    this.db
      .prepare(
        `INSERT INTO survey_responses (survey_id, council_id, rating, comment)
         VALUES (@surveyId, @councilId, @rating, @comment)`,
      )
      .run({ surveyId: r.surveyId, councilId: r.councilId, rating: r.rating, comment: r.comment });
  }

  /** Active users with an active membership in one of the survey's active councils, once each. */
  recipients(surveyId: number): Recipient[] {
    return this.db
      .prepare<[number], Recipient>(
        `SELECT DISTINCT u.id, u.email, u.name, u.locale
           FROM survey_councils sc
           JOIN councils c ON c.id = sc.council_id AND c.active = 1
           JOIN memberships ms ON ms.council_id = sc.council_id AND ms.active = 1
           JOIN users u ON u.id = ms.user_id AND u.status = 'active'
          WHERE sc.survey_id = ?
          ORDER BY u.id`,
      )
      .all(surveyId);
  }

  /** Open surveys (Copenhagen `today` inside the window, not closed) asking one of the person's councils, not yet answered. */
  pendingFor(userId: number, today: string): PendingSurvey[] {
    return this.db
      .prepare<Record<string, unknown>, PendingSurvey>(
        `SELECT s.id, s.title, s.closes_on FROM surveys s
          WHERE s.closed_at IS NULL AND s.opens_on <= @today AND s.closes_on >= @today
            AND EXISTS (SELECT 1 FROM survey_councils sc
                          JOIN memberships ms ON ms.council_id = sc.council_id AND ms.active = 1 AND ms.user_id = @userId
                          JOIN councils c ON c.id = sc.council_id AND c.active = 1
                         WHERE sc.survey_id = s.id)
            AND NOT EXISTS (SELECT 1 FROM survey_participants p WHERE p.survey_id = s.id AND p.user_id = @userId)
          ORDER BY s.closes_on, s.id`,
      )
      .all({ userId, today });
  }
}
