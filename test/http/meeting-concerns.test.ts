import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { type Client, textOf } from '../helpers/client.js';
import {
  councilId as councilIdOf,
  demoLogins,
  HOUR,
  inFuture as inFutureOf,
  loginAll as loginEvery,
  meetingForm,
  postConcern,
  postMeeting,
} from '../helpers/world.js';

const LOGINS = demoLogins('admin', 'officer', 'formand', 'hal', 'brugs');
type Role = keyof typeof LOGINS;

let app: TestApp;
let clients: Record<Role, Client>;

const councilId = (slug: string) => String(councilIdOf(app, slug));
const inFuture = (ms: number) => inFutureOf(app, ms);

const createMeeting = (as: Role, overrides: Record<string, string | string[]> = {}) =>
  postMeeting(
    clients[as],
    meetingForm(app, {
      location: 'Glumsø Hallen',
      agenda: '1. Tryghed ved stationen\n2. Knallertkørsel',
      ...overrides,
    }),
  );

/** A network person logs a concern through the form; returns its id. */
const logConcern = (as: Role, council: string, title: string, description: string) =>
  postConcern(clients[as], {
    council_id: councilId(council),
    category: 'tryghed',
    title,
    description,
    location: 'Ved stationen',
    occurred_at: '',
  });

async function link(as: Role, meetingId: number, concernId: number | string, agendaItem: string) {
  await clients[as].get(`/meetings/${meetingId}`);
  return clients[as].post(`/meetings/${meetingId}/concerns`, {
    concern_id: String(concernId),
    agenda_item: agendaItem,
  });
}

const audits = (action: string, concernId: number) =>
  app.deps.db
    .prepare(`SELECT details FROM audit_log WHERE action = ? AND entity_type = 'concern' AND entity_id = ?`)
    .pluck()
    .all(action, concernId) as string[];

async function loginAll() {
  clients = await loginEvery(app, LOGINS);
}

before(async () => {
  app = await startTestApp();
  await loginAll();
});
after(() => app.close());

describe('concerns on a meeting agenda', () => {
  let meetingId: number;
  let stationId: number;
  let mopedId: number;
  const STATION = { title: 'Uro ved stationen om aftenen', text: 'Grupper råber efter folk ved perronen.' };
  const MOPED = { title: 'Knallerter på fortovet ved skolen', text: 'De kører stærkt forbi børnene kl. 8.' };
  const SUMMARY = 'Der er meldt om hurtig knallertkørsel ved skolen om morgenen.';

  before(async () => {
    stationId = await logConcern('hal', 'glumsoe', STATION.title, STATION.text);
    mopedId = await logConcern('hal', 'glumsoe', MOPED.title, MOPED.text);
    await clients.officer.get(`/concerns/${mopedId}`);
    const shared = await clients.officer.post(`/concerns/${mopedId}/share`, { summary: SUMMARY });
    assert.equal(shared.status, 303);
    meetingId = await createMeeting('officer', { starts_at: inFuture(HOUR), ends_at: inFuture(3 * HOUR) });
  });

  it('an officer links open Glumsø concerns to agenda items of a Glumsø netværksmøde, and it is audited', async () => {
    const page = await clients.officer.get(`/meetings/${meetingId}`);
    assert.match(page.text, new RegExp(`<option value="${stationId}">#${stationId} ${STATION.title}`));
    const first = await link('officer', meetingId, stationId, 'Punkt 1: Tryghed ved stationen');
    assert.equal(first.status, 303, textOf(first.text).slice(0, 400));
    assert.equal(first.location, `/meetings/${meetingId}#concerns`);
    assert.equal((await link('officer', meetingId, `#${mopedId}`, 'Punkt 2: Knallertkørsel')).status, 303);

    const shown = await clients.officer.get(`/meetings/${meetingId}`);
    const text = textOf(shown.text);
    assert.match(text, /Bekymringer på dagsordenen/);
    assert.match(text, /Punkt 2: Knallertkørsel/);
    assert.match(shown.text, new RegExp(`href="/concerns/${stationId}"`));
    assert.match(text, new RegExp(`Bekymring nr. ${stationId}: ${STATION.title}`));

    const details = audits('meeting.concern_linked', stationId);
    assert.equal(details.length, 1);
    assert.equal(JSON.parse(details[0] ?? '{}').meetingId, meetingId);
    const again = await link('officer', meetingId, stationId, 'Punkt 3');
    assert.equal(again.status, 422);
    assert.match(textOf(again.text), /allerede knyttet til mødet/);
  });

  it('Glumsø members see the agenda item and a shared summary, never the concern title, text or a link to it', async () => {
    for (const role of ['formand', 'hal'] as Role[]) {
      const page = await clients[role].get(`/meetings/${meetingId}`);
      assert.equal(page.status, 200, role);
      const text = textOf(page.text);
      assert.match(text, /Punkt 1: Tryghed ved stationen/, role);
      assert.match(text, /Punkt 2: Knallertkørsel/, role);
      assert.match(text, new RegExp(SUMMARY), role);
      for (const secret of [STATION.title, STATION.text, MOPED.title, MOPED.text]) {
        assert.doesNotMatch(text, new RegExp(secret), `${role} must not see "${secret}"`);
      }
      assert.doesNotMatch(page.text, /href="\/concerns\/\d+"/, role);
      assert.doesNotMatch(page.text, /action="\/meetings\/\d+\/concerns/, `${role} gets no link form`);
    }
  });

  it('on a fællesmøde, members of other councils see the agenda item but not the Glumsø summary or reporter', async () => {
    const municipalityCouncils = (
      app.deps.db
        .prepare(
          `SELECT id FROM councils WHERE active = 1 AND municipality_id =
             (SELECT municipality_id FROM councils WHERE slug = 'glumsoe')`,
        )
        .pluck()
        .all() as number[]
    ).map(String);
    assert.ok(municipalityCouncils.includes(councilId('fladsaa')));
    const joint = await createMeeting('officer', {
      kind: 'faellesmoede',
      title: 'Fællesmøde i Næstved',
      council_ids: municipalityCouncils,
    });
    assert.equal((await link('officer', joint, mopedId, 'Punkt 3: Knallerter ved skolen')).status, 303);
    const fladsaa = textOf((await clients.brugs.get(`/meetings/${joint}`)).text);
    assert.match(fladsaa, /Punkt 3: Knallerter ved skolen/);
    for (const secret of [SUMMARY, MOPED.title, MOPED.text, 'Jens Æbeltoft']) {
      assert.doesNotMatch(fladsaa, new RegExp(secret));
    }
    const glumsoe = textOf((await clients.formand.get(`/meetings/${joint}`)).text);
    assert.match(glumsoe, new RegExp(SUMMARY));
    assert.doesNotMatch(glumsoe, /Jens Æbeltoft/);
  });

  it('the officer’s case page lists the meeting, and the minutes once they are published', async () => {
    const before = await clients.officer.get(`/concerns/${mopedId}`);
    assert.equal(before.status, 200);
    const text = textOf(before.text);
    assert.match(text, /Behandlet på møder/);
    assert.match(text, /Netværksmøde i Glumsø \(\d{1,2}\. [a-zæøå]+ \d{4}\), punkt: Punkt 2: Knallertkørsel/);
    assert.match(before.text, new RegExp(`href="/meetings/${meetingId}"`));
    assert.doesNotMatch(before.text, new RegExp(`href="/meetings/${meetingId}#minutes"`));
    // The reporter's own page and the shared page say nothing about meetings.
    assert.doesNotMatch(textOf((await clients.hal.get(`/concerns/${mopedId}`)).text), /Behandlet på møder/);
    assert.doesNotMatch(
      textOf((await clients.formand.get(`/concerns/${mopedId}`)).text),
      /Behandlet på møder/,
    );

    app.advanceClock(2 * HOUR);
    await loginAll(); // the idle time ended every session
    const form = await clients.officer.get(`/meetings/${meetingId}/minutes`);
    assert.match(form.text, new RegExp(`href="/concerns/${mopedId}"`), 'the minutes form links the concerns');
    const saved = await clients.officer.post(`/meetings/${meetingId}/minutes`, {
      minutes: 'Punkt 2: Politiet holder øje med skolevejen.',
      attendance: '12',
    });
    assert.equal(saved.status, 303);
    const after = await clients.officer.get(`/concerns/${mopedId}`);
    assert.match(after.text, new RegExp(`href="/meetings/${meetingId}#minutes">Referat</a>`));
    assert.match((await clients.officer.get(`/meetings/${meetingId}`)).text, /<h2 id="minutes">/);
  });

  it('refuses a Fladså concern on a Glumsø meeting with 422 and keeps the input', async () => {
    const fladsaaId = await logConcern('brugs', 'fladsaa', 'Hærværk ved hallen', 'Knuste ruder.');
    const page = await link('officer', meetingId, fladsaaId, 'Punkt 4: Hærværk');
    assert.equal(page.status, 422);
    assert.match(textOf(page.text), /hører til et lokalråd, der ikke er med i mødet/);
    assert.match(page.text, /href="#field-concern_id"/);
    assert.match(page.text, /value="Punkt 4: Hærværk"/);
    assert.equal(audits('meeting.concern_linked', fladsaaId).length, 0);
  });

  it('refuses a closed concern, an unknown one and an empty or too long agenda item', async () => {
    const closedId = await logConcern('hal', 'glumsoe', 'Løse hunde i parken', 'Flere hunde uden snor.');
    await clients.officer.get(`/concerns/${closedId}`);
    const closed = await clients.officer.post(`/concerns/${closedId}/close`, {
      resolution: 'resolved',
      feedback: 'Kommunen er orienteret.',
    });
    assert.equal(closed.status, 303);
    const page = await clients.officer.get(`/meetings/${meetingId}`);
    assert.doesNotMatch(
      page.text,
      new RegExp(`<option value="${closedId}"`),
      'closed concerns are not offered',
    );
    const refused = await link('officer', meetingId, closedId, 'Punkt 5: Hunde');
    assert.equal(refused.status, 422);
    assert.match(textOf(refused.text), /Bekymringen er afsluttet/);

    assert.equal((await link('officer', meetingId, 999_999, 'Punkt 6')).status, 422);
    const empty = await link('officer', meetingId, stationId, '   ');
    assert.equal(empty.status, 422);
    assert.match(textOf(empty.text), /Skriv dagsordenspunktet/);
    const long = await link('officer', meetingId, stationId, 'x'.repeat(201));
    assert.equal(long.status, 422);
    assert.match(textOf(long.text), /højst 200 tegn/);
    const garbage = await link('officer', meetingId, 'abc', 'Punkt 7');
    assert.equal(garbage.status, 422);
    assert.match(textOf(garbage.text), /Vælg en bekymring/);
  });

  it('a network person, a council admin and other councils’ members cannot link or unlink (404)', async () => {
    const other = await logConcern('hal', 'glumsoe', 'Mørk sti', 'Lyset er gået.');
    for (const role of ['hal', 'formand', 'brugs'] as Role[]) {
      await clients[role].get('/meetings');
      const page = await clients[role].post(`/meetings/${meetingId}/concerns`, {
        concern_id: String(other),
        agenda_item: 'Punkt 8',
      });
      assert.equal(page.status, 404, role);
    }
    // Even on a meeting the council admin organises, linking is for those who handle concerns.
    const ownMeeting = await createMeeting('formand', { title: 'Formandens møde' });
    const ownPage = await clients.formand.get(`/meetings/${ownMeeting}`);
    assert.doesNotMatch(ownPage.text, /action="\/meetings\/\d+\/concerns"/);
    const byAdmin = await clients.formand.post(`/meetings/${ownMeeting}/concerns`, {
      concern_id: String(other),
      agenda_item: 'Punkt 1',
    });
    assert.equal(byAdmin.status, 404);
    const linkId = app.deps.db
      .prepare('SELECT id FROM meeting_concerns WHERE meeting_id = ? AND concern_id = ?')
      .pluck()
      .get(meetingId, stationId) as number;
    assert.equal(
      (await clients.formand.post(`/meetings/${meetingId}/concerns/${linkId}/remove`, {})).status,
      404,
    );
    assert.equal(audits('meeting.concern_linked', other).length, 0);
  });

  it('a borgermøde never takes concerns', async () => {
    const publicId = await createMeeting('officer', { kind: 'borgermoede', title: 'Borgermøde i Glumsø' });
    const page = await clients.officer.get(`/meetings/${publicId}`);
    assert.doesNotMatch(page.text, /Bekymringer på dagsordenen/);
    assert.equal((await link('officer', publicId, stationId, 'Punkt 1')).status, 404);
    assert.equal((await link('admin', publicId, stationId, 'Punkt 1')).status, 404);
    // …nor may a meeting with concerns become one.
    const edit = await clients.officer.get(`/meetings/${meetingId}/edit`);
    assert.equal(edit.status, 200);
    const values = Object.fromEntries(
      [
        ...edit.text.matchAll(
          /<input[^>]+name="(title|starts_at|ends_at|location|capacity)"[^>]*value="([^"]*)"/g,
        ),
      ].map((m) => [m[1], m[2]]),
    );
    const changed = await clients.officer.post(`/meetings/${meetingId}/edit`, {
      ...values,
      kind: 'borgermoede',
      council_ids: [councilId('glumsoe')],
      agenda: '',
    });
    assert.equal(changed.status, 422, textOf(changed.text).slice(0, 300));
    assert.match(textOf(changed.text), /kan ikke være et offentligt borgermøde/);
  });

  it('refuses a link without the CSRF token (403)', async () => {
    await clients.officer.get(`/meetings/${meetingId}`);
    const page = await clients.officer.post(`/meetings/${meetingId}/concerns`, {
      _csrf: '',
      concern_id: String(stationId),
      agenda_item: 'Punkt 9',
    });
    assert.equal(page.status, 403);
  });

  it('the officer removes a link; the meeting and the case page no longer show it', async () => {
    const linkId = app.deps.db
      .prepare('SELECT id FROM meeting_concerns WHERE meeting_id = ? AND concern_id = ?')
      .pluck()
      .get(meetingId, stationId) as number;
    await clients.officer.get(`/meetings/${meetingId}`);
    const removed = await clients.officer.post(`/meetings/${meetingId}/concerns/${linkId}/remove`, {});
    assert.equal(removed.status, 303);
    assert.doesNotMatch(
      textOf((await clients.officer.get(`/meetings/${meetingId}`)).text),
      /Punkt 1: Tryghed/,
    );
    assert.doesNotMatch(
      textOf((await clients.officer.get(`/concerns/${stationId}`)).text),
      /Behandlet på møder/,
    );
    assert.equal(audits('meeting.concern_unlinked', stationId).length, 1);
    assert.equal(
      (await clients.officer.post(`/meetings/${meetingId}/concerns/${linkId}/remove`, {})).status,
      404,
    );
  });
});
