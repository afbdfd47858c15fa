/**
 * Figures that must not drift with later changes to the data: anonymising after the retention
 * period, newsletters to other councils reaching someone who is also a member here, and periods
 * outside any sensible range.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Actor } from '../../src/auth/policy.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { textOf } from '../helpers/client.js';
import { StatsSeed } from '../helpers/stats-seed.js';
import { loggedIn } from '../helpers/world.js';

const NOW = new Date('2029-06-15T10:00:00.000Z');

describe('evaluation figures that later changes must not move', () => {
  let app: TestApp;
  let seed: StatsSeed;
  let glumsoe: number;
  let fladsaa: number;
  const admin = (): Actor => {
    const user = app.deps.users.findByEmail('admin@politi.example');
    return app.deps.users.loadActor(user?.id ?? 0) as Actor;
  };

  before(async () => {
    app = await startTestApp({ now: () => NOW });
    seed = new StatsSeed(app.deps.db);
    glumsoe = seed.councilId('glumsoe');
    fladsaa = seed.councilId('fladsaa');
  });
  after(() => app.close());

  it('keeps "closed with feedback" and the times when the retention job anonymises a concern', async () => {
    const id = seed.concern({
      councilId: glumsoe,
      category: 'trafik',
      createdAt: '2026-01-10T09:00:00.000Z',
      status: 'closed',
      firstResponseAt: '2026-01-10T12:00:00.000Z',
      closedAt: '2026-01-12T09:00:00.000Z',
      resolution: 'resolved',
      feedback: 'Politiet har talt med de unge.',
    });
    const query = { from: '2026-01-01', to: '2026-01-31', councilIds: [glumsoe] };
    const before = app.deps.services.stats.report(admin(), query).concerns;
    assert.equal(before.closedWithFeedback, 1);

    await app.deps.scheduler.tick(); // retention: closed more than 24 months before NOW
    const row = app.deps.db
      .prepare('SELECT anonymised_at, feedback, has_feedback, closing_ms FROM concerns WHERE id = ?')
      .get(id) as {
      anonymised_at: string | null;
      feedback: string | null;
      has_feedback: number;
      closing_ms: number;
    };
    assert.ok(row.anonymised_at, 'the retention job anonymised the concern');
    assert.equal(row.feedback, null);
    assert.equal(row.has_feedback, 1);
    assert.equal(row.closing_ms, 48 * 3_600_000);

    const after = app.deps.services.stats.report(admin(), query).concerns;
    assert.equal(after.closedWithFeedback, 1);
    assert.equal(after.feedbackShare, 1);
    assert.deepEqual(after.closing, before.closing);
    assert.deepEqual(after.firstResponse, before.firstResponse);
  });

  it('does not count a newsletter to another council for a person who is a member of both', () => {
    const both = seed.user('begge@example.test', { lastLoginAt: null });
    seed.member(both, glumsoe);
    seed.member(both, fladsaa);
    seed.newsletter({
      status: 'sent',
      startedAt: '2026-02-03T08:00:00.000Z',
      councilIds: [glumsoe],
      deliveries: [[both, 'sent']],
    });
    const query = { from: '2026-02-01', to: '2026-02-28' };
    const forFladsaa = app.deps.services.stats.report(admin(), {
      ...query,
      councilIds: [fladsaa],
    }).newsletters;
    assert.deepEqual(forFladsaa, { sent: 0, reached: 0, failed: 0, pending: 0 });
    const forGlumsoe = app.deps.services.stats.report(admin(), {
      ...query,
      councilIds: [glumsoe],
    }).newsletters;
    assert.deepEqual(forGlumsoe, { sent: 1, reached: 1, failed: 0, pending: 0 });
  });

  it('refuses a period outside 2000–2099 with a clear message instead of failing', async () => {
    const client = await loggedIn(app, 'admin@politi.example');
    for (const path of ['/stats', '/stats/report', '/stats/figures.csv', '/stats/concerns.csv']) {
      for (const q of [
        'from=0001-01-01&to=0001-12-31',
        'from=0000-01-01&to=0000-01-05',
        'from=2026-01-01&to=9999-12-31',
      ]) {
        const res = await client.get(`${path}?${q}`);
        assert.equal(res.status, 400, `${path}?${q}`);
        assert.match(textOf(res.text), /Vælg en dato mellem 1\.1\.2000 og 31\.12\.2099/);
      }
    }
  });
});
