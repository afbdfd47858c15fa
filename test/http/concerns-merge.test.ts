/**
 * Issue 13, item 5: a real merge. Marking as a duplicate refuses a target that is closed, is itself
 * a duplicate, or is one the officer does not handle (exactly like an unknown number); the
 * duplicate's reporter then follows the original on their own page — its public timeline and
 * shared summary, never its reporter, texts, place, photos or internal notes — and is mailed when
 * it closes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { type Client, textOf } from '../helpers/client.js';
import { rgbPng, seededPhoto } from '../helpers/png.js';
import {
  actorOf,
  addOfficer,
  addPerson,
  councilId,
  DEMO,
  lastMailTo,
  logConcern,
  loggedIn,
  testPasswordHash,
} from '../helpers/world.js';

describe('marking as a duplicate: refusals and the reporter who follows the original', () => {
  let app: TestApp;
  let officer: Client;

  const status = (id: number) =>
    app.deps.db.prepare('SELECT status FROM concerns WHERE id = ?').pluck().get(id) as string;
  const glumsoeConcern = (title: string, reporter: string = DEMO.hal) => logConcern(app, reporter, { title });

  /** Posts the duplicate form from the case page, as the officer's browser would. */
  async function markDuplicate(client: Client, id: number, value: string) {
    assert.equal((await client.get(`/concerns/${id}`)).status, 200);
    return client.post(`/concerns/${id}/duplicate`, { duplicate_of: value });
  }

  /** The refusal as a user sees it: 422, the DKFDS summary linking to the field, the input kept. */
  function assertRefused(page: { status: number; text: string }, value: string, message: RegExp): string {
    assert.equal(page.status, 422);
    const text = textOf(page.text);
    assert.match(text, /Der er problemer/);
    assert.match(page.text, /href="#field-duplicate_of"/);
    assert.match(
      page.text,
      new RegExp(`id="field-duplicate_of"[^>]*value="${value}"|value="${value}"[^>]*id="field-duplicate_of"`),
    );
    assert.match(text, message);
    return page.text.slice(
      page.text.indexOf('error-summary'),
      page.text.indexOf('</ul>', page.text.indexOf('error-summary')),
    );
  }

  before(async () => {
    app = await startTestApp();
    officer = await loggedIn(app, DEMO.officer);
  });
  after(() => app.close());

  it('refuses a closed original with a form error, and the concern stays open', async () => {
    const original = glumsoeConcern('Lukket original');
    app.deps.services.concerns.close(actorOf(app, DEMO.officer), original, {
      resolution: 'resolved',
      feedback: 'Løst.',
    });
    const id = glumsoeConcern('Dublet af en lukket');
    const page = await markDuplicate(officer, id, `#${original}`);
    assertRefused(page, `#${original}`, /Den bekymring er afsluttet\. Skriv nummeret på en åben bekymring/);
    assert.equal(status(id), 'new');
  });

  it('refuses an original that is itself a duplicate', async () => {
    const first = glumsoeConcern('Den første');
    const second = glumsoeConcern('Dublet af den første');
    assert.equal((await markDuplicate(officer, second, String(first))).status, 303);
    const id = glumsoeConcern('Dublet af dubletten');
    const page = await markDuplicate(officer, id, String(second));
    assertRefused(
      page,
      String(second),
      /Den bekymring er selv en dublet\. Skriv nummeret på den bekymring, den er dublet af/,
    );
    assert.equal(status(id), 'new');
  });

  it("refuses another council's concern exactly as an unknown number, and a district admin may merge across councils", async () => {
    const email = 'glumsoe.betjent@politi.example';
    await addOfficer(app, { email, name: 'Karen Glumsø', councils: [councilId(app, 'glumsoe')] });
    const glumsoeOfficer = await loggedIn(app, email);
    const fladsaa = logConcern(app, DEMO.brugs, { title: 'I Fladså' });
    const id = glumsoeConcern('Glumsø-sagen');

    const foreign = assertRefused(
      await markDuplicate(glumsoeOfficer, id, String(fladsaa)),
      String(fladsaa),
      /Der er ingen bekymring med det nummer, som du behandler/,
    );
    const unknown = assertRefused(
      await markDuplicate(glumsoeOfficer, id, '999999'),
      '999999',
      /Der er ingen bekymring med det nummer, som du behandler/,
    );
    assert.equal(foreign, unknown, 'the same error summary: nothing says the number exists');
    assert.equal(status(id), 'new');

    const admin = await loggedIn(app, DEMO.admin);
    assert.equal((await markDuplicate(admin, id, String(fladsaa))).status, 303);
    assert.equal(status(id), 'closed');
  });

  it("lets the duplicate's reporter follow the original's public timeline and summary, never its private parts, and mails them when it closes", async () => {
    // The original: reported by the formand, with a photo, an internal note, a reply and an
    // addition by its reporter; a summary is shared once the duplicates are marked.
    const photo = seededPhoto(await rgbPng(32, 24, () => [200, 40, 40]));
    const original = logConcern(
      app,
      DEMO.formand,
      {
        title: 'ORIGINAL-TITEL',
        description: 'ORIGINAL-BESKRIVELSE',
        location: 'ORIGINAL-STED',
        category: 'unge',
      },
      [photo],
    );
    const concerns = app.deps.services.concerns;
    const staff = actorOf(app, DEMO.officer);
    concerns.addNote(staff, original, { body: 'INTERN-NOTE', visibility: 'internal' });
    concerns.addNote(staff, original, { body: 'OFFENTLIGT-SVAR til indberetteren', visibility: 'public' });
    concerns.addReporterInfo(actorOf(app, DEMO.formand), original, {
      body: 'ORIGINAL-TILFØJELSE',
      photos: [],
    });

    const id = glumsoeConcern('Min egen bekymring om hallen');
    // A second follower who turned concern updates off.
    const quietEmail = 'stille@glumsoe.example';
    const quietId = addPerson(app, {
      email: quietEmail,
      name: 'Stille Medlem',
      passwordHash: await testPasswordHash(),
      memberOf: [{ councilId: councilId(app, 'glumsoe') }],
    });
    app.deps.db.prepare('UPDATE users SET notify_concern_updates = 0 WHERE id = ?').run(quietId);
    const quiet = logConcern(app, quietEmail, { title: 'Også om hallen' });

    assert.equal((await markDuplicate(officer, id, `#${original}`)).status, 303);
    assert.equal((await markDuplicate(officer, quiet, `#${original}`)).status, 303);

    // The duplicate mail points to the reporter's own page, where the original is followed.
    const duplicateMail = await lastMailTo(app, DEMO.hal, `#${id} håndteres sammen med #${original}`);
    assert.ok(duplicateMail.text.includes(`${app.url}/concerns/${id}#original`));
    assert.ok(
      !duplicateMail.text.includes(`${app.url}/concerns/${original}`),
      'no link to a page that is a 404',
    );
    assert.match(duplicateMail.text, /Du kan følge #\d+ – status, det delte resumé og forløbet/);

    const hal = await loggedIn(app, DEMO.hal);
    assert.equal((await hal.get(`/concerns/${original}`)).status, 404, 'the original itself stays private');
    concerns.share(staff, original, 'DELT-RESUMÉ: politiet kigger forbi hallen.');
    const page = await hal.get(`/concerns/${id}`);
    assert.equal(page.status, 200);
    const text = textOf(page.text);
    assert.match(page.text, /id="original"/);
    assert.match(text, new RegExp(`Bekymring #${original}, som din følger`));
    assert.match(text, /Status Under behandling/);
    assert.match(text, /DELT-RESUMÉ: politiet kigger forbi hallen\./);
    assert.match(text, /OFFENTLIGT-SVAR til indberetteren/);
    assert.match(text, new RegExp(`Forløb på #${original}`));
    for (const secret of [
      'ORIGINAL-TITEL',
      'ORIGINAL-BESKRIVELSE',
      'ORIGINAL-STED',
      'ORIGINAL-TILFØJELSE',
      'INTERN-NOTE',
      'Birgit Sørensen',
      DEMO.formand,
    ]) {
      assert.ok(!text.includes(secret), `the follower's page does not show "${secret}"`);
    }
    assert.doesNotMatch(page.text, new RegExp(`/concerns/${original}/photos/`), 'no photo of the original');

    app.deps.services.concerns.close(staff, original, {
      resolution: 'resolved',
      feedback: 'Vi har talt med de unge ved hallen.',
    });
    const closedMail = await lastMailTo(
      app,
      DEMO.hal,
      `Bekymring #${original}, som din bekymring #${id} følger`,
    );
    assert.match(closedMail.subject, /er afsluttet$/);
    assert.match(closedMail.text, /Udfald: løst\./);
    assert.ok(closedMail.text.includes(`${app.url}/concerns/${id}#original`));
    for (const secret of ['ORIGINAL-TITEL', 'ORIGINAL-BESKRIVELSE', 'Birgit Sørensen']) {
      assert.ok(!closedMail.text.includes(secret), `the mail does not contain "${secret}"`);
    }
    assert.equal(
      app.smtp.to(quietEmail).filter((m) => m.subject.includes(`#${original}`)).length,
      0,
      'a follower who turned concern updates off is not mailed',
    );
    assert.equal(
      app.smtp.to(DEMO.formand).filter((m) => m.subject === `Din bekymring #${original} er afsluttet`).length,
      1,
      'the original reporter gets their own closing mail, once',
    );

    const after = textOf((await hal.get(`/concerns/${id}`)).text);
    assert.match(after, /Status Afsluttet – Løst/);
    assert.match(after, /Vi har talt med de unge ved hallen\./);
  });
});
