import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ICAL from 'ical.js';
import { openDatabase } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';
import { MIGRATIONS_DIR } from '../../src/paths.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { type Client, textOf } from '../helpers/client.js';
import type { ReceivedMail } from '../helpers/smtp.js';
import {
  councilId,
  demoLogins,
  HOUR,
  inFuture as inFutureOf,
  loginAll,
  meetingForm as meetingFormOf,
  postMeeting,
  userId as userIdOf,
} from '../helpers/world.js';

const LOGINS = demoLogins('officer', 'formand', 'hal', 'brugs', 'vest');
type Role = keyof typeof LOGINS;

let app: TestApp;
let clients: Record<Role, Client>;

const glumsoe = () => councilId(app, 'glumsoe');
const userId = (who: Role) => userIdOf(app, LOGINS[who]);
const inFuture = (ms: number) => inFutureOf(app, ms);

const meetingForm = (overrides: Record<string, string | string[]> = {}) =>
  meetingFormOf(app, {
    title: 'Netværksmøde',
    location: 'Glumsø Hallen',
    agenda: '1. Eventuelt',
    ...overrides,
  });

async function createMeeting(overrides: Record<string, string | string[]> = {}): Promise<number> {
  const id = await postMeeting(clients.officer, meetingForm(overrides));
  await app.deliverMail();
  return id;
}

async function editMeeting(id: number, form: Record<string, string | string[]>): Promise<void> {
  await clients.officer.get(`/meetings/${id}/edit`);
  const page = await clients.officer.post(`/meetings/${id}/edit`, meetingForm(form));
  assert.equal(page.status, 303, textOf(page.text).slice(0, 400));
  await app.deliverMail();
}

async function cancelMeeting(id: number): Promise<void> {
  await clients.officer.get(`/meetings/${id}/cancel`);
  const cancelled = { reason: 'Lokalet er ikke ledigt', confirm: '1' };
  assert.equal((await clients.officer.post(`/meetings/${id}/cancel`, cancelled)).status, 303);
  await app.deliverMail();
}

/**
 * The Glumsø admin invites an existing, active person to Glumsø Lokalråd (the members feature), and
 * the person accepts — only then are they a member.
 */
async function addToGlumsoe(who: Role): Promise<void> {
  await clients.formand.get(`/councils/${glumsoe()}/members/new`);
  const page = await clients.formand.post(`/councils/${glumsoe()}/members`, {
    name: who,
    email: LOGINS[who],
    title: '',
    role: 'network_person',
  });
  assert.equal(page.status, 303, textOf(page.text).slice(0, 400));
  const invitations = await clients[who].get('/invitations');
  const id = /action="\/invitations\/(\d+)\/accept"/.exec(invitations.text)?.[1];
  assert.ok(id, `${who} has the invitation`);
  assert.equal((await clients[who].post(`/invitations/${id}/accept`)).status, 303);
}

function glumsoeMembership(who: Role): number {
  return Number(
    app.deps.db
      .prepare('SELECT id FROM memberships WHERE user_id = ? AND council_id = ?')
      .pluck()
      .get(userId(who), glumsoe()),
  );
}

/** The Glumsø admin ends (or restores) a person's Glumsø membership. */
async function setGlumsoeMembership(who: Role, action: 'deactivate' | 'reactivate'): Promise<void> {
  await clients.formand.get(`/councils/${glumsoe()}/members`);
  const page = await clients.formand.post(
    `/councils/${glumsoe()}/members/${glumsoeMembership(who)}/${action}`,
  );
  assert.equal(page.status, 303, textOf(page.text).slice(0, 400));
}

const mailsTo = (who: Role, subject: RegExp) =>
  app.smtp.to(LOGINS[who]).filter((m) => subject.test(m.subject));

function icsOf(mail: ReceivedMail) {
  const part = mail.parsed.attachments.find(
    (a) => /\.ics$/.test(a.filename ?? '') || /calendar|ics/.test(a.contentType),
  );
  assert.ok(part, `an .ics attachment in "${mail.subject}"`);
  const calendar = new ICAL.Component(ICAL.parse(part.content.toString('utf8')));
  const vtimezone = calendar.getFirstSubcomponent('vtimezone');
  if (vtimezone) ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
  const vevent = calendar.getFirstSubcomponent('vevent');
  assert.ok(vevent);
  return { method: calendar.getFirstPropertyValue('method'), event: new ICAL.Event(vevent) };
}

const inviteeIds = (meetingId: number) =>
  app.deps.db
    .prepare('SELECT user_id FROM meeting_invitees WHERE meeting_id = ? ORDER BY user_id')
    .pluck()
    .all(meetingId) as number[];

before(async () => {
  app = await startTestApp();
  clients = await loginAll(app, LOGINS);
});
after(() => app.close());

describe('updates and cancellations go to the people who were invited', () => {
  it('records the invitees in the transaction that queues the invitations', async () => {
    app.smtp.clear();
    const id = await createMeeting({ title: 'Registreret' });
    const invited = inviteeIds(id);
    assert.ok(invited.includes(userId('hal')) && invited.includes(userId('formand')));
    assert.ok(!invited.includes(userId('brugs')));
    const outbox = app.deps.db
      .prepare(
        `SELECT count(*) FROM outbox WHERE kind = 'meeting_invitation' AND subject LIKE '%Registreret%'`,
      )
      .pluck()
      .get();
    assert.equal(outbox, invited.length, 'one invitation per recorded invitee');
  });

  it('an update reaches the original invitees with SEQUENCE+1; a member who joined since gets it as an invitation', async () => {
    const id = await createMeeting({ title: 'Flyttes' });
    await addToGlumsoe('brugs');
    app.smtp.clear();
    await editMeeting(id, { title: 'Flyttes', starts_at: '2031-02-11T19:00', ends_at: '2031-02-11T21:00' });

    const [update] = mailsTo('hal', /^Ændret: Flyttes/);
    assert.ok(update, 'the invited member gets the update');
    const u = icsOf(update);
    assert.equal(u.method, 'REQUEST');
    assert.equal(u.event.uid, `meeting-${id}@127.0.0.1`);
    assert.equal(u.event.sequence, 1);
    assert.equal(u.event.startDate.toJSDate().toISOString(), '2031-02-11T18:00:00.000Z');

    assert.equal(mailsTo('brugs', /^Ændret: Flyttes/).length, 0, 'no "changed" for an event they never had');
    const [invitation] = mailsTo('brugs', /^Invitation: Flyttes/);
    assert.ok(invitation, 'the newcomer is invited');
    const i = icsOf(invitation);
    assert.equal(i.method, 'REQUEST');
    assert.equal(i.event.uid, `meeting-${id}@127.0.0.1`);
    assert.equal(i.event.sequence, 1, 'at the current SEQUENCE');
    assert.ok(inviteeIds(id).includes(userId('brugs')));
    assert.equal(mailsTo('hal', /^Invitation: Flyttes/).length, 0, 'no second invitation for the invited');

    // Now that brugs has the event, the cancellation reaches them too.
    app.smtp.clear();
    await cancelMeeting(id);
    assert.equal(icsOf(mailsTo('brugs', /^Aflyst: Flyttes/)[0] as ReceivedMail).event.sequence, 2);
  });

  it('a member added after the invitation gets no cancellation for an event they never had', async () => {
    const id = await createMeeting({ title: 'Aflyses snart' });
    await addToGlumsoe('vest');
    app.smtp.clear();
    await cancelMeeting(id);
    assert.equal(mailsTo('vest', /Aflyses snart/).length, 0);
    const [cancel] = mailsTo('hal', /^Aflyst: Aflyses snart/);
    assert.ok(cancel);
    assert.equal(icsOf(cancel).method, 'CANCEL');
  });

  it('an invitee who left the council gets a CANCEL of the event they have when it changes, never the new details', async () => {
    const id = await createMeeting({ title: 'Uden brugs', location: 'Gammelt sted' });
    assert.ok(inviteeIds(id).includes(userId('brugs')));
    await setGlumsoeMembership('brugs', 'deactivate'); // still active as a member of Fladså
    app.smtp.clear();
    await editMeeting(id, { title: 'Uden brugs', location: 'Hemmeligt nyt sted' });

    assert.equal(mailsTo('brugs', /^Ændret/).length, 0);
    const [removed] = mailsTo('brugs', /^Ikke længere inviteret: Uden brugs/);
    assert.ok(removed, 'the former member is told the meeting is gone from their calendar');
    const r = icsOf(removed);
    assert.equal(r.method, 'CANCEL');
    assert.equal(r.event.uid, `meeting-${id}@127.0.0.1`);
    assert.equal(r.event.sequence, 1);
    assert.equal(r.event.location, 'Gammelt sted');
    assert.ok(!removed.text.includes('Hemmeligt'), 'the new place is not sent to someone no longer invited');
    assert.ok(!inviteeIds(id).includes(userId('brugs')));
    assert.equal(mailsTo('hal', /^Ændret: Uden brugs/).length, 1);

    app.smtp.clear();
    await cancelMeeting(id);
    assert.equal(mailsTo('brugs', /Uden brugs/).length, 0, 'nothing more once removed');
  });

  it('an invitee who turned meeting mail off gets neither the update nor the cancellation', async () => {
    const id = await createMeeting({ title: 'Stille' });
    app.deps.db.prepare('UPDATE users SET notify_meetings = 0 WHERE id = ?').run(userId('formand'));
    try {
      app.smtp.clear();
      await editMeeting(id, { title: 'Stille', location: 'Andet sted' });
      await cancelMeeting(id);
      assert.equal(mailsTo('formand', /Stille/).length, 0);
      assert.equal(mailsTo('hal', /Stille/).length, 2);
    } finally {
      app.deps.db.prepare('UPDATE users SET notify_meetings = 1 WHERE id = ?').run(userId('formand'));
    }
  });
});

describe('reminders', () => {
  it('go to invitees who are still members and did not answer no', async () => {
    // Invited now: formand, hal, vest (added above). brugs is not a Glumsø member now.
    const id = await createMeeting({
      title: 'Påmindes',
      starts_at: inFuture(30 * HOUR),
      ends_at: inFuture(32 * HOUR),
    });
    const invited = inviteeIds(id);
    for (const who of ['formand', 'hal', 'vest'] as Role[]) assert.ok(invited.includes(userId(who)), who);
    assert.ok(!invited.includes(userId('brugs')));

    await clients.hal.get(`/meetings/${id}`);
    assert.equal((await clients.hal.post(`/meetings/${id}/rsvp`, { response: 'no' })).status, 303);
    await setGlumsoeMembership('vest', 'deactivate'); // vest stays active through Vestegn
    await setGlumsoeMembership('brugs', 'reactivate'); // a member again, but never invited

    app.smtp.clear();
    app.advanceClock(8 * HOUR); // now within the 24-hour window
    await app.deliverMail();
    assert.equal(mailsTo('formand', /^Påmindelse: Påmindes/).length, 1);
    assert.equal(mailsTo('hal', /^Påmindelse: Påmindes/).length, 0, 'answered no');
    assert.equal(mailsTo('vest', /^Påmindelse: Påmindes/).length, 0, 'no longer a member');
    assert.equal(mailsTo('brugs', /^Påmindelse: Påmindes/).length, 0, 'never invited');

    // Four idle hours end every session: sign in again for what follows.
    clients = await loginAll(app, LOGINS);
  });
});

describe('a deactivated invitee', () => {
  it('still receives the METHOD:CANCEL, and a CANCEL instead of an update when the meeting changes', async () => {
    const cancelled = await createMeeting({ title: 'Aflyses efter deaktivering' });
    const moved = await createMeeting({ title: 'Flyttes efter deaktivering' });
    assert.ok(inviteeIds(cancelled).includes(userId('hal')));
    await setGlumsoeMembership('hal', 'deactivate'); // hal's only membership: the account is deactivated
    assert.equal(
      app.deps.db.prepare('SELECT status FROM users WHERE id = ?').pluck().get(userId('hal')),
      'deactivated',
    );
    app.smtp.clear();
    await cancelMeeting(cancelled);
    const [cancel] = mailsTo('hal', /^Aflyst: Aflyses efter deaktivering/);
    assert.ok(cancel, 'the deactivated person is told, so their calendar is cleaned');
    const c = icsOf(cancel);
    assert.equal(c.method, 'CANCEL');
    assert.equal(c.event.uid, `meeting-${cancelled}@127.0.0.1`);
    assert.equal(c.event.sequence, 1);
    assert.equal(c.event.component.getFirstPropertyValue('status'), 'CANCELLED');

    await editMeeting(moved, {
      title: 'Flyttes efter deaktivering',
      starts_at: '2031-03-04T18:00',
      ends_at: '2031-03-04T20:00',
    });
    assert.equal(mailsTo('hal', /^Ændret: Flyttes efter deaktivering/).length, 0, 'no update');
    const [removed] = mailsTo('hal', /^Ikke længere inviteret: Flyttes efter deaktivering/);
    assert.ok(removed);
    assert.equal(icsOf(removed).method, 'CANCEL');
    assert.equal(mailsTo('formand', /^Ændret: Flyttes efter deaktivering/).length, 1);
  });
});

describe('migration 0017 backfill', () => {
  it('records the current active members who want meeting mail as invitees of planned meetings', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'naernet-0017-'));
    const migrations = path.join(dir, 'migrations');
    const db = openDatabase(path.join(dir, 'db.sqlite'));
    try {
      const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}_.*\.sql$/.test(f));
      mkdirSync(migrations);
      for (const f of files.filter((f) => f < '0017'))
        copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(migrations, f));
      migrate(db, migrations);
      const t = '2026-01-01T10:00:00.000Z';
      db.exec(`
        INSERT INTO municipalities (id, name, created_at) VALUES (1, 'Testkommune', '${t}');
        INSERT INTO councils (id, municipality_id, name, slug, active, created_at) VALUES
          (1, 1, 'Aktivt råd', 'aktivt', 1, '${t}'), (2, 1, 'Nedlagt råd', 'nedlagt', 0, '${t}');
        INSERT INTO users (id, email, name, status, notify_meetings, created_at, updated_at) VALUES
          (1, 'a@x.example', 'A', 'active', 1, '${t}', '${t}'),
          (2, 'b@x.example', 'B uden mødemails', 'active', 0, '${t}', '${t}'),
          (3, 'c@x.example', 'C deaktiveret', 'deactivated', 1, '${t}', '${t}'),
          (4, 'd@x.example', 'D udmeldt', 'active', 1, '${t}', '${t}'),
          (5, 'e@x.example', 'E i nedlagt råd', 'active', 1, '${t}', '${t}');
        INSERT INTO memberships (user_id, council_id, role, active, created_at, updated_at) VALUES
          (1, 1, 'network_person', 1, '${t}', '${t}'), (2, 1, 'network_person', 1, '${t}', '${t}'),
          (3, 1, 'network_person', 1, '${t}', '${t}'), (4, 1, 'network_person', 0, '${t}', '${t}'),
          (5, 2, 'network_person', 1, '${t}', '${t}'), (1, 2, 'network_person', 1, '${t}', '${t}');
        INSERT INTO meetings (id, kind, title, starts_at, ends_at, location, status, created_at, updated_at) VALUES
          (1, 'netvaerksmoede', 'Planlagt', '2030-01-01T18:00:00.000Z', '2030-01-01T20:00:00.000Z', 'Her', 'planned', '2025-12-01T09:00:00.000Z', '${t}'),
          (2, 'netvaerksmoede', 'Aflyst', '2030-01-02T18:00:00.000Z', '2030-01-02T20:00:00.000Z', 'Her', 'cancelled', '${t}', '${t}');
        INSERT INTO meeting_councils (meeting_id, council_id) VALUES (1, 1), (1, 2), (2, 1);
      `);

      copyFileSync(
        path.join(MIGRATIONS_DIR, '0017_meeting_invitees.sql'),
        path.join(migrations, '0017_meeting_invitees.sql'),
      );
      assert.deepEqual(migrate(db, migrations), ['0017_meeting_invitees.sql']);
      const rows = db
        .prepare(
          'SELECT meeting_id, user_id, email, invited_at FROM meeting_invitees ORDER BY meeting_id, user_id',
        )
        .all();
      assert.deepEqual(rows, [
        { meeting_id: 1, user_id: 1, email: 'a@x.example', invited_at: '2025-12-01T09:00:00.000Z' },
      ]);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a meeting from before the table (no invitee rows) is cancelled to the backfilled invitees', async () => {
    const id = await createMeeting({ title: 'Fra før' });
    app.deps.db.prepare('DELETE FROM meeting_invitees WHERE meeting_id = ?').run(id);
    // The migration's backfill statement, run against today's data as on upgrade day.
    const sql = readFileSync(path.join(MIGRATIONS_DIR, '0017_meeting_invitees.sql'), 'utf8');
    app.deps.db.exec(sql.slice(sql.indexOf('INSERT OR IGNORE INTO meeting_invitees')));
    const invited = inviteeIds(id);
    assert.ok(invited.includes(userId('formand')));
    assert.ok(invited.includes(userId('brugs')), 'a Glumsø member again');
    assert.ok(!invited.includes(userId('hal')), 'deactivated: not in the guess');
    assert.ok(!invited.includes(userId('vest')), 'left Glumsø: not in the guess');
    app.smtp.clear();
    await cancelMeeting(id);
    assert.equal(mailsTo('formand', /^Aflyst: Fra før/).length, 1);
    assert.equal(mailsTo('brugs', /^Aflyst: Fra før/).length, 1);
    assert.equal(mailsTo('vest', /Fra før/).length, 0);
  });
});
