import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { localDate, parseLocalDateTime } from '../../src/web/dates.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { type Client, textOf } from '../helpers/client.js';
import { rgbPng } from '../helpers/png.js';
import {
  addPerson,
  councilId,
  DEMO,
  lastMailTo,
  logConcern,
  loggedIn,
  postMultipart,
  testPasswordHash,
  type Upload,
  userId,
} from '../helpers/world.js';

/**
 * The loops between a reporter, the officers and the network (issue 13, items 1 and 2): what a
 * reporter adds reaches the officers, and what an officer shares reaches the network — each by
 * mail to whoever wants it, and on the page they look at.
 */

const png = (name = 'foto.png'): Upload => ({
  field: 'photos',
  name,
  type: 'image/png',
  bytes: rgbPng(4, 4, () => [30, 120, 200]),
});

const notify = (app: TestApp, email: string, column: string, on: 0 | 1) =>
  app.deps.db.prepare(`UPDATE users SET ${column} = ? WHERE email = ?`).run(on, email);

const mailsAbout = (app: TestApp, email: string, about: string) =>
  app.smtp.to(email).filter((m) => m.subject.includes(about));

/** The queue row of one concern, as the officer's /triage page shows it. */
async function queueRow(officer: Client, id: number): Promise<string> {
  const page = await officer.get('/triage');
  assert.equal(page.status, 200);
  const row = page.text
    .split('<tr>')
    .find((r) => r.includes(`href="/concerns/${id}"`))
    ?.split('</tr>')[0];
  assert.ok(row, `#${id} is in the queue`);
  return row;
}

describe("what a reporter adds reaches the council's officers", () => {
  let app: TestApp;
  let hal: Client;
  let officer: Client;
  let admin: Client;
  const quietOfficer = 'stille.betjent@politi.example';

  before(async () => {
    app = await startTestApp();
    [hal, officer, admin] = await Promise.all([
      loggedIn(app, DEMO.hal),
      loggedIn(app, DEMO.officer),
      loggedIn(app, DEMO.admin),
    ]);
    addPerson(app, {
      email: quietOfficer,
      name: 'Stine Stille',
      isOfficer: true,
      officerOf: [councilId(app, 'glumsoe')],
    });
    notify(app, quietOfficer, 'notify_concern_additions', 0);
  });
  after(() => app.close());

  it('an addition mails each officer who wants it, with the number and without the reporter or the text', async () => {
    const id = logConcern(app, DEMO.hal, { title: 'Knallerter på cykelstien', description: 'Hver aften.' });
    const added = await hal.post(`/concerns/${id}/info`, { body: 'Nummerpladen var AB 12 345.' });
    assert.equal(added.status, 303);

    const mail = await lastMailTo(app, DEMO.officer, `#${id}`);
    assert.match(mail.subject, new RegExp(`Ny oplysning på bekymring #${id}`));
    assert.match(mail.text, /Glumsø Lokalråd/);
    assert.match(mail.text, new RegExp(`/concerns/${id}`));
    for (const secret of ['AB 12 345', 'Knallerter', 'Jens Æbeltoft', DEMO.hal]) {
      assert.doesNotMatch(mail.text + mail.subject, new RegExp(secret), `the mail leaves out "${secret}"`);
    }
    assert.equal(mailsAbout(app, quietOfficer, `#${id}`).length, 0, 'the officer who turned it off');
    assert.equal(
      mailsAbout(app, DEMO.hal, 'Ny oplysning').length,
      0,
      'the reporter is not told of their own',
    );
  });

  it('the queue flags the concern until an officer of its council opens it; a district admin does not clear it', async () => {
    const id = logConcern(app, DEMO.hal, { title: 'Glatte fliser ved hallen' });
    assert.doesNotMatch(await queueRow(officer, id), /Ny oplysning fra indmelder/, 'not before an addition');
    assert.equal((await hal.post(`/concerns/${id}/info`, { body: 'Nu er der også is.' })).status, 303);
    assert.match(await queueRow(officer, id), /Ny oplysning fra indmelder/);

    assert.equal((await admin.get(`/concerns/${id}`)).status, 200);
    assert.match(
      await queueRow(officer, id),
      /Ny oplysning fra indmelder/,
      'still news after the admin looked',
    );

    assert.equal((await officer.get(`/concerns/${id}`)).status, 200);
    assert.doesNotMatch(
      await queueRow(officer, id),
      /Ny oplysning fra indmelder/,
      'seen once the officer opened it',
    );

    assert.equal((await hal.post(`/concerns/${id}/info`, { body: 'Og i dag igen.' })).status, 303);
    assert.match(await queueRow(officer, id), /Ny oplysning fra indmelder/, 'a new addition is news again');
  });

  it('the reporter adds photos later by the rules of logging, up to nine on a concern', async () => {
    const id = logConcern(app, DEMO.hal, { title: 'Graffiti på gavlen' });
    const photos = () =>
      app.deps.db.prepare('SELECT count(*) FROM concern_photos WHERE concern_id = ?').pluck().get(id);

    const one = await postMultipart(app, hal, `/concerns/${id}/info`, { body: '' }, [png()]);
    assert.equal(one.status, 303, 'a photo alone is an addition');
    assert.equal(photos(), 1);
    const page = await hal.get(`/concerns/${id}`);
    assert.match(textOf(page.text), /Oplysninger og 1 billede\(r\) tilføjet af indberetteren/);
    assert.match(page.text, new RegExp(`/concerns/${id}/photos/\\d+`));

    const four = await postMultipart(app, hal, `/concerns/${id}/info`, { body: 'Fire billeder' }, [
      png('1.png'),
      png('2.png'),
      png('3.png'),
      png('4.png'),
    ]);
    assert.equal(four.status, 422);
    assert.match(textOf(four.text), /Vælg højst 3 billeder/);
    assert.match(four.text, /Fire billeder<\/textarea>/, 'the text is kept');

    const fake = await postMultipart(app, hal, `/concerns/${id}/info`, { body: 'Se her' }, [
      {
        field: 'photos',
        name: 'billede.png',
        type: 'image/png',
        bytes: new TextEncoder().encode('<script>'),
      },
    ]);
    assert.equal(fake.status, 422, 'a file that is not an image');
    assert.match(textOf(fake.text), /Der er problemer[\s\S]*ikke et JPEG- eller PNG-billede/);

    const nothing = await hal.post(`/concerns/${id}/info`, { body: '   ' });
    assert.equal(nothing.status, 422);
    assert.match(textOf(nothing.text), /Skriv de oplysninger, du vil tilføje, eller vælg et billede/);

    for (let i = 0; i < 2; i++) {
      const three = [png('a.png'), png('b.png'), png('c.png')];
      assert.equal((await postMultipart(app, hal, `/concerns/${id}/info`, { body: '' }, three)).status, 303);
    }
    assert.equal(photos(), 7);
    const tooMany = await postMultipart(app, hal, `/concerns/${id}/info`, { body: 'Tre til' }, [
      png('x.png'),
      png('y.png'),
      png('z.png'),
    ]);
    assert.equal(tooMany.status, 422);
    assert.match(textOf(tooMany.text), /højst 9 i alt/);
    assert.equal(photos(), 7, 'nothing of the refused addition was stored');
    assert.equal(
      (await postMultipart(app, hal, `/concerns/${id}/info`, { body: '' }, [png(), png('2.png')])).status,
      303,
    );
    assert.equal(photos(), 9);
    const full = await hal.get(`/concerns/${id}`);
    assert.match(textOf(full.text), /har fået de 9 billeder, den kan have/);
    assert.doesNotMatch(full.text, /type="file"/, 'no photo field once the concern is full');
  });

  it('the setting is on /account for officers only, and an officer who turns it off is not mailed', async () => {
    const mine = await officer.get('/account');
    assert.match(mine.text, /name="notify_concern_additions"[^>]*checked/, 'on by default');
    assert.doesNotMatch(mine.text, /name="notify_shared_summaries"/, 'not a member of a network');
    const halsPage = await hal.get('/account');
    assert.doesNotMatch(halsPage.text, /name="notify_concern_additions"/);
    assert.match(halsPage.text, /name="notify_shared_summaries"[^>]*checked/);

    const saved = await officer.post('/account', {
      name: 'Mads Holm',
      phone: '',
      locale: 'da',
      notify_concern_updates: '1',
    });
    assert.equal(saved.status, 303);
    const row = app.deps.db
      .prepare('SELECT notify_concern_additions, notify_shared_summaries FROM users WHERE id = ?')
      .get(userId(app, DEMO.officer));
    assert.deepEqual(
      { ...(row as object) },
      { notify_concern_additions: 0, notify_shared_summaries: 1 },
      'the unticked box turned off; the setting the form did not show kept its value',
    );

    const id = logConcern(app, DEMO.hal, { title: 'Løse hunde' });
    assert.equal((await hal.post(`/concerns/${id}/info`, { body: 'Tre hunde i dag.' })).status, 303);
    await app.deliverMail();
    assert.equal(mailsAbout(app, DEMO.officer, `#${id}`).length, 0);
    assert.match(await queueRow(officer, id), /Ny oplysning fra indmelder/, 'the queue still says so');
  });
});

describe("the officers' digest lists additions nobody has opened", () => {
  let app: TestApp;
  let hal: Client;
  let officer: Client;

  before(async () => {
    app = await startTestApp();
    [hal, officer] = await Promise.all([loggedIn(app, DEMO.hal), loggedIn(app, DEMO.officer)]);
  });
  after(() => app.close());

  /** The next Copenhagen morning after the digest hour; the scheduler's round; the mails out. */
  async function nextMorning(): Promise<void> {
    const tomorrow = localDate(new Date(app.deps.now().getTime() + 86_400_000));
    const at = parseLocalDateTime(`${tomorrow}T08:00`);
    assert.ok(at);
    app.advanceClock(new Date(at).getTime() - app.deps.now().getTime());
    await app.deps.scheduler.tick();
    await app.deliverMail();
  }

  const additionsIn = (id: number) => {
    const digest = app.smtp
      .to(DEMO.officer)
      .filter((m) => m.subject.includes('Dagens overblik'))
      .at(-1);
    assert.ok(digest, 'a digest arrived');
    const start = digest.text.indexOf('Nye oplysninger fra indmeldere');
    const section = start < 0 ? '' : digest.text.slice(start, digest.text.indexOf('\n\n', start) >>> 0);
    return section.includes(`#${id} `);
  };

  it('an addition is listed every morning until an officer of the council opens the case', async () => {
    const id = logConcern(app, DEMO.hal, { title: 'Råben fra parken om natten' });
    assert.equal((await hal.post(`/concerns/${id}/info`, { body: 'Også i nat.' })).status, 303);
    await nextMorning();
    assert.ok(additionsIn(id), 'listed under "Nye oplysninger fra indmeldere"');

    // A night has passed: both sign in again (the idle timeout ended yesterday's sessions).
    [hal, officer] = await Promise.all([loggedIn(app, DEMO.hal), loggedIn(app, DEMO.officer)]);
    assert.equal((await officer.get(`/concerns/${id}`)).status, 200);
    assert.equal((await hal.post(`/concerns/${id}/info`, { body: 'Nu er der ro.' })).status, 303);
    assert.equal((await officer.get(`/concerns/${id}`)).status, 200);
    await nextMorning();
    assert.ok(!additionsIn(id), 'no longer once opened');
  });
});

describe("what an officer shares reaches the council's network", () => {
  let app: TestApp;
  let officer: Client;
  let formand: Client;
  let brugs: Client;
  const optedOut = 'stille.medlem@glumsoe.example';
  const summary =
    'Flere skure er brudt op i Glumsø i november.\nLås dit skur, og ring 114, hvis du ser noget.';

  before(async () => {
    app = await startTestApp();
    [officer, formand, brugs] = await Promise.all([
      loggedIn(app, DEMO.officer),
      loggedIn(app, DEMO.formand),
      loggedIn(app, DEMO.brugs),
    ]);
    addPerson(app, {
      email: optedOut,
      name: 'Sofie Stille',
      passwordHash: await testPasswordHash(),
      memberOf: [{ councilId: councilId(app, 'glumsoe') }],
    });
    notify(app, optedOut, 'notify_shared_summaries', 0);
  });
  after(() => app.close());

  it('sharing mails the network the summary — never the reporter, the title, the text or the place', async () => {
    const id = logConcern(app, DEMO.hal, {
      title: 'Indbrud i mit skur',
      description: 'Naboens søn Kasper var her kl. 3.',
      location: 'Stationsvej 4',
      category: 'indbrud',
    });
    const shared = await officer.post(`/concerns/${id}/share`, { summary });
    assert.equal(shared.status, 303);

    const mail = await lastMailTo(app, DEMO.formand, 'Nyt fra netværksbetjenten');
    assert.match(mail.subject, /Indbrud og tyveri i Glumsø Lokalråd/);
    assert.match(mail.text, /Flere skure er brudt op i Glumsø i november/);
    assert.match(mail.text, /ring 114/);
    for (const secret of ['Jens Æbeltoft', DEMO.hal, 'Indbrud i mit skur', 'Kasper', 'Stationsvej']) {
      assert.doesNotMatch(mail.text + mail.subject, new RegExp(secret), `the mail leaves out "${secret}"`);
    }

    assert.equal(
      mailsAbout(app, DEMO.hal, 'Nyt fra netværksbetjenten').length,
      0,
      'the reporter has their own',
    );
    assert.equal(
      mailsAbout(app, DEMO.hal, `#${id} er delt`).length,
      1,
      "the reporter's own mail about the sharing",
    );
    assert.equal(mailsAbout(app, optedOut, 'Nyt fra netværksbetjenten').length, 0, 'turned off');
    assert.equal(mailsAbout(app, DEMO.brugs, 'Nyt fra netværksbetjenten').length, 0, 'another council');
  });

  it('the start page shows the latest under "Nyt fra netværksbetjenten" to the network only', async () => {
    const home = await formand.get('/');
    assert.equal(home.status, 200);
    const text = textOf(home.text);
    assert.match(text, /Nyt fra netværksbetjenten/);
    assert.match(text, /Flere skure er brudt op i Glumsø i november\./);
    assert.doesNotMatch(text, /Lås dit skur/, 'the first line only, the rest on the summary page');
    for (const secret of ['Jens Æbeltoft', 'Indbrud i mit skur', 'Kasper', 'Stationsvej']) {
      assert.doesNotMatch(text, new RegExp(secret));
    }
    const id = Number(/href="\/concerns\/(\d+)">Flere skure/.exec(home.text)?.[1]);
    const page = await formand.get(`/concerns/${id}`);
    assert.equal(page.status, 200, 'the link leads to the summary the member may see');
    assert.doesNotMatch(textOf(page.text), /Kasper|Stationsvej|Jens Æbeltoft/);

    assert.doesNotMatch(textOf((await brugs.get('/')).text), /Flere skure/, 'not for another council');
  });

  it('the setting is on /account for members, and withdrawing a summary mails nobody', async () => {
    const page = await formand.get('/account');
    assert.match(page.text, /name="notify_shared_summaries"[^>]*checked/);
    const id = logConcern(app, DEMO.hal, { title: 'Fart på Hovedgaden' });
    assert.equal(
      (await officer.post(`/concerns/${id}/share`, { summary: 'Fartkontrol på vej.' })).status,
      303,
    );
    await app.deliverMail();
    const before = app.smtp.received.length;
    assert.equal((await officer.post(`/concerns/${id}/share`, { summary: '' })).status, 303);
    await app.deliverMail();
    assert.equal(app.smtp.received.length, before);
  });
});
