import type { Db } from '../../db/connection.js';
import { overdueSql } from '../concerns/concern-state.js';

export type StatsCouncil = {
  id: number;
  name: string;
  municipality: string;
  is_pilot: 0 | 1;
  active: 0 | 1;
};

export type StatsCategory = { id: number; slug: string; label_da: string; label_en: string };

export type StatsDepartment = { id: number; name: string };

/** Concerns counted per council, category, status and resolution (a few hundred rows at most). */
export type ConcernCountRow = {
  council_id: number;
  category_id: number;
  status: string;
  resolution: string | null;
  n: number;
  /** Of those, closed with a feedback text to the reporter. */
  feedback: number;
};

/**
 * [councilId, msToFirstResponse | null, msToClosing | null] — numbers only, read as arrays
 * (better-sqlite3's raw mode): a district's year is 100,000 of them, and strings would cost more
 * than the rest of the page.
 */
export type DurationTuple = [number, number | null, number | null];

/**
 * [councilId, concernId, departmentId, msToAcknowledge | null, msToAnswer | null]. An answer
 * without a separate acknowledgement counts as acknowledged at the answer.
 */
export type ReferralTuple = [number, number, number, number | null, number | null];

export type MeetingFigureRow = { kind: string; meetings: number; attendees: number; with_attendance: number };

export type LifecycleRow = {
  id: number;
  municipality: string;
  council: string;
  category: string;
  status: string;
  resolution: string | null;
  has_feedback: 0 | 1;
  created_at: string;
  first_response_at: string | null;
  referred_at: string | null;
  acknowledged_at: string | null;
  answered_at: string | null;
  closed_at: string | null;
  departments: string | null;
};

/** Councils are passed as a JSON array and read with json_each, so one prepared statement serves any selection. */
const IN_COUNCILS = '(SELECT value FROM json_each(@councils))';

/**
 * All SQL of the evaluation. Concerns are counted here, grouped; only the durations (numbers) are
 * read one per concern, for the medians and percentiles the service computes. Every concern query
 * is a range read of the index concerns_council_created per chosen council.
 */
export class StatsRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      councils: db.prepare<[], StatsCouncil>(
        `SELECT c.id, c.name, m.name AS municipality, c.is_pilot, c.active
           FROM councils c JOIN municipalities m ON m.id = c.municipality_id`,
      ),
      categories: db.prepare<[], StatsCategory>(
        'SELECT id, slug, label_da, label_en FROM categories ORDER BY sort_order, id',
      ),
      departments: db.prepare<[], StatsDepartment>('SELECT id, name FROM departments ORDER BY name, id'),
      // These three read only the covering index concerns_stats (migrations/0014_stats.sql).
      counts: db.prepare<Record<string, string>, ConcernCountRow>(
        `SELECT c.council_id, c.category_id, c.status, c.resolution, count(*) AS n,
                sum(c.has_feedback) AS feedback
           FROM concerns c INDEXED BY concerns_stats
          WHERE c.council_id IN ${IN_COUNCILS} AND c.created_at >= @start AND c.created_at < @end
          GROUP BY c.council_id, c.category_id, c.status, c.resolution`,
      ),
      // Overdue now (isOverdue of concerns/concern-state.ts) of the concerns created in the period.
      overdue: db.prepare<Record<string, string>, { council_id: number; n: number }>(
        `SELECT c.council_id, count(*) AS n FROM concerns c
          WHERE c.council_id IN ${IN_COUNCILS} AND ${overdueSql('c', '@now')}
            AND c.created_at >= @start AND c.created_at < @end
          GROUP BY c.council_id`,
      ),
      // Reads only the index concerns_council_created.
      count: db
        .prepare<Record<string, string>, number>(
          `SELECT count(*) FROM concerns c
            WHERE c.council_id IN ${IN_COUNCILS} AND c.created_at >= @start AND c.created_at < @end`,
        )
        .pluck(),
      durations: db
        .prepare(
          `SELECT c.council_id, c.first_response_ms, c.closing_ms
             FROM concerns c INDEXED BY concerns_stats
            WHERE c.council_id IN ${IN_COUNCILS} AND c.created_at >= @start AND c.created_at < @end
              AND (c.first_response_ms IS NOT NULL OR c.closing_ms IS NOT NULL)`,
        )
        .raw(true),
      // An answer without a separate acknowledgement counts as acknowledged at the answer.
      referrals: db
        .prepare(
          `SELECT c.council_id, r.concern_id, r.department_id, coalesce(r.acknowledge_ms, r.answer_ms), r.answer_ms
             FROM concerns c INDEXED BY concerns_stats
             JOIN referrals r INDEXED BY referrals_stats ON r.concern_id = c.id
            WHERE c.council_id IN ${IN_COUNCILS} AND c.created_at >= @start AND c.created_at < @end`,
        )
        .raw(true),
      // A meeting counts as held when it was not cancelled and has ended; it counts once even when
      // several of the chosen councils took part (a fællesmøde).
      meetings: db.prepare<Record<string, string>, MeetingFigureRow>(
        `SELECT m.kind, count(*) AS meetings, coalesce(sum(m.attendance), 0) AS attendees,
                count(m.attendance) AS with_attendance
           FROM meetings m
          WHERE m.status = 'planned' AND m.starts_at >= @start AND m.starts_at < @end AND m.ends_at <= @now
            AND EXISTS (SELECT 1 FROM meeting_councils mc
                         WHERE mc.meeting_id = m.id AND mc.council_id IN ${IN_COUNCILS})
          GROUP BY m.kind`,
      ),
      meetingAnswers: db.prepare<Record<string, string>, { response: string; n: number }>(
        `SELECT r.response, count(*) AS n
           FROM meetings m JOIN meeting_responses r ON r.meeting_id = m.id
          WHERE m.status = 'planned' AND m.starts_at >= @start AND m.starts_at < @end AND m.ends_at <= @now
            AND EXISTS (SELECT 1 FROM meeting_councils mc
                         WHERE mc.meeting_id = m.id AND mc.council_id IN ${IN_COUNCILS})
            -- A fællesmøde invites several councils: only the answers of the chosen councils' members.
            AND EXISTS (SELECT 1 FROM memberships ms
                         WHERE ms.user_id = r.user_id AND +ms.council_id IN ${IN_COUNCILS})
          GROUP BY r.response`,
      ),
      newslettersSent: db.prepare<Record<string, string>, { n: number }>(
        `SELECT count(*) AS n FROM newsletters n
          WHERE n.status = 'sent' AND n.started_at >= @start AND n.started_at < @end
            AND (n.whole_district = 1 OR EXISTS (SELECT 1 FROM newsletter_councils nc
                   WHERE nc.newsletter_id = n.id AND nc.council_id IN ${IN_COUNCILS}))`,
      ),
      // Deliveries of the newsletters counted above count for the chosen councils when the
      // recipient is (or was) one of their members, so a newsletter to the whole district or to
      // several councils adds to each council only its own members.
      deliveries: db.prepare<Record<string, string>, { status: string; n: number }>(
        `SELECT d.status, count(*) AS n
           FROM newsletters n JOIN newsletter_deliveries d ON d.newsletter_id = n.id
          WHERE n.status IN ('sending', 'paused', 'sent') AND n.started_at >= @start AND n.started_at < @end
            AND (n.whole_district = 1 OR EXISTS (SELECT 1 FROM newsletter_councils nc
                   WHERE nc.newsletter_id = n.id AND nc.council_id IN ${IN_COUNCILS}))
            -- The unary + keeps SQLite from probing the index once per chosen council for every
            -- delivery: it looks the recipient's few memberships up by user instead (268 → 32 ms).
            AND EXISTS (SELECT 1 FROM memberships ms
                         WHERE ms.user_id = d.user_id AND +ms.council_id IN ${IN_COUNCILS})
          GROUP BY d.status`,
      ),
      // Members: active memberships of people who are not deactivated (as on the member lists).
      // Active: of those, who have logged in within the last 90 days. An invitation to an existing
      // account that waits for consent (invitee_id) counts as one more member who has not logged in
      // — exactly as an invitation to a new address — so the figure cannot tell the two apart.
      people: db.prepare<Record<string, string>, { council_id: number; members: number; active: number }>(
        `SELECT ms.council_id, count(*) AS members,
                coalesce(sum(ms.user_id IS NOT NULL AND u.status = 'active' AND u.last_login_at >= @activeSince), 0) AS active
           FROM memberships ms JOIN users u ON u.id = coalesce(ms.user_id, ms.invitee_id)
          WHERE ms.active = 1 AND (ms.user_id IS NULL OR u.status <> 'deactivated') AND ms.council_id IN ${IN_COUNCILS}
          GROUP BY ms.council_id`,
      ),
      distinctPeople: db.prepare<Record<string, string>, { members: number; active: number }>(
        `SELECT count(DISTINCT CASE WHEN ms.user_id IS NOT NULL THEN 'u' || ms.user_id ELSE 'p' || ms.id END) AS members,
                count(DISTINCT CASE WHEN ms.user_id IS NOT NULL AND u.status = 'active'
                                     AND u.last_login_at >= @activeSince THEN ms.user_id END) AS active
           FROM memberships ms JOIN users u ON u.id = coalesce(ms.user_id, ms.invitee_id)
          WHERE ms.active = 1 AND (ms.user_id IS NULL OR u.status <> 'deactivated') AND ms.council_id IN ${IN_COUNCILS}`,
      ),
      lifecycle: db.prepare<Record<string, string>, LifecycleRow>(
        `SELECT c.id, m.name AS municipality, co.name AS council,
                CASE @locale WHEN 'en' THEN k.label_en ELSE k.label_da END AS category, c.status, c.resolution,
                c.has_feedback,
                c.created_at, c.first_response_at, c.closed_at,
                (SELECT min(r.created_at) FROM referrals r WHERE r.concern_id = c.id) AS referred_at,
                (SELECT min(coalesce(r.acknowledged_at, r.answered_at)) FROM referrals r
                  WHERE r.concern_id = c.id) AS acknowledged_at,
                (SELECT min(r.answered_at) FROM referrals r WHERE r.concern_id = c.id) AS answered_at,
                (SELECT group_concat(name, ', ') FROM (
                   SELECT DISTINCT d.name FROM referrals r JOIN departments d ON d.id = r.department_id
                    WHERE r.concern_id = c.id ORDER BY d.name)) AS departments
           FROM concerns c
           JOIN councils co ON co.id = c.council_id
           JOIN municipalities m ON m.id = co.municipality_id
           JOIN categories k ON k.id = c.category_id
          WHERE c.council_id IN ${IN_COUNCILS} AND c.created_at >= @start AND c.created_at < @end
          ORDER BY c.created_at, c.id`,
      ),
    };
  }

  councils(): StatsCouncil[] {
    return this.s.councils.all();
  }
  categories(): StatsCategory[] {
    return this.s.categories.all();
  }
  departments(): StatsDepartment[] {
    return this.s.departments.all();
  }

  counts(councilIds: number[], start: string, end: string): ConcernCountRow[] {
    return this.s.counts.all({ councils: JSON.stringify(councilIds), start, end });
  }

  /** Overdue now, per council, of the concerns created in the range. */
  overdue(councilIds: number[], start: string, end: string, now: string): Map<number, number> {
    const rows = this.s.overdue.all({ councils: JSON.stringify(councilIds), start, end, now });
    return new Map(rows.map((r) => [r.council_id, r.n]));
  }

  /** How many concerns were created in each of the consecutive ranges bounds[i] … bounds[i + 1]. */
  countsBetween(councilIds: number[], bounds: string[]): number[] {
    const councils = JSON.stringify(councilIds);
    return bounds
      .slice(0, -1)
      .map((start, i) => this.s.count.get({ councils, start, end: bounds[i + 1] as string }) ?? 0);
  }

  durations(councilIds: number[], start: string, end: string): DurationTuple[] {
    return this.s.durations.all({ councils: JSON.stringify(councilIds), start, end }) as DurationTuple[];
  }

  referrals(councilIds: number[], start: string, end: string): ReferralTuple[] {
    return this.s.referrals.all({ councils: JSON.stringify(councilIds), start, end }) as ReferralTuple[];
  }

  meetings(councilIds: number[], start: string, end: string, now: string) {
    const params = { councils: JSON.stringify(councilIds), start, end, now };
    return { byKind: this.s.meetings.all(params), answers: this.s.meetingAnswers.all(params) };
  }

  newsletters(councilIds: number[], start: string, end: string) {
    const params = { councils: JSON.stringify(councilIds), start, end };
    return {
      sent: this.s.newslettersSent.get(params)?.n ?? 0,
      deliveries: this.s.deliveries.all(params),
    };
  }

  people(councilIds: number[], activeSince: string) {
    const params = { councils: JSON.stringify(councilIds), activeSince };
    return {
      perCouncil: this.s.people.all(params),
      total: this.s.distinctPeople.get(params) ?? { members: 0, active: 0 },
    };
  }

  lifecycle(
    councilIds: number[],
    start: string,
    end: string,
    locale: 'da' | 'en',
  ): IterableIterator<LifecycleRow> {
    return this.s.lifecycle.iterate({ councils: JSON.stringify(councilIds), start, end, locale });
  }
}
