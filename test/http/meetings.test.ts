import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ICAL from 'ical.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import type { ReceivedMail } from '../helpers/smtp.js';
import {
  councilId,
  DAY,
  HOUR,
  inFuture as inFutureOf,
  DEMO as LOGINS,
  loggedIn,
  loginAll,
  meetingForm as meetingFormOf,
  postMeeting,
} from '../helpers/world.js';

type Role = keyof typeof LOGINS;

let app: TestApp;
let clients: Record<Role, Client>;

const glumsoe = () => String(councilId(app, 'glumsoe'));
const fladsaa = () => String(councilId(app, 'fladsaa'));
const allNaestved = () =>
  (app.deps.db.prepare('SELECT id FROM councils WHERE active = 1').pluck().all() as number[]).map(String);

/** A Copenhagen datetime-local value `ms` from the app's now. */
const inFuture = (ms: number) => inFutureOf(app, ms);
const meetingForm = (overrides: Record<string, string | string[]> = {}) => meetingFormOf(app, overrides);
const createMeeting = (as: Role, overrides: Record<string, string | string[]> = {}) =>
  postMeeting(clients[as], meetingForm(overrides));

/** The calendar invitation of a mail: the .ics attachment, parsed. */
function icsOf(mail: ReceivedMail) {
  const part = mail.parsed.attachments.find(
    (a) => /\.ics$/.test(a.filename ?? '') || /calendar|ics/.test(a.contentType),
  );
  assert.ok(part, `an .ics attachment in "${mail.subject}"`);
  const text = part.content.toString('utf8');
  const calendar = new ICAL.Component(ICAL.parse(text));
  const vtimezone = calendar.getFirstSubcomponent('vtimezone');
  assert.ok(vtimezone);
  ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
  const vevent = calendar.getFirstSubcomponent('vevent');
  assert.ok(vevent);
  return { text, calendar, event: new ICAL.Event(vevent), part };
}

function parseIcs(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const vtimezone = calendar.getFirstSubcomponent('vtimezone');
  if (vtimezone) ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
  return { calendar, events: calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v)) };
}

const mailsTo = (who: Role, subject: RegExp) =>
  app.smtp.to(LOGINS[who]).filter((m) => subject.test(m.subject));

before(async () => {
  app = await startTestApp();
  clients = await loginAll(app, LOGINS);
});
after(() => app.close());

describe('planning a meeting', () => {
  it('officers, council admins and district admins get the form; a network person gets 404', async () => {
    for (const role of ['officer', 'formand', 'admin'] as Role[]) {
      assert.equal((await clients[role].get('/meetings/new')).status, 200, role);
    }
    for (const role of ['hal', 'brugs'] as Role[]) {
      assert.equal((await clients[role].get('/meetings/new')).status, 404, role);
    }
    assert.equal((await new Client(app.url).get('/meetings/new')).status, 303);
  });

  it('refuses an end before the start with a Danish message and keeps the input', async () => {
    await clients.officer.get('/meetings/new');
    const page = await clients.officer.post(
      '/meetings',
      meetingForm({ title: 'Mit møde', starts_at: inFuture(5 * DAY), ends_at: inFuture(5 * DAY - HOUR) }),
    );
    assert.equal(page.status, 422);
    assert.match(textOf(page.text), /Mødet skal slutte efter, at det starter/);
    assert.match(page.text, /value="Mit møde"/);
    assert.match(page.text, /href="#field-ends_at"/);
  });

  it('refuses a time inside the spring-forward gap', async () => {
    const page = await clients.officer.post(
      '/meetings',
      meetingForm({ starts_at: '2030-03-31T02:30', ends_at: '2030-03-31T04:00' }),
    );
    assert.equal(page.status, 422);
    assert.match(textOf(page.text), /Tidspunktet findes ikke/);
  });

  it('refuses missing fields, and never a 500', async () => {
    const page = await clients.officer.post('/meetings', { kind: 'bogus', council_ids: 'x' });
    assert.equal(page.status, 422);
    const text = textOf(page.text);
    assert.match(text, /Vælg en mødetype/);
    assert.match(text, /Skriv en titel/);
  });

  it('a council admin cannot plan for another council, and a fællesmøde needs the whole municipality', async () => {
    await clients.formand.get('/meetings/new');
    const foreign = await clients.formand.post('/meetings', meetingForm({ council_ids: [fladsaa()] }));
    assert.equal(foreign.status, 422);
    assert.match(textOf(foreign.text), /Vælg kun lokalråd, du kan planlægge møder for/);
    await clients.officer.get('/meetings/new');
    const partial = await clients.officer.post(
      '/meetings',
      meetingForm({ kind: 'faellesmoede', council_ids: [glumsoe(), fladsaa()] }),
    );
    assert.equal(partial.status, 422);
    assert.match(textOf(partial.text), /Et fællesmøde er for alle lokalråd i kommunen/);
  });

  it('a POST without _csrf is refused with 403', async () => {
    const page = await clients.officer.post('/meetings', { ...meetingForm(), _csrf: '' });
    assert.equal(page.status, 403);
  });

  it('escapes a title with markup on the meeting page and in the list', async () => {
    const id = await createMeeting('officer', { title: '<script>alert("x")</script> & co' });
    const page = await clients.hal.get(`/meetings/${id}`);
    assert.equal(page.status, 200);
    assert.ok(!page.text.includes('<script>alert'));
    assert.ok(page.text.includes('&lt;script&gt;'));
    const list = await clients.hal.get('/meetings');
    assert.ok(!list.text.includes('<script>alert'));
  });
});

describe('who sees a meeting', () => {
  let network: number;
  let citizen: number;
  let joint: number;
  before(async () => {
    network = await createMeeting('officer', { title: 'Netværk Glumsø' });
    citizen = await createMeeting('formand', {
      kind: 'borgermoede',
      title: 'Borgermøde om tryghed i Glumsø',
    });
    joint = await createMeeting('officer', {
      kind: 'faellesmoede',
      title: 'Fællesmøde Næstved',
      council_ids: allNaestved(),
    });
  });

  it('a Glumsø network meeting: Glumsø members, the officer and the district admin see it; Fladså and Vestegn get 404', async () => {
    for (const role of ['hal', 'formand', 'officer', 'admin'] as Role[]) {
      assert.equal((await clients[role].get(`/meetings/${network}`)).status, 200, role);
      assert.equal((await clients[role].get(`/meetings/${network}.ics`)).status, 200, `${role} .ics`);
    }
    for (const role of ['brugs', 'vest'] as Role[]) {
      assert.equal((await clients[role].get(`/meetings/${network}`)).status, 404, role);
      assert.equal((await clients[role].get(`/meetings/${network}.ics`)).status, 404, `${role} .ics`);
    }
    const anonymous = new Client(app.url);
    const page = await anonymous.get(`/meetings/${network}`);
    assert.equal(page.status, 303);
    assert.match(page.location ?? '', /^\/login/);
    // A missing id looks the same to an anonymous visitor.
    assert.equal((await anonymous.get('/meetings/999999')).location, '/login?next=%2Fmeetings%2F999999');
    assert.equal((await anonymous.get(`/meetings/${network}.ics`)).status, 303);
  });

  it('a fællesmøde is seen by members of every council in it', async () => {
    for (const role of ['hal', 'brugs', 'vest'] as Role[]) {
      assert.equal((await clients[role].get(`/meetings/${joint}`)).status, 200, role);
    }
  });

  it('a borgermøde is public, with its .ics', async () => {
    const anonymous = new Client(app.url);
    const page = await anonymous.get(`/meetings/${citizen}`);
    assert.equal(page.status, 200);
    assert.match(textOf(page.text), /Borgermøde om tryghed i Glumsø/);
    const ics = await anonymous.get(`/meetings/${citizen}.ics`);
    assert.equal(ics.status, 200);
    assert.match(ics.headers.get('content-type') ?? '', /^text\/calendar/);
    const { calendar, events } = parseIcs(ics.text);
    assert.equal(calendar.getFirstPropertyValue('method'), 'PUBLISH');
    assert.equal(events[0]?.uid, `meeting-${citizen}@127.0.0.1`);
  });

  it('the public page lists upcoming borgermøder only, per municipality and council', async () => {
    const page = await new Client(app.url).get('/borgermoeder');
    assert.equal(page.status, 200);
    const text = textOf(page.text);
    assert.match(text, /Næstved Kommune/);
    assert.match(text, /Glumsø Lokalråd/);
    assert.match(text, /Borgermøde om tryghed i Glumsø/);
    assert.ok(page.text.includes(`/meetings/${citizen}.ics`));
    assert.ok(!text.includes('Netværk Glumsø'));
    assert.ok(!text.includes('Fællesmøde Næstved'));
  });

  it('the list shows each person the meetings of their councils', async () => {
    const hal = textOf((await clients.hal.get('/meetings')).text);
    assert.match(hal, /Netværk Glumsø/);
    const brugs = textOf((await clients.brugs.get('/meetings')).text);
    assert.ok(!brugs.includes('Netværk Glumsø'));
    assert.match(brugs, /Fællesmøde Næstved/);
    assert.equal((await new Client(app.url).get('/meetings')).status, 303);
  });
});

describe('invitations, updates, cancellations and reminders by mail', () => {
  it('members of the council get an invitation with a METHOD:REQUEST .ics at the right local time', async () => {
    app.smtp.clear();
    const id = await createMeeting('officer', {
      title: 'Natmøde, om vinter; og sommer',
      starts_at: '2030-10-27T01:30',
      ends_at: '2030-10-27T04:00',
    });
    await app.deliverMail();
    const [mail] = mailsTo('hal', /^Invitation: Natmøde/);
    assert.ok(mail, 'hal is invited');
    assert.equal(mailsTo('brugs', /Natmøde/).length, 0, 'Fladså is not invited');
    const { calendar, event, text } = icsOf(mail);
    assert.equal(calendar.getFirstPropertyValue('method'), 'REQUEST');
    assert.equal(event.uid, `meeting-${id}@127.0.0.1`);
    assert.equal(event.summary, 'Natmøde, om vinter; og sommer');
    assert.equal(event.sequence, 0);
    assert.equal(event.startDate.toString(), '2030-10-27T01:30:00');
    assert.equal(event.startDate.toJSDate().toISOString(), '2030-10-26T23:30:00.000Z');
    assert.equal(event.endDate.toJSDate().toISOString(), '2030-10-27T03:00:00.000Z');
    assert.ok(text.includes('\r\n'));
    assert.match(mail.text, /Glumsø Hallen/);
    // The MIME structure: the calendar travels as text/calendar with method=REQUEST.
    assert.match(mail.raw, /Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i);
  });

  it('a change of time sends an update with a higher SEQUENCE; cancelling sends METHOD:CANCEL', async () => {
    const id = await createMeeting('officer', { title: 'Skal flyttes' });
    await app.deliverMail();
    app.smtp.clear();
    const edit = await clients.officer.get(`/meetings/${id}/edit`);
    assert.equal(edit.status, 200);
    assert.equal((await clients.hal.get(`/meetings/${id}/edit`)).status, 404);
    const moved = await clients.officer.post(
      `/meetings/${id}/edit`,
      meetingForm({ title: 'Skal flyttes', starts_at: '2031-01-15T19:00', ends_at: '2031-01-15T21:00' }),
    );
    assert.equal(moved.status, 303);
    await app.deliverMail();
    const [update] = mailsTo('hal', /^Ændret: Skal flyttes/);
    assert.ok(update);
    const u = icsOf(update);
    assert.equal(u.event.sequence, 1);
    assert.equal(u.event.uid, `meeting-${id}@127.0.0.1`);
    assert.equal(u.event.startDate.toJSDate().toISOString(), '2031-01-15T18:00:00.000Z');

    await clients.hal.get(`/meetings/${id}`);
    assert.equal((await clients.hal.post(`/meetings/${id}/cancel`)).status, 404, 'a member cannot cancel');
    await clients.officer.get(`/meetings/${id}/cancel`);
    const cancelled = { reason: 'Lokalet er ikke ledigt', confirm: '1' };
    assert.equal((await clients.officer.post(`/meetings/${id}/cancel`, cancelled)).status, 303);
    await app.deliverMail();
    const [cancel] = mailsTo('hal', /^Aflyst: Skal flyttes/);
    assert.ok(cancel);
    const c = icsOf(cancel);
    assert.equal(c.calendar.getFirstPropertyValue('method'), 'CANCEL');
    assert.equal(c.event.component.getFirstPropertyValue('status'), 'CANCELLED');
    assert.equal(c.event.sequence, 2);
    assert.match(textOf((await clients.hal.get(`/meetings/${id}`)).text), /Mødet er aflyst/);
  });

  it('a member who turned meeting mail off is not invited', async () => {
    app.deps.db.prepare('UPDATE users SET notify_meetings = 0 WHERE email = ?').run(LOGINS.formand);
    app.smtp.clear();
    await createMeeting('officer', { title: 'Uden formanden' });
    await app.deliverMail();
    assert.equal(mailsTo('formand', /Uden formanden/).length, 0);
    assert.equal(mailsTo('hal', /Uden formanden/).length, 1);
    app.deps.db.prepare('UPDATE users SET notify_meetings = 1 WHERE email = ?').run(LOGINS.formand);
  });

  it('the reminder goes out once the day before, and never twice', async () => {
    const id = await createMeeting('officer', {
      title: 'Snart møde',
      starts_at: inFuture(20 * HOUR),
      ends_at: inFuture(22 * HOUR),
    });
    app.smtp.clear();
    await app.deliverMail(); // runs the scheduler: invitation and reminder
    assert.equal(mailsTo('hal', /^Påmindelse: Snart møde/).length, 1);
    await app.deliverMail();
    assert.equal(app.deps.services.meetings.sendDueReminders(), 0, 'a second run sends nothing');
    await app.deliverMail();
    assert.equal(mailsTo('hal', /^Påmindelse: Snart møde/).length, 1);
    const marker = app.deps.db.prepare('SELECT reminder_sent_at FROM meetings WHERE id = ?').pluck().get(id);
    assert.ok(marker);
  });
});

describe('answers', () => {
  it('members answer and change their answer; capacity refuses "ja" when full but allows maybe', async () => {
    const id = await createMeeting('formand', { title: 'Lille møde', capacity: '1' });
    await clients.hal.get(`/meetings/${id}`);
    assert.equal((await clients.hal.post(`/meetings/${id}/rsvp`, { response: 'maybe' })).status, 303);
    assert.equal((await clients.hal.post(`/meetings/${id}/rsvp`, { response: 'yes' })).status, 303);
    await clients.formand.get(`/meetings/${id}`);
    const full = await clients.formand.post(`/meetings/${id}/rsvp`, { response: 'yes' });
    // A clash with the input comes back on its form: 422 (docs/architecture.md#forms).
    assert.equal(full.status, 422);
    assert.match(textOf(full.text), /Mødet er fuldt, så du kan ikke svare ja/);
    assert.equal((await clients.formand.post(`/meetings/${id}/rsvp`, { response: 'maybe' })).status, 303);
    assert.equal((await clients.formand.post(`/meetings/${id}/rsvp`, { response: 'nonsense' })).status, 422);
    // hal keeps the place and may answer yes again
    assert.equal((await clients.hal.post(`/meetings/${id}/rsvp`, { response: 'yes' })).status, 303);

    const organiser = textOf((await clients.formand.get(`/meetings/${id}`)).text);
    assert.match(organiser, /Ja: 1 · Nej: 0 · Måske: 1/);
    const staff = textOf((await clients.officer.get(`/meetings/${id}`)).text);
    assert.match(staff, /Ja: 1 · Nej: 0 · Måske: 1/);
    const member = textOf((await clients.hal.get(`/meetings/${id}`)).text);
    assert.ok(!member.includes('Ja: 1 · Nej'), 'a member does not see the list');
    assert.match(textOf((await clients.hal.get('/meetings')).text), /Lille møde.*Dit svar: Ja, jeg kommer/);

    await clients.brugs.get('/meetings');
    assert.equal((await clients.brugs.post(`/meetings/${id}/rsvp`, { response: 'yes' })).status, 404);
  });
});

describe('the personal calendar feed', () => {
  it('a secret address lists the meetings the person may see, and stops when revoked', async () => {
    await createMeeting('officer', { title: 'Med i kalenderen' });
    await clients.hal.get('/meetings/feed');
    const created = await clients.hal.post('/meetings/feed', { action: 'create' });
    assert.equal(created.status, 303);
    const page = await clients.hal.get('/meetings/feed');
    const url = /(https?:\/\/[^<\s]+\/calendar\/[A-Za-z0-9_-]+\.ics)/.exec(page.text)?.[1];
    assert.ok(url, 'the address is shown once');
    const path = new URL(url).pathname;
    const feed = await new Client(app.url).get(path);
    assert.equal(feed.status, 200);
    const { events } = parseIcs(feed.text);
    assert.ok(events.some((e) => e.summary === 'Med i kalenderen'));
    assert.ok(!(await clients.hal.get('/meetings/feed')).text.includes(path), 'shown only once');
    await clients.hal.post('/meetings/feed', { action: 'revoke' });
    assert.equal((await new Client(app.url).get(path)).status, 404);
    assert.equal((await new Client(app.url).get('/calendar/nonsense.ics')).status, 404);
  });
});

describe('minutes', () => {
  it('the organiser writes the referat after the meeting and the members are told', async () => {
    const id = await createMeeting('officer', {
      title: 'Møde med referat',
      starts_at: inFuture(2 * HOUR),
      ends_at: inFuture(3 * HOUR),
    });
    await clients.officer.get(`/meetings/${id}/minutes`);
    const early = await clients.officer.post(`/meetings/${id}/minutes`, {
      minutes: 'For tidligt',
      attendance: '',
    });
    assert.equal(early.status, 422);
    assert.equal((await clients.hal.get(`/meetings/${id}/minutes`)).status, 404);
    app.advanceClock(4 * HOUR);
    // Four idle hours end every session: sign in again.
    for (const role of ['officer', 'hal'] as Role[]) clients[role] = await loggedIn(app, LOGINS[role]);
    await clients.officer.get(`/meetings/${id}/minutes`);
    app.smtp.clear();
    const saved = await clients.officer.post(`/meetings/${id}/minutes`, {
      minutes: '# Referat\n- Lys ved stationen',
      attendance: '14',
    });
    assert.equal(saved.status, 303);
    await app.deliverMail();
    assert.equal(mailsTo('hal', /^Referat: Møde med referat/).length, 1);
    const page = textOf((await clients.hal.get(`/meetings/${id}`)).text);
    assert.match(page, /Lys ved stationen/);
    assert.match(page, /Fremmødte: 14/);
  });
});
