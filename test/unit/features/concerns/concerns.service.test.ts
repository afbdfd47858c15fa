import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Composition } from '../../../../src/composition.js';
import { composeTestDeps } from '../../../helpers/app.js';
import { actorOf, councilId as councilIdOf } from '../../../helpers/world.js';

describe('ConcernsService on a real SQLite file', () => {
  let deps: Composition;
  let close: () => void;
  // Tuesday 24 November 2026, 10:00 Copenhagen.
  let clock = new Date('2026-11-24T09:00:00Z');
  const actor = (email: string) => actorOf(deps, email);
  const councilId = (slug: string) => councilIdOf(deps, slug);
  const row = (id: number) =>
    deps.db.prepare('SELECT * FROM concerns WHERE id = ?').get(id) as Record<string, string | number | null>;
  const newConcern = (title = 'Knallerter på stien') =>
    deps.services.concerns.create(
      actor('hal@glumsoe.example'),
      {
        councilId: councilId('glumsoe'),
        category: 'trafik',
        title,
        description: 'Hver aften kl. 22',
        location: 'Stien ved hallen',
        occurredAt: null,
      },
      [],
    );

  before(async () => {
    ({ deps, close } = await composeTestDeps({ now: () => clock }));
  });
  after(() => close());

  it('logs a concern as new, due three working days later at normal priority, with a created event and a receipt', () => {
    const id = newConcern();
    const c = row(id);
    assert.equal(c.status, 'new');
    assert.equal(c.priority, 'normal');
    assert.equal(c.due_at, '2026-11-27T09:00:00.000Z');
    const events = deps.db
      .prepare('SELECT type, visibility FROM concern_events WHERE concern_id = ?')
      .all(id);
    assert.deepEqual(events, [{ type: 'created', visibility: 'public' }]);
    const receipt = deps.db
      .prepare("SELECT to_address FROM outbox WHERE kind = 'concern_receipt' ORDER BY id DESC")
      .get();
    assert.deepEqual(receipt, { to_address: 'hal@glumsoe.example' });
  });

  it('refuses another council, an unknown category and an officer as reporter', () => {
    const hal = actor('hal@glumsoe.example');
    const input = {
      councilId: councilId('fladsaa'),
      category: 'trafik',
      title: 't',
      description: 'd',
      location: '',
      occurredAt: null,
    };
    assert.throws(() => deps.services.concerns.create(hal, input, []), /council_invalid/);
    assert.throws(
      () =>
        deps.services.concerns.create(
          hal,
          { ...input, councilId: councilId('glumsoe'), category: 'nope' },
          [],
        ),
      /category_invalid/,
    );
    assert.throws(
      () =>
        deps.services.concerns.create(
          actor('betjent@politi.example'),
          { ...input, councilId: councilId('glumsoe') },
          [],
        ),
      /council_invalid/,
    );
  });

  it('pauses the due clock while a department has the case and resumes it by the time waited', () => {
    const id = newConcern('Graffiti');
    const officer = actor('betjent@politi.example');
    const concern = deps.services.concerns.concernToRefer(officer, id);
    deps.db.transaction(() => deps.services.concerns.recordReferralSent(officer, concern, 'SSP'))();
    assert.equal(row(id).status, 'awaiting_department');
    assert.equal(row(id).paused_at, clock.toISOString());
    const dueBefore = row(id).due_at as string;
    clock = new Date(clock.getTime() + 5 * 86_400_000); // five days later, past the original due date
    assert.equal(deps.services.concerns.isOverdue(row(id) as never), false, 'not overdue while paused');
    deps.db.transaction(() => deps.services.concerns.recordReferralAnswered(id, 'SSP', 'Vi tager den', 0))();
    assert.equal(row(id).status, 'in_progress');
    assert.equal(row(id).paused_at, null);
    assert.equal(row(id).due_at, new Date(new Date(dueBefore).getTime() + 5 * 86_400_000).toISOString());
    assert.equal(deps.services.concerns.isOverdue(row(id) as never), false);
  });

  it('flags a concern overdue when nobody answered by the due date, and the first public reply clears it', () => {
    const id = newConcern('Indbrud i skuret');
    clock = new Date(clock.getTime() + 4 * 86_400_000 + 3_600_000);
    assert.equal(deps.services.concerns.isOverdue(row(id) as never), true);
    deps.services.concerns.addNote(actor('betjent@politi.example'), id, {
      body: 'Vi kigger på det',
      visibility: 'public',
    });
    assert.equal(row(id).status, 'in_progress');
    assert.equal(deps.services.concerns.isOverdue(row(id) as never), false);
  });

  it('keeps internal notes out of the reporter view and out of every mail', () => {
    const id = newConcern('Uro ved stationen');
    const marker = 'INTERN-MARKØR-7f3a';
    deps.services.concerns.addNote(actor('betjent@politi.example'), id, {
      body: marker,
      visibility: 'internal',
    });
    const reporterView = deps.services.concerns.view(actor('hal@glumsoe.example'), id);
    assert.equal(reporterView.mode, 'reporter');
    assert.ok(reporterView.mode === 'reporter' && !reporterView.events.some((e) => e.body.includes(marker)));
    const mails = deps.db
      .prepare('SELECT text_body || html_body AS body FROM outbox')
      .pluck()
      .all() as string[];
    assert.ok(!mails.some((m) => m.includes(marker)));
    const staffView = deps.services.concerns.view(actor('betjent@politi.example'), id);
    assert.ok(staffView.mode === 'staff' && staffView.events.some((e) => e.body === marker));
  });

  it('hides a concern from other members until a summary is shared, and then shows only the summary', () => {
    const id = newConcern('Hærværk på legepladsen');
    const formand = actor('formand@glumsoe.example');
    assert.throws(() => deps.services.concerns.view(formand, id), /NotFoundError|^Error$/);
    deps.services.concerns.share(
      actor('betjent@politi.example'),
      id,
      'Politiet er opmærksom på hærværk ved legepladsen.',
    );
    const shared = deps.services.concerns.view(formand, id);
    assert.equal(shared.mode, 'shared');
    assert.ok(!JSON.stringify(shared).includes('Hver aften kl. 22'), 'no original text');
    assert.ok(!JSON.stringify(shared).includes('Jens'), 'no reporter name');
    assert.throws(
      () => deps.services.concerns.view(actor('brugs@fladsaa.example'), id),
      /NotFoundError|^Error$/,
    );
  });

  it('does not mail the reporter who turned concern updates off', () => {
    const id = newConcern('Fart på Hovedgaden');
    const hal = actor('hal@glumsoe.example');
    deps.db.prepare('UPDATE users SET notify_concern_updates = 0 WHERE id = ?').run(hal.id);
    const before = deps.db.prepare('SELECT count(*) FROM outbox').pluck().get() as number;
    deps.services.concerns.close(actor('betjent@politi.example'), id, {
      resolution: 'resolved',
      feedback: 'Patrulje sat ind',
    });
    assert.equal(deps.db.prepare('SELECT count(*) FROM outbox').pluck().get(), before);
    deps.db.prepare('UPDATE users SET notify_concern_updates = 1 WHERE id = ?').run(hal.id);
  });

  it('writes a timeline event for every transition, and refuses one the table does not allow', () => {
    const id = newConcern('Tyveri fra brugsen');
    const officer = actor('betjent@politi.example');
    deps.services.concerns.updateTriage(officer, id, { status: 'in_progress', priority: 'high' });
    deps.services.concerns.close(officer, id, { resolution: 'not_police', feedback: 'Kontakt kommunen' });
    assert.throws(
      () => deps.services.concerns.close(officer, id, { resolution: 'resolved', feedback: 'x' }),
      /already_closed/,
    );
    deps.services.concerns.reopen(officer, id);
    const types = deps.db
      .prepare('SELECT type FROM concern_events WHERE concern_id = ? ORDER BY id')
      .pluck()
      .all(id);
    assert.deepEqual(types, ['created', 'priority_changed', 'status_changed', 'closed', 'reopened']);
    assert.equal(row(id).resolution, null);
  });
});
