import type { Db } from '../../db/connection.js';

export type StatsCouncil = {
  id: number;
  name: string;
  municipality: string;
  is_pilot: 0 | 1;
  active: 0 | 1;
};

export type StatsCategory = { id: number; slug: string; label_da: string; label_en: string };

export type StatsDepartment = { id: number; name: string };

/**
 * One concern as the figures need it, read as an array (better-sqlite3's raw mode) because a
 * district's year is 100,000 of them: [id, councilId, categoryId, status, resolution, createdAt,
 * firstResponseAt, closedAt, hasFeedback, overdueNow].
 */
export type ConcernTuple = [
  number,
  number,
  number,
  string,
  string | null,
  string,
  string | null,
  string | null,
  0 | 1,
  0 | 1,
];

/** [concernId, departmentId, sentAt, acknowledgedAt, answeredAt]. */
export type ReferralTuple = [number, number, string, string | null, string | null];

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
 * All SQL of the evaluation. Concern figures come from one indexed range read per council
 * (concerns_council_created) and are counted in the service; meetings, newsletters and people are
 * small tables and are counted here.
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
      concerns: db
        .prepare(
          `SELECT c.id, c.council_id, c.category_id, c.status, c.resolution, c.created_at,
                  c.first_response_at, c.closed_at,
                  (c.feedback IS NOT NULL AND trim(c.feedback) <> '') AS has_feedback,
                  (c.status <> 'closed' AND c.first_response_at IS NULL AND c.paused_at IS NULL
                   AND c.due_at < @now) AS overdue
             FROM concerns c
            WHERE c.council_id IN ${IN_COUNCILS} AND c.created_at >= @start AND c.created_at < @end`,
        )
        .raw(true),
      referrals: db
        .prepare(
          `SELECT r.concern_id, r.department_id, r.created_at, r.acknowledged_at, r.answered_at
             FROM concerns c JOIN referrals r ON r.concern_id = c.id
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
          GROUP BY r.response`,
      ),
      newslettersSent: db.prepare<Record<string, string>, { n: number }>(
        `SELECT count(*) AS n FROM newsletters n
          WHERE n.status = 'sent' AND n.started_at >= @start AND n.started_at < @end
            AND (n.whole_district = 1 OR EXISTS (SELECT 1 FROM newsletter_councils nc
                   WHERE nc.newsletter_id = n.id AND nc.council_id IN ${IN_COUNCILS}))`,
      ),
      // Deliveries count for the chosen councils when the recipient is one of their members, so a
      // newsletter to the whole district adds to each council only its own members.
      deliveries: db.prepare<Record<string, string>, { status: string; n: number }>(
        `SELECT d.status, count(*) AS n
           FROM newsletters n JOIN newsletter_deliveries d ON d.newsletter_id = n.id
          WHERE n.status IN ('sending', 'paused', 'sent') AND n.started_at >= @start AND n.started_at < @end
            AND EXISTS (SELECT 1 FROM memberships ms
                         WHERE ms.user_id = d.user_id AND ms.council_id IN ${IN_COUNCILS})
          GROUP BY d.status`,
      ),
      // Members: active memberships of people who are not deactivated (as on the member lists).
      // Active: of those, who have logged in within the last 90 days.
      people: db.prepare<Record<string, string>, { council_id: number; members: number; active: number }>(
        `SELECT ms.council_id, count(*) AS members,
                sum(u.status = 'active' AND u.last_login_at >= @activeSince) AS active
           FROM memberships ms JOIN users u ON u.id = ms.user_id
          WHERE ms.active = 1 AND u.status <> 'deactivated' AND ms.council_id IN ${IN_COUNCILS}
          GROUP BY ms.council_id`,
      ),
      distinctPeople: db.prepare<Record<string, string>, { members: number; active: number }>(
        `SELECT count(*) AS members, coalesce(sum(u.status = 'active' AND u.last_login_at >= @activeSince), 0) AS active
           FROM users u
          WHERE u.status <> 'deactivated'
            AND EXISTS (SELECT 1 FROM memberships ms
                         WHERE ms.user_id = u.id AND ms.active = 1 AND ms.council_id IN ${IN_COUNCILS})`,
      ),
      lifecycle: db.prepare<Record<string, string>, LifecycleRow>(
        `SELECT c.id, m.name AS municipality, co.name AS council, k.slug AS category, c.status, c.resolution,
                (c.feedback IS NOT NULL AND trim(c.feedback) <> '') AS has_feedback,
                c.created_at, c.first_response_at, c.closed_at,
                (SELECT min(r.created_at) FROM referrals r WHERE r.concern_id = c.id) AS referred_at,
                (SELECT min(r.acknowledged_at) FROM referrals r WHERE r.concern_id = c.id) AS acknowledged_at,
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

  concerns(councilIds: number[], start: string, end: string, now: string): ConcernTuple[] {
    return this.s.concerns.all({ councils: JSON.stringify(councilIds), start, end, now }) as ConcernTuple[];
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

  lifecycle(councilIds: number[], start: string, end: string): IterableIterator<LifecycleRow> {
    return this.s.lifecycle.iterate({ councils: JSON.stringify(councilIds), start, end });
  }
}
