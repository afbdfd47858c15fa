/**
 * Known data for the evaluation's tests (/stats), written straight into the app's SQLite with
 * exact timestamps, so every figure can be computed by hand and asserted exactly.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/db/connection.js';

export const HOUR = 3_600_000;

/** An ISO string `hours` after `iso` (real elapsed time). */
export const plusHours = (iso: string, hours: number) =>
  new Date(Date.parse(iso) + hours * HOUR).toISOString();

export type ConcernSeed = {
  councilId: number;
  category: string;
  createdAt: string;
  status?: 'new' | 'in_progress' | 'awaiting_department' | 'closed';
  firstResponseAt?: string | null;
  closedAt?: string | null;
  resolution?: 'resolved' | 'referred_closed' | 'not_police' | 'duplicate' | null;
  feedback?: string | null;
  dueAt?: string | null;
  pausedAt?: string | null;
  reporterId?: number | null;
  title?: string;
  description?: string;
  location?: string;
};

export type MeetingSeed = {
  kind: 'borgermoede' | 'netvaerksmoede' | 'faellesmoede';
  startsAt: string;
  endsAt: string;
  councilIds: number[];
  status?: 'planned' | 'cancelled';
  attendance?: number | null;
  responses?: [userId: number, response: 'yes' | 'no' | 'maybe'][];
};

export type NewsletterSeed = {
  status: 'draft' | 'scheduled' | 'sending' | 'paused' | 'sent' | 'cancelled';
  startedAt: string | null;
  wholeDistrict?: boolean;
  councilIds?: number[];
  deliveries?: [userId: number, status: 'pending' | 'sending' | 'sent' | 'failed'][];
};

export class StatsSeed {
  private readonly passwordHash: string | null;

  constructor(
    private readonly db: Db,
    private readonly createdAt = '2015-02-24T10:00:00.000Z',
  ) {
    // Reuse the demo password's hash when there is one, so seeded people can log in.
    this.passwordHash =
      (db.prepare('SELECT password_hash FROM users WHERE password_hash IS NOT NULL LIMIT 1').pluck().get() as
        | string
        | undefined) ?? null;
  }

  municipality(name: string): number {
    const existing = this.db.prepare('SELECT id FROM municipalities WHERE name = ?').pluck().get(name);
    if (existing) return existing as number;
    return Number(
      this.db.prepare('INSERT INTO municipalities (name, created_at) VALUES (?, ?)').run(name, this.createdAt)
        .lastInsertRowid,
    );
  }

  council(name: string, municipality: string, options: { pilot?: boolean } = {}): number {
    return Number(
      this.db
        .prepare(
          'INSERT INTO councils (municipality_id, name, slug, is_pilot, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(
          this.municipality(municipality),
          name,
          `seed-${randomUUID()}`,
          options.pilot ? 1 : 0,
          this.createdAt,
        ).lastInsertRowid,
    );
  }

  councilId(slug: string): number {
    return this.db.prepare('SELECT id FROM councils WHERE slug = ?').pluck().get(slug) as number;
  }

  userId(email: string): number {
    return this.db.prepare('SELECT id FROM users WHERE email = ?').pluck().get(email) as number;
  }

  categoryId(slug: string): number {
    return this.db.prepare('SELECT id FROM categories WHERE slug = ?').pluck().get(slug) as number;
  }

  departmentId(name: string): number {
    return this.db.prepare('SELECT id FROM departments WHERE name = ?').pluck().get(name) as number;
  }

  user(
    email: string,
    options: {
      name?: string;
      status?: 'invited' | 'active' | 'deactivated';
      lastLoginAt?: string | null;
      officer?: boolean;
    } = {},
  ): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO users (email, name, password_hash, status, is_officer, last_login_at, privacy_accepted_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          email,
          options.name ?? email,
          this.passwordHash,
          options.status ?? 'active',
          options.officer ? 1 : 0,
          options.lastLoginAt ?? null,
          this.createdAt,
          this.createdAt,
          this.createdAt,
        ).lastInsertRowid,
    );
  }

  lastLogin(userId: number, at: string | null): void {
    this.db.prepare('UPDATE users SET last_login_at = ? WHERE id = ?').run(at, userId);
  }

  member(
    userId: number,
    councilId: number,
    options: { role?: 'network_person' | 'council_admin'; active?: boolean } = {},
  ): void {
    this.db
      .prepare(
        `INSERT INTO memberships (user_id, council_id, role, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        userId,
        councilId,
        options.role ?? 'network_person',
        options.active === false ? 0 : 1,
        this.createdAt,
        this.createdAt,
      );
  }

  assignOfficer(officerId: number, councilId: number): void {
    this.db
      .prepare('INSERT INTO officer_assignments (officer_id, council_id, created_at) VALUES (?, ?, ?)')
      .run(officerId, councilId, this.createdAt);
  }

  concern(c: ConcernSeed): number {
    const status = c.status ?? 'new';
    return Number(
      this.db
        .prepare(
          `INSERT INTO concerns (council_id, reporter_id, category_id, title, description, location, status,
                                 due_at, paused_at, first_response_at, resolution, feedback, created_at, updated_at, closed_at)
           VALUES (@council, @reporter, @category, @title, @description, @location, @status,
                   @due, @paused, @responded, @resolution, @feedback, @created, @created, @closed)`,
        )
        .run({
          council: c.councilId,
          reporter: c.reporterId ?? null,
          category: this.categoryId(c.category),
          title: c.title ?? 'Bekymring',
          description: c.description ?? 'Beskrivelse',
          location: c.location ?? '',
          status,
          due: c.dueAt ?? null,
          paused: c.pausedAt ?? null,
          responded: c.firstResponseAt ?? null,
          resolution: c.resolution ?? null,
          feedback: c.feedback ?? null,
          created: c.createdAt,
          closed: c.closedAt ?? null,
        }).lastInsertRowid,
    );
  }

  referral(r: {
    concernId: number;
    department: string;
    sentAt: string;
    acknowledgedAt?: string | null;
    answeredAt?: string | null;
  }): number {
    const status = r.answeredAt ? 'answered' : r.acknowledgedAt ? 'acknowledged' : 'sent';
    return Number(
      this.db
        .prepare(
          `INSERT INTO referrals (concern_id, department_id, note, status, token_hash, token_expires_at, answer,
                                  created_at, acknowledged_at, answered_at)
           VALUES (?, ?, 'Notat', ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          r.concernId,
          this.departmentId(r.department),
          status,
          randomUUID(),
          plusHours(r.sentAt, 24 * 30),
          r.answeredAt ? 'Svar fra afdelingen' : null,
          r.sentAt,
          r.acknowledgedAt ?? null,
          r.answeredAt ?? null,
        ).lastInsertRowid,
    );
  }

  meeting(m: MeetingSeed): number {
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO meetings (kind, title, starts_at, ends_at, location, status, attendance, created_at, updated_at)
           VALUES (?, 'Møde', ?, ?, 'Hallen', ?, ?, ?, ?)`,
        )
        .run(
          m.kind,
          m.startsAt,
          m.endsAt,
          m.status ?? 'planned',
          m.attendance ?? null,
          this.createdAt,
          this.createdAt,
        ).lastInsertRowid,
    );
    const link = this.db.prepare('INSERT INTO meeting_councils (meeting_id, council_id) VALUES (?, ?)');
    for (const council of m.councilIds) link.run(id, council);
    const respond = this.db.prepare(
      'INSERT INTO meeting_responses (meeting_id, user_id, response, updated_at) VALUES (?, ?, ?, ?)',
    );
    for (const [user, response] of m.responses ?? []) respond.run(id, user, response, this.createdAt);
    return id;
  }

  newsletter(n: NewsletterSeed): number {
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO newsletters (title, body_markdown, body_html, whole_district, status, started_at, finished_at, created_at, updated_at)
           VALUES ('Nyhedsbrev', 'Tekst', '<p>Tekst</p>', ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          n.wholeDistrict ? 1 : 0,
          n.status,
          n.startedAt,
          n.status === 'sent' ? n.startedAt : null,
          this.createdAt,
          this.createdAt,
        ).lastInsertRowid,
    );
    const link = this.db.prepare('INSERT INTO newsletter_councils (newsletter_id, council_id) VALUES (?, ?)');
    for (const council of n.councilIds ?? []) link.run(id, council);
    const deliver = this.db.prepare(
      `INSERT INTO newsletter_deliveries (newsletter_id, user_id, email, status, next_attempt_at, message_id, sent_at)
       SELECT ?, id, email, ?, ?, ?, ? FROM users WHERE id = ?`,
    );
    for (const [user, status] of n.deliveries ?? []) {
      deliver.run(id, status, n.startedAt ?? this.createdAt, `<${randomUUID()}@seed>`, null, user);
    }
    return id;
  }
}

/** The fixed "now" of the evaluation scenario: Friday 20 November 2026, 12:00 in Copenhagen. */
export const SCENARIO_NOW = new Date('2026-11-20T11:00:00.000Z');

/** Strings that must never appear in a concerns export. */
export const SECRETS = {
  title: 'HEMMELIG-TITEL',
  description: 'HEMMELIG-BESKRIVELSE',
  location: 'HEMMELIG-STED',
  feedback: 'HEMMELIG-TILBAGEMELDING',
};

export type Scenario = ReturnType<typeof seedScenario>;

/**
 * The evaluation scenario on top of the demo (3 pilot councils in Næstved, demo users): two more
 * councils (Rønnede in Faxe, Stubbekøbing in Guldborgsund, not pilot), a second officer covering
 * Glumsø and Rønnede, 21 concerns with referrals, meetings, newsletters and logins chosen so that
 * every figure of the report for 1.3.–30.4.2026 can be computed by hand (see the tests).
 */
export function seedScenario(db: Db) {
  const s = new StatsSeed(db);
  const G = s.councilId('glumsoe');
  const F = s.councilId('fladsaa');
  const V = s.councilId('vestegn');
  const X = s.council('Rønnede Lokalråd', 'Faxe');
  const Y = s.council('Stubbekøbing Lokalråd', 'Guldborgsund');

  const hal = s.userId('hal@glumsoe.example');
  const formand = s.userId('formand@glumsoe.example');
  const brugs = s.userId('brugs@fladsaa.example');
  const vest = s.userId('vest@vestegn.example');
  const betjent = s.userId('betjent@politi.example');

  // People (now − 90 days = 2026-08-22T11:00:00Z).
  s.lastLogin(formand, '2026-11-01T08:00:00.000Z'); // active
  s.lastLogin(hal, '2026-10-01T08:00:00.000Z'); // active
  s.lastLogin(brugs, '2026-06-01T08:00:00.000Z'); // inactive
  s.lastLogin(vest, null); // never logged in
  const g3 = s.user('g3@seed.example', { lastLoginAt: '2026-08-22T10:59:59.999Z' }); // 1 ms too early
  s.member(g3, G);
  const g4 = s.user('g4@seed.example', { status: 'invited' });
  s.member(g4, G);
  const g5 = s.user('g5@seed.example', { status: 'deactivated', lastLoginAt: '2026-11-19T08:00:00.000Z' });
  s.member(g5, G); // deactivated: not a member
  const g6 = s.user('g6@seed.example', { lastLoginAt: '2026-11-19T08:00:00.000Z' });
  s.member(g6, G, { active: false }); // membership ended: not a member
  const x1 = s.user('x1@seed.example', { lastLoginAt: '2026-08-22T11:00:00.000Z' }); // exactly 90 days
  s.member(x1, X);
  const dobbelt = s.user('dobbelt@seed.example', { lastLoginAt: '2026-11-19T08:00:00.000Z' });
  s.member(dobbelt, F);
  s.member(dobbelt, X);
  const y1 = s.user('y1@seed.example', { lastLoginAt: '2025-01-01T08:00:00.000Z' });
  s.member(y1, Y);
  const officer2 = s.user('betjent2@politi.example', { name: 'Officer To', officer: true });
  s.assignOfficer(officer2, G);
  s.assignOfficer(officer2, X);

  const secret = (n: string) => ({
    title: `${SECRETS.title} ${n}`,
    description: `${SECRETS.description} ${n}`,
    location: `${SECRETS.location} ${n}`,
    reporterId: hal,
  });
  const h = plusHours;

  // The current period 1.3.–30.4.2026 (summer time from 29.3. 01:00 UTC).
  const c1 = '2026-02-28T23:00:00.000Z'; // 1 March 00:00 local
  s.concern({
    ...secret('c1'),
    councilId: G,
    category: 'tryghed',
    createdAt: c1,
    status: 'closed',
    firstResponseAt: h(c1, 2),
    closedAt: h(c1, 10),
    resolution: 'resolved',
    feedback: `${SECRETS.feedback} tak`,
    dueAt: h(c1, 1),
  });
  const c2 = '2026-03-10T09:00:00.000Z';
  const c2id = s.concern({
    ...secret('c2'),
    councilId: G,
    category: 'indbrud',
    createdAt: c2,
    status: 'closed',
    firstResponseAt: h(c2, 4),
    closedAt: h(c2, 30),
    resolution: 'referred_closed',
  });
  s.referral({
    concernId: c2id,
    department: 'Lokalpolitiet',
    sentAt: h(c2, 1),
    acknowledgedAt: h(c2, 4),
    answeredAt: h(c2, 21),
  });
  // Across the spring-forward night: 01:30 CET → 03:30 CEST is one hour.
  s.concern({
    ...secret('c3'),
    councilId: G,
    category: 'tryghed',
    createdAt: '2026-03-29T00:30:00.000Z',
    status: 'in_progress',
    firstResponseAt: '2026-03-29T01:30:00.000Z',
    dueAt: '2026-03-30T00:00:00.000Z',
  });
  const c4 = '2026-03-31T21:30:00.000Z'; // 31 March 23:30 local: March
  s.concern({
    ...secret('c4'),
    councilId: F,
    category: 'haervaerk',
    createdAt: c4,
    status: 'closed',
    firstResponseAt: h(c4, 8),
    closedAt: h(c4, 48),
    resolution: 'not_police',
    feedback: '   ',
  });
  s.concern({
    ...secret('c5'),
    councilId: F,
    category: 'unge',
    createdAt: '2026-03-31T22:30:00.000Z', // 1 April 00:30 local: April
    dueAt: '2026-04-03T22:30:00.000Z', // overdue now
  });
  const c6 = '2026-04-15T10:00:00.000Z';
  const c6id = s.concern({
    ...secret('c6'),
    councilId: V,
    category: 'trafik',
    createdAt: c6,
    status: 'awaiting_department',
    firstResponseAt: h(c6, 6),
    pausedAt: h(c6, 6),
    dueAt: h(c6, 72),
  });
  // Answered without a separate acknowledgement: acknowledged at the answer (50 h).
  s.referral({ concernId: c6id, department: 'Færdsel', sentAt: h(c6, 2), answeredAt: h(c6, 52) });
  s.referral({ concernId: c6id, department: 'SSP', sentAt: h(c6, 3), acknowledgedAt: h(c6, 4) });
  s.concern({
    ...secret('c7'),
    councilId: V,
    category: 'trafik',
    createdAt: '2026-04-30T21:59:59.000Z', // 30 April 23:59:59 local
    dueAt: '2026-12-01T00:00:00.000Z', // not yet due
  });
  const c8 = '2026-04-02T08:00:00.000Z';
  const c8id = s.concern({
    ...secret('c8'),
    councilId: X,
    category: 'narko',
    createdAt: c8,
    status: 'closed',
    firstResponseAt: h(c8, 12),
    closedAt: h(c8, 100),
    resolution: 'duplicate',
    feedback: 'ok',
  });
  s.referral({
    concernId: c8id,
    department: 'Lokalpolitiet',
    sentAt: h(c8, 2),
    acknowledgedAt: h(c8, 7),
    answeredAt: h(c8, 9),
  });
  s.concern({
    ...secret('c9'),
    councilId: X,
    category: 'andet',
    createdAt: '2026-03-15T12:00:00.000Z',
    dueAt: '2026-03-18T12:00:00.000Z', // overdue now
  });
  const c10 = '2026-04-20T06:00:00.000Z';
  const c10id = s.concern({
    ...secret('c10'),
    councilId: Y,
    category: 'brand',
    createdAt: c10,
    status: 'closed',
    firstResponseAt: h(c10, 20),
    closedAt: h(c10, 24),
    resolution: 'resolved',
  });
  s.referral({
    concernId: c10id,
    department: 'Beredskab',
    sentAt: h(c10, 1),
    acknowledgedAt: h(c10, 2),
    answeredAt: h(c10, 3),
  });
  s.referral({ concernId: c10id, department: 'Beredskab', sentAt: h(c10, 10), acknowledgedAt: h(c10, 13) });

  // Edges of the daylight-saving periods, all "new" without a due date.
  const edge = (createdAt: string, councilId = G) =>
    s.concern({ ...secret(createdAt), councilId, category: 'svindel', createdAt });
  edge('2026-03-28T22:59:00.000Z'); // e1: 28 March 23:59 local
  edge('2026-03-28T23:10:00.000Z'); // e2: 29 March 00:10 local
  edge('2026-10-25T22:50:00.000Z'); // e3: 25 October 23:50 local (winter time again)
  edge('2026-10-25T23:00:00.000Z'); // e4: 26 October 00:00 local
  edge('2026-10-31T22:30:00.000Z'); // e5: 31 October 23:30 local
  edge('2026-10-31T23:30:00.000Z'); // e6: 1 November 00:30 local

  // The previous period 30.12.2025–28.2.2026 and around it.
  const p1 = '2026-02-28T22:59:00.000Z'; // 28 February 23:59 local
  const p1id = s.concern({
    ...secret('p1'),
    councilId: G,
    category: 'tryghed',
    createdAt: p1,
    status: 'closed',
    firstResponseAt: h(p1, 3),
    closedAt: h(p1, 5),
    resolution: 'resolved',
    feedback: 'x',
  });
  s.referral({ concernId: p1id, department: 'Forebyggelse', sentAt: h(p1, 1), acknowledgedAt: h(p1, 2) });
  s.concern({
    ...secret('p2'),
    councilId: X,
    category: 'andet',
    createdAt: '2026-01-10T10:00:00.000Z',
    dueAt: '2026-01-13T10:00:00.000Z',
  });
  edge('2025-12-29T22:59:00.000Z', F); // p3: 29 December 23:59 local, before the previous period
  edge('2026-04-30T22:00:00.000Z', V); // p4: 1 May 00:00 local, after the current period
  edge('2025-12-29T23:00:00.000Z', F); // p5: 30 December 00:00 local, first moment of the previous period

  // Meetings.
  s.meeting({
    kind: 'netvaerksmoede',
    startsAt: '2026-03-05T17:00:00.000Z',
    endsAt: '2026-03-05T19:00:00.000Z',
    councilIds: [G],
    attendance: 12,
    responses: [
      [hal, 'yes'],
      [formand, 'yes'],
      [brugs, 'no'],
    ],
  });
  s.meeting({
    kind: 'borgermoede',
    startsAt: '2026-04-10T16:00:00.000Z',
    endsAt: '2026-04-10T18:00:00.000Z',
    councilIds: [G, F],
    attendance: 30,
    responses: [
      [vest, 'maybe'],
      [hal, 'no'],
    ],
  });
  s.meeting({
    kind: 'faellesmoede',
    startsAt: '2026-04-20T17:00:00.000Z',
    endsAt: '2026-04-20T19:00:00.000Z',
    councilIds: [X],
    responses: [[x1, 'yes']],
  });
  s.meeting({
    kind: 'netvaerksmoede',
    startsAt: '2026-03-20T17:00:00.000Z',
    endsAt: '2026-03-20T19:00:00.000Z',
    councilIds: [G],
    status: 'cancelled',
    attendance: 99,
    responses: [[hal, 'yes']],
  });
  s.meeting({
    kind: 'netvaerksmoede',
    startsAt: '2026-04-30T21:30:00.000Z', // 30 April 23:30 local
    endsAt: '2026-04-30T23:00:00.000Z',
    councilIds: [V],
    attendance: 5,
  });
  s.meeting({
    kind: 'borgermoede',
    startsAt: '2026-11-20T10:00:00.000Z', // going on now: not held yet
    endsAt: '2026-11-20T12:00:00.000Z',
    councilIds: [G],
    attendance: 40,
    responses: [[hal, 'yes']],
  });
  s.meeting({
    kind: 'netvaerksmoede',
    startsAt: '2026-02-10T17:00:00.000Z', // previous period
    endsAt: '2026-02-10T19:00:00.000Z',
    councilIds: [G],
    attendance: 8,
  });

  // Newsletters.
  s.newsletter({
    status: 'sent',
    startedAt: '2026-03-03T09:00:00.000Z',
    wholeDistrict: true,
    deliveries: [
      [hal, 'sent'],
      [formand, 'sent'],
      [brugs, 'failed'],
      [vest, 'sent'],
      [x1, 'sent'],
      [y1, 'failed'],
      [betjent, 'sent'], // not a member of any council: not counted
    ],
  });
  s.newsletter({
    status: 'sent',
    startedAt: '2026-04-05T09:00:00.000Z',
    councilIds: [G],
    deliveries: [
      [hal, 'sent'],
      [formand, 'sent'],
    ],
  });
  s.newsletter({
    status: 'sending',
    startedAt: '2026-04-28T09:00:00.000Z',
    councilIds: [F],
    deliveries: [[brugs, 'pending']],
  });
  s.newsletter({ status: 'cancelled', startedAt: null, councilIds: [G] });
  s.newsletter({
    status: 'sent',
    startedAt: '2026-04-29T10:00:00.000Z',
    councilIds: [X],
    deliveries: [[x1, 'sent']],
  });
  s.newsletter({
    status: 'sent',
    startedAt: '2026-02-20T10:00:00.000Z', // previous period
    wholeDistrict: true,
    deliveries: [[hal, 'sent']],
  });

  return { G, F, V, X, Y, officer2, hal, formand };
}
