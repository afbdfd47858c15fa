/**
 * StatsService.report on known data (test/helpers/stats-seed.ts): every figure asserted exactly,
 * including the Copenhagen edge cases (end of month at 23:30, the two daylight-saving nights).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Actor } from '../../../src/auth/policy.js';
import { NotFoundError } from '../../../src/errors.js';
import type { KeyFigures, StatsReport } from '../../../src/features/stats/stats.service.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { HOUR, SCENARIO_NOW, type Scenario, seedScenario } from '../../helpers/stats-seed.js';

const h = (n: number) => n * HOUR;
const ALL_CATEGORIES = [
  'tryghed',
  'indbrud',
  'haervaerk',
  'unge',
  'trafik',
  'narko',
  'brand',
  'svindel',
  'andet',
];

describe('StatsService.report on known data', () => {
  let app: TestApp;
  let sc: Scenario;
  const actor = (email: string): Actor => {
    const user = app.deps.users.findByEmail(email);
    const loaded = user ? app.deps.users.loadActor(user.id) : undefined;
    if (!loaded) throw new Error(`no actor ${email}`);
    return loaded;
  };
  const report = (email: string, q: { from?: string; to?: string; councilIds?: number[] } = {}) =>
    app.deps.services.stats.report(actor(email), { from: q.from, to: q.to, councilIds: q.councilIds ?? [] });
  const byName = (r: StatsReport) => Object.fromEntries(r.concerns.byCouncil.map((c) => [c.name, c.count]));
  const months = (r: StatsReport) => Object.fromEntries(r.concerns.byMonth.map((m) => [m.month, m.count]));

  before(async () => {
    app = await startTestApp({ now: () => SCENARIO_NOW });
    sc = seedScenario(app.deps.db);
  });
  after(() => app.close());

  describe('district admin, all councils, 1.3.–30.4.2026', () => {
    let r: StatsReport;
    before(() => {
      r = report('admin@politi.example', { from: '2026-03-01', to: '2026-04-30' });
    });

    it('has the period as Copenhagen dates with UTC bounds, and the 61 days before it', () => {
      assert.deepEqual(r.period, {
        from: '2026-03-01',
        to: '2026-04-30',
        startIso: '2026-02-28T23:00:00.000Z',
        endIso: '2026-04-30T22:00:00.000Z',
      });
      assert.deepEqual(r.previous, {
        from: '2025-12-30',
        to: '2026-02-28',
        startIso: '2025-12-29T23:00:00.000Z',
        endIso: '2026-02-28T23:00:00.000Z',
      });
      assert.equal(r.generatedAt, SCENARIO_NOW.toISOString());
    });

    it('offers and selects all five councils, ordered by municipality then name', () => {
      const names = [
        'Rønnede Lokalråd',
        'Stubbekøbing Lokalråd',
        'Fladså Lokalråd',
        'Glumsø Lokalråd',
        'Lokalrådet for Næstved Vestegn',
      ];
      assert.deepEqual(
        r.available.map((c) => c.name),
        names,
      );
      assert.deepEqual(
        r.selected.map((c) => c.name),
        names,
      );
      assert.equal(r.allSelected, true);
      assert.deepEqual(
        r.selected.map((c) => c.is_pilot),
        [0, 0, 1, 1, 1],
      );
    });

    it('counts concerns per month by Copenhagen date (31 March 23:30 in March, 1 April 00:30 in April)', () => {
      assert.equal(r.concerns.total, 12);
      assert.deepEqual(r.concerns.byMonth, [
        { month: '2026-03', count: 7 },
        { month: '2026-04', count: 5 },
      ]);
    });

    it('counts concerns per category (all categories, in sort order) and per council', () => {
      assert.deepEqual(
        r.concerns.byCategory.map((k) => [k.slug, k.count]),
        [
          ['tryghed', 2],
          ['indbrud', 1],
          ['haervaerk', 1],
          ['unge', 1],
          ['trafik', 2],
          ['narko', 1],
          ['brand', 1],
          ['svindel', 2],
          ['andet', 1],
        ],
      );
      assert.deepEqual(byName(r), {
        'Rønnede Lokalråd': 2,
        'Stubbekøbing Lokalråd': 1,
        'Fladså Lokalråd': 2,
        'Glumsø Lokalråd': 5,
        'Lokalrådet for Næstved Vestegn': 2,
      });
    });

    it('counts status now and the resolutions of the closed ones', () => {
      assert.deepEqual(r.concerns.byStatus, { new: 5, in_progress: 1, awaiting_department: 1, closed: 5 });
      assert.deepEqual(r.concerns.byResolution, {
        resolved: 2,
        referred_closed: 1,
        not_police: 1,
        duplicate: 1,
      });
    });

    it('takes median and 90th percentile of real elapsed time (the spring-forward night counts 1 hour)', () => {
      // 1 (01:30 CET → 03:30 CEST), 2, 4, 6, 8, 12, 20 hours.
      assert.deepEqual(r.concerns.firstResponse, { n: 7, medianMs: h(6), p90Ms: h(20) });
      // 10, 24, 30, 48, 100 hours.
      assert.deepEqual(r.concerns.closing, { n: 5, medianMs: h(30), p90Ms: h(100) });
    });

    it('counts referred concerns and, per department, referrals, concerns, share and ack/answer times', () => {
      assert.equal(r.concerns.referred, 4);
      assert.equal(r.concerns.referredShare, 4 / 12);
      assert.deepEqual(r.concerns.departments, [
        {
          id: r.concerns.departments[0]?.id,
          name: 'Beredskab',
          referrals: 2,
          concerns: 1,
          share: 1 / 12,
          acknowledge: { n: 2, medianMs: h(2), p90Ms: h(3) },
          answer: { n: 1, medianMs: h(2), p90Ms: h(2) },
        },
        {
          id: r.concerns.departments[1]?.id,
          name: 'Færdsel',
          referrals: 1,
          concerns: 1,
          share: 1 / 12,
          // Answered without a separate acknowledgement: acknowledged at the answer.
          acknowledge: { n: 1, medianMs: h(50), p90Ms: h(50) },
          answer: { n: 1, medianMs: h(50), p90Ms: h(50) },
        },
        {
          id: r.concerns.departments[2]?.id,
          name: 'Lokalpolitiet',
          referrals: 2,
          concerns: 2,
          share: 2 / 12,
          acknowledge: { n: 2, medianMs: h(4), p90Ms: h(5) },
          answer: { n: 2, medianMs: h(13.5), p90Ms: h(20) },
        },
        {
          id: r.concerns.departments[3]?.id,
          name: 'SSP',
          referrals: 1,
          concerns: 1,
          share: 1 / 12,
          acknowledge: { n: 1, medianMs: h(1), p90Ms: h(1) },
          answer: { n: 0, medianMs: null, p90Ms: null },
        },
      ]);
    });

    it('counts feedback only when it has text, and overdue now only for open unanswered unpaused concerns', () => {
      assert.equal(r.concerns.closed, 5);
      assert.equal(r.concerns.closedWithFeedback, 2);
      // Of the 4 closed concerns that are not duplicates (a duplicate is answered on its original).
      assert.equal(r.concerns.feedbackShare, 0.5);
      assert.equal(r.concerns.overdueNow, 2);
    });

    it('counts held meetings once each (not cancelled, ended), attendees and answers', () => {
      assert.deepEqual(r.meetings, {
        held: 4,
        byKind: { borgermoede: 1, netvaerksmoede: 2, faellesmoede: 1 },
        attendees: 47,
        withAttendance: 3,
        answers: { yes: 3, no: 2, maybe: 1 },
      });
    });

    it('counts sent newsletters and the deliveries to members of the chosen councils', () => {
      assert.deepEqual(r.newsletters, { sent: 3, reached: 7, failed: 2, pending: 1 });
    });

    it('counts members and active members (logged in within 90 days) per council and distinct in all', () => {
      assert.deepEqual(r.people, {
        members: 9,
        active: 4,
        perCouncil: [
          { id: sc.X, name: 'Rønnede Lokalråd', members: 2, active: 2 },
          { id: sc.Y, name: 'Stubbekøbing Lokalråd', members: 1, active: 0 },
          { id: sc.F, name: 'Fladså Lokalråd', members: 2, active: 1 },
          { id: sc.G, name: 'Glumsø Lokalråd', members: 4, active: 2 },
          { id: sc.V, name: 'Lokalrådet for Næstved Vestegn', members: 1, active: 0 },
        ],
      });
    });

    it('compares with the previous period and between the pilot and the other councils', () => {
      const current: KeyFigures = {
        councils: 5,
        concerns: 12,
        concernsPerCouncil: 2.4,
        firstResponseMedianMs: h(6),
        firstResponseP90Ms: h(20),
        closingMedianMs: h(30),
        closingP90Ms: h(100),
        referredShare: 4 / 12,
        feedbackShare: 0.5,
        meetingsHeld: 4,
        attendees: 47,
        newslettersSent: 3,
        recipientsReached: 7,
        activeMembers: 4,
      };
      const previous: KeyFigures = {
        councils: 5,
        concerns: 3,
        concernsPerCouncil: 0.6,
        firstResponseMedianMs: h(3),
        firstResponseP90Ms: h(3),
        closingMedianMs: h(5),
        closingP90Ms: h(5),
        referredShare: 1 / 3,
        feedbackShare: 1,
        meetingsHeld: 1,
        attendees: 8,
        newslettersSent: 1,
        recipientsReached: 1,
        activeMembers: null,
      };
      const pilot: KeyFigures = {
        councils: 3,
        concerns: 9,
        concernsPerCouncil: 3,
        firstResponseMedianMs: h(4),
        firstResponseP90Ms: h(8),
        closingMedianMs: h(30),
        closingP90Ms: h(48),
        referredShare: 2 / 9,
        feedbackShare: 1 / 3,
        meetingsHeld: 3,
        attendees: 47,
        newslettersSent: 2,
        recipientsReached: 5,
        activeMembers: 3,
      };
      const others: KeyFigures = {
        councils: 2,
        concerns: 3,
        concernsPerCouncil: 1.5,
        firstResponseMedianMs: h(16),
        firstResponseP90Ms: h(20),
        closingMedianMs: h(62),
        closingP90Ms: h(100),
        referredShare: 2 / 3,
        feedbackShare: 1,
        meetingsHeld: 1,
        attendees: 0,
        newslettersSent: 2,
        recipientsReached: 2,
        activeMembers: 2,
      };
      assert.deepEqual(r.comparison, { current, previous, pilot, others });
    });

    it('has no survey results without surveys and lets the district admin export concerns', () => {
      assert.deepEqual(r.surveys, []);
      assert.equal(r.canExportConcerns, true);
    });
  });

  describe('Copenhagen calendar edges', () => {
    it('a period from the spring-forward day to the autumn day includes 00:10 on 29 March and 23:50 on 25 October only', () => {
      const r = report('admin@politi.example', { from: '2026-03-29', to: '2026-10-25' });
      assert.equal(r.period.startIso, '2026-03-28T23:00:00.000Z');
      assert.equal(r.period.endIso, '2026-10-25T23:00:00.000Z');
      // c3, c4, e2 in March; c5–c8, c10 in April; p4 (1 May 00:00) in May; e3 (25 October 23:50) in October.
      assert.equal(r.concerns.total, 10);
      assert.deepEqual(months(r), {
        '2026-03': 3,
        '2026-04': 5,
        '2026-05': 1,
        '2026-06': 0,
        '2026-07': 0,
        '2026-08': 0,
        '2026-09': 0,
        '2026-10': 1,
      });
      // The svindel concerns are the edge ones: e2 and e3 in, e1 (28 March 23:59) and e4 (26 October 00:00) out.
      assert.equal(r.concerns.byCategory.find((k) => k.slug === 'svindel')?.count, 3); // e2, e3, p4
    });

    it('October in winter time: 31 October 23:30 local is October, 1 November 00:30 is not', () => {
      const r = report('admin@politi.example', { from: '2026-10-01', to: '2026-10-31' });
      assert.equal(r.period.startIso, '2026-09-30T22:00:00.000Z');
      assert.equal(r.period.endIso, '2026-10-31T23:00:00.000Z');
      assert.deepEqual(r.concerns.byMonth, [{ month: '2026-10', count: 3 }]); // e3, e4, e5
    });

    it('without a period: the twelve months from 1 December 2025 to today, every concern in its local month', () => {
      const r = report('admin@politi.example');
      assert.equal(r.period.from, '2025-12-01');
      assert.equal(r.period.to, '2026-11-20');
      assert.equal(r.concerns.total, 21);
      assert.deepEqual(months(r), {
        '2025-12': 2,
        '2026-01': 1,
        '2026-02': 1,
        '2026-03': 7,
        '2026-04': 5,
        '2026-05': 1,
        '2026-06': 0,
        '2026-07': 0,
        '2026-08': 0,
        '2026-09': 0,
        '2026-10': 3,
        '2026-11': 1,
      });
      // Held meetings: the one going on now is not held yet.
      assert.equal(r.meetings.held, 5);
      assert.equal(r.meetings.attendees, 55);
      assert.equal(r.concerns.overdueNow, 3); // c5, c9, p2
    });
  });

  describe('per role', () => {
    it('an officer sees only their three councils, without the pilot/others comparison', () => {
      const r = report('betjent@politi.example', { from: '2026-03-01', to: '2026-04-30' });
      assert.deepEqual(
        r.available.map((c) => c.name),
        ['Fladså Lokalråd', 'Glumsø Lokalråd', 'Lokalrådet for Næstved Vestegn'],
      );
      assert.equal(r.concerns.total, 9);
      assert.deepEqual(r.concerns.firstResponse, { n: 5, medianMs: h(4), p90Ms: h(8) });
      assert.deepEqual(
        r.concerns.departments.map((d) => d.name),
        ['Færdsel', 'Lokalpolitiet', 'SSP'],
      );
      assert.deepEqual(r.newsletters, { sent: 2, reached: 5, failed: 1, pending: 1 });
      assert.deepEqual(r.people.members, 7);
      assert.deepEqual(r.people.active, 3);
      assert.equal(r.comparison.pilot, null);
      assert.equal(r.comparison.others, null);
      assert.equal(r.canExportConcerns, true);
    });

    it('an officer asking for a council they do not cover gets NotFoundError', () => {
      assert.throws(
        () => report('betjent@politi.example', { from: '2026-03-01', to: '2026-04-30', councilIds: [sc.X] }),
        NotFoundError,
      );
    });

    it('an officer covering a pilot and another council gets the comparison between them', () => {
      const r = report('betjent2@politi.example', { from: '2026-03-01', to: '2026-04-30' });
      assert.deepEqual(
        r.selected.map((c) => c.name),
        ['Rønnede Lokalråd', 'Glumsø Lokalråd'],
      );
      assert.equal(r.concerns.total, 7);
      assert.equal(r.comparison.pilot?.concerns, 5);
      assert.equal(r.comparison.others?.concerns, 2);
      assert.equal(r.comparison.others?.firstResponseMedianMs, h(12));
    });

    it('one chosen council: figures of that council only', () => {
      const r = report('admin@politi.example', { from: '2026-03-01', to: '2026-04-30', councilIds: [sc.V] });
      assert.equal(r.allSelected, false);
      assert.equal(r.concerns.total, 2);
      assert.deepEqual(r.meetings.held, 1);
      assert.deepEqual(r.meetings.attendees, 5);
      assert.deepEqual(r.newsletters, { sent: 1, reached: 1, failed: 0, pending: 0 });
      assert.equal(r.comparison.pilot, null, 'no comparison with one group only');
    });

    it('a council admin sees only their council, aggregated, with no comparison and no concern export', () => {
      const r = report('formand@glumsoe.example', { from: '2026-03-01', to: '2026-04-30' });
      assert.deepEqual(
        r.available.map((c) => c.name),
        ['Glumsø Lokalråd'],
      );
      assert.equal(r.concerns.total, 5);
      assert.deepEqual(r.concerns.byStatus, { new: 2, in_progress: 1, awaiting_department: 0, closed: 2 });
      assert.deepEqual(r.meetings, {
        held: 2,
        byKind: { borgermoede: 1, netvaerksmoede: 1, faellesmoede: 0 },
        attendees: 42,
        withAttendance: 2,
        // Only the answers of Glumsø's members, also at the fællesmøde with other councils.
        answers: { yes: 2, no: 1, maybe: 0 },
      });
      assert.deepEqual(r.people, {
        members: 4,
        active: 2,
        perCouncil: [{ id: sc.G, name: 'Glumsø Lokalråd', members: 4, active: 2 }],
      });
      assert.equal(r.comparison.pilot, null);
      assert.equal(r.comparison.others, null);
      assert.equal(r.canExportConcerns, false);
      assert.throws(
        () =>
          app.deps.services.stats.lifecycle(
            actor('formand@glumsoe.example'),
            { from: '2026-03-01', to: '2026-04-30', councilIds: [] },
            'da',
          ),
        NotFoundError,
      );
      assert.throws(() => report('formand@glumsoe.example', { councilIds: [sc.F] }), NotFoundError);
    });

    it('a network person has no statistics', () => {
      assert.throws(() => report('hal@glumsoe.example'), NotFoundError);
      assert.equal(app.deps.services.stats.canView(actor('hal@glumsoe.example')), false);
    });
  });

  it('lists every category even without concerns', () => {
    const r = report('admin@politi.example', { from: '2020-01-01', to: '2020-01-31' });
    assert.deepEqual(
      r.concerns.byCategory.map((k) => k.slug),
      ALL_CATEGORIES,
    );
    assert.equal(r.concerns.total, 0);
    assert.deepEqual(r.concerns.firstResponse, { n: 0, medianMs: null, p90Ms: null });
    assert.equal(r.concerns.referredShare, null);
    assert.equal(r.concerns.feedbackShare, null);
    assert.deepEqual(r.concerns.departments, []);
  });
});
