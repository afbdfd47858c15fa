/**
 * Issue 13, item 6: a cancelled meeting says so everywhere. Cancelling asks for a reason and a
 * confirmation; the meeting is then marked "Aflyst" with the reason on the invited members' start
 * page, /meetings, its own page and the public /borgermoeder until its end has passed; answers are
 * closed (409) and the invitees' cancellation mail carries the reason.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import {
  actorOf,
  DAY,
  demoLogins,
  HOUR,
  inFuture,
  loggedIn,
  loginAll,
  meetingForm,
  postMeeting,
} from '../helpers/world.js';

const LOGINS = demoLogins('officer', 'hal', 'brugs');
type Role = keyof typeof LOGINS;

let app: TestApp;
let clients: Record<Role, Client>;

before(async () => {
  app = await startTestApp();
  clients = await loginAll(app, LOGINS);
});
after(() => app.close());

const REASON = 'Stormvarsel – vi finder en ny dato';

/** A Glumsø borgermøde in two days (before the demo's meetings, so it is on the start page). */
function planBorgermoede(title: string): Promise<number> {
  return postMeeting(
    clients.officer,
    meetingForm(app, {
      kind: 'borgermoede',
      title,
      starts_at: inFuture(app, 2 * DAY),
      ends_at: inFuture(app, 2 * DAY + 2 * HOUR),
    }),
  );
}

async function cancel(id: number, reason = REASON) {
  await clients.officer.get(`/meetings/${id}/cancel`);
  return clients.officer.post(`/meetings/${id}/cancel`, { reason, confirm: '1' });
}

/** The text of the start page's "Næste møder" section. */
async function nextMeetingsOf(client: Client): Promise<string> {
  const page = await client.get('/');
  assert.equal(page.status, 200);
  const section = /<section[^>]*aria-labelledby="dash-meetings"[\s\S]*?<\/section>/.exec(page.text)?.[0];
  return section ? textOf(section) : '';
}

/** The text of one meeting's entry in a list of meetings (its <li>). */
function entryOf(html: string, id: number): string {
  const entry = new RegExp(
    `<li(?:\\s[^>]*)?>(?:(?!</li>)[\\s\\S])*?href="/meetings/${id}"[\\s\\S]*?</li>`,
  ).exec(html)?.[0];
  return entry ? textOf(entry) : '';
}

const statusOf = (id: number) =>
  app.deps.db.prepare('SELECT status FROM meetings WHERE id = ?').pluck().get(id) as string;

describe('cancelling asks for a reason and a confirmation', () => {
  it('an empty reason is refused with a Danish message and the input kept; nothing is cancelled or mailed', async () => {
    const id = await planBorgermoede('Borgermøde der næsten blev aflyst');
    await app.deliverMail();
    app.smtp.clear();

    const form = await clients.officer.get(`/meetings/${id}/cancel`);
    assert.equal(form.status, 200);
    assert.match(form.text, new RegExp(`action="/meetings/${id}/cancel"`));
    assert.match(form.text, /name="reason"/);
    assert.match(form.text, /type="checkbox"[^>]*name="confirm"/);

    const empty = await clients.officer.post(`/meetings/${id}/cancel`, { reason: '   ', confirm: '1' });
    assert.equal(empty.status, 422);
    const text = textOf(empty.text);
    assert.match(text, /Der er problemer/);
    assert.match(text, /Skriv hvorfor mødet aflyses/);
    assert.match(empty.text, /href="#field-reason"/);
    assert.match(empty.text, /name="confirm"[^>]*checked/, 'the ticked confirmation is kept');

    const unconfirmed = await clients.officer.post(`/meetings/${id}/cancel`, { reason: REASON });
    assert.equal(unconfirmed.status, 422);
    assert.match(textOf(unconfirmed.text), /Sæt kryds for at bekræfte, at mødet skal aflyses/);
    assert.match(unconfirmed.text, /value="Stormvarsel – vi finder en ny dato"/, 'the reason is kept');

    assert.equal(statusOf(id), 'planned');
    await app.deliverMail();
    assert.equal(app.smtp.received.length, 0, 'nobody is told of a cancellation that did not happen');
  });

  it('only the organisers reach the cancel page; a member gets 404', async () => {
    const id = await planBorgermoede('Kun mødelederen aflyser');
    assert.equal((await clients.hal.get(`/meetings/${id}/cancel`)).status, 404);
    await clients.hal.get('/meetings');
    assert.equal(
      (await clients.hal.post(`/meetings/${id}/cancel`, { reason: REASON, confirm: '1' })).status,
      404,
    );
    assert.equal(statusOf(id), 'planned');
    assert.equal((await new Client(app.url).get(`/meetings/${id}/cancel`)).status, 303, 'to the login');
  });
});

describe('a cancelled meeting says so everywhere', () => {
  let id = 0;
  const title = 'Borgermøde om trafik ved skolen';

  before(async () => {
    id = await planBorgermoede(title);
    await app.deliverMail();
    assert.match(entryOf((await clients.hal.get('/')).text, id), /Du har ikke svaret/, 'listed before');
    app.smtp.clear();
    const done = await cancel(id);
    assert.equal(done.status, 303);
    assert.equal(done.location, `/meetings/${id}`);
  });

  it('the invitees’ cancellation mail carries the reason and the METHOD:CANCEL', async () => {
    await app.deliverMail();
    const mail = app.smtp.to(LOGINS.hal).find((m) => m.subject === `Aflyst: ${title}`);
    assert.ok(mail, 'hal, who was invited, is told');
    assert.match(mail.text, /Årsag: Stormvarsel – vi finder en ny dato/);
    assert.match(mail.html, /Årsag: Stormvarsel – vi finder en ny dato/);
    assert.match(mail.raw, /method=CANCEL/i);
    assert.equal(app.smtp.to(LOGINS.brugs).length, 0, 'Fladså was not invited');
  });

  it('the invited member’s start page marks it Aflyst with the reason, not "Du har ikke svaret"', async () => {
    const section = await nextMeetingsOf(clients.hal);
    assert.match(section, new RegExp(title));
    const entry = entryOf((await clients.hal.get('/')).text, id);
    assert.match(entry, /Aflyst/);
    assert.match(entry, /Årsag: Stormvarsel – vi finder en ny dato/);
    assert.doesNotMatch(entry, /Du har ikke svaret/);
  });

  it('/meetings marks it Aflyst with the reason among the upcoming meetings', async () => {
    const entry = entryOf((await clients.hal.get('/meetings')).text, id);
    assert.match(entry, /Aflyst/);
    assert.match(entry, /Årsag: Stormvarsel – vi finder en ny dato/);
    assert.doesNotMatch(entry, /Dit svar/);
  });

  it('the meeting page says it is cancelled and why, and has no answer form', async () => {
    const page = await clients.hal.get(`/meetings/${id}`);
    assert.equal(page.status, 200);
    const text = textOf(page.text);
    assert.match(text, /Mødet er aflyst\./);
    assert.match(text, /Årsag: Stormvarsel – vi finder en ny dato/);
    assert.doesNotMatch(page.text, new RegExp(`action="/meetings/${id}/rsvp"`));
    const organiser = await clients.officer.get(`/meetings/${id}`);
    assert.doesNotMatch(organiser.text, new RegExp(`href="/meetings/${id}/cancel"`), 'no second cancel');
  });

  it('the public /borgermoeder still lists it for citizens, marked Aflyst with the reason and no .ics', async () => {
    const page = await new Client(app.url).get('/borgermoeder');
    assert.equal(page.status, 200);
    const entry = entryOf(page.text, id);
    assert.match(entry, new RegExp(title));
    assert.match(entry, /Aflyst/);
    assert.match(entry, /Årsag: Stormvarsel – vi finder en ny dato/);
    assert.doesNotMatch(page.text, new RegExp(`/meetings/${id}\\.ics`));
    const own = textOf((await new Client(app.url).get(`/meetings/${id}`)).text);
    assert.match(own, /Årsag: Stormvarsel – vi finder en ny dato/, 'and on its public page');
  });

  it('answers are closed: the RSVP is refused with 409 on a page saying it is cancelled', async () => {
    await clients.hal.get(`/meetings/${id}`);
    for (const response of ['yes', 'nonsense']) {
      const page = await clients.hal.post(`/meetings/${id}/rsvp`, { response });
      assert.equal(page.status, 409, response);
      assert.match(textOf(page.text), /Mødet er aflyst, så du kan ikke længere svare på invitationen/);
    }
    const answers = app.deps.db
      .prepare('SELECT count(*) FROM meeting_responses WHERE meeting_id = ?')
      .pluck()
      .get(id);
    assert.equal(answers, 0);
    await clients.brugs.get('/borgermoeder');
    assert.equal(
      (await clients.brugs.post(`/meetings/${id}/rsvp`, { response: 'yes' })).status,
      404,
      'someone who may not answer still gets 404',
    );
  });

  it('a second cancel is a conflict (409) and sends nothing', async () => {
    app.smtp.clear();
    const page = await clients.officer.get(`/meetings/${id}/cancel`);
    assert.equal(page.status, 409);
    assert.match(textOf(page.text), /Mødet er allerede aflyst/);
    const again = await clients.officer.post(`/meetings/${id}/cancel`, { reason: 'Igen', confirm: '1' });
    assert.equal(again.status, 409);
    await app.deliverMail();
    assert.equal(app.smtp.received.length, 0);
    const reason = app.deps.db.prepare('SELECT cancel_reason FROM meetings WHERE id = ?').pluck().get(id);
    assert.equal(reason, REASON, 'the first reason stands');
  });

  it('the cancellation and its reason are in the audit log', () => {
    const details = app.deps.db
      .prepare(
        `SELECT details FROM audit_log WHERE action = 'meeting.cancelled' AND entity_id = ? ORDER BY id DESC`,
      )
      .pluck()
      .get(id) as string;
    assert.equal(JSON.parse(details).reason, REASON);
  });

  it('the .ics download and the calendar feed mark it STATUS:CANCELLED', async () => {
    const ics = await new Client(app.url).get(`/meetings/${id}.ics`);
    assert.equal(ics.status, 200);
    assert.match(ics.text, /STATUS:CANCELLED/);
    const token = app.deps.services.meetings.createFeed(actorOf(app, LOGINS.hal));
    const feed = await new Client(app.url).get(`/calendar/${token}.ics`);
    assert.equal(feed.status, 200);
    const event = feed.text.split('BEGIN:VEVENT').find((e) => e.includes(`UID:meeting-${id}@`));
    assert.ok(event, 'the cancelled meeting is in the feed');
    assert.match(event, /STATUS:CANCELLED/);
  });
});

describe('once its date has passed', () => {
  it('the cancelled meeting leaves the start page, /meetings and /borgermoeder; its own page still says why', async () => {
    const title = 'Netværksmøde der blev aflyst i går';
    const id = await postMeeting(
      clients.officer,
      meetingForm(app, { title, starts_at: inFuture(app, 3 * HOUR), ends_at: inFuture(app, 5 * HOUR) }),
    );
    const publicId = await planBorgermoede('Borgermøde der blev aflyst i går');
    assert.equal((await cancel(id, 'Sygdom')).status, 303);
    assert.equal((await cancel(publicId, 'Sygdom')).status, 303);
    assert.match(entryOf((await clients.hal.get('/meetings')).text, id), /Aflyst/, 'shown while ahead');

    // Past the end of both; the sessions have expired meanwhile, so sign in again.
    app.advanceClock(3 * DAY);
    const hal = await loggedIn(app, LOGINS.hal);
    assert.doesNotMatch(await nextMeetingsOf(hal), /aflyst i går/);
    const list = await hal.get('/meetings');
    assert.doesNotMatch(list.text, new RegExp(`href="/meetings/${id}"`), 'not upcoming, and never held');
    assert.doesNotMatch(list.text, new RegExp(`href="/meetings/${publicId}"`));
    const open = await new Client(app.url).get('/borgermoeder');
    assert.doesNotMatch(open.text, new RegExp(`href="/meetings/${publicId}"`));
    const own = textOf((await hal.get(`/meetings/${id}`)).text);
    assert.match(own, /Mødet er aflyst\. Årsag: Sygdom/);
  });
});
