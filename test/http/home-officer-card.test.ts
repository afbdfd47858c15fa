/**
 * "Din netværksbetjent" on a member's start page (issue 13, item 7): the name, phone and email of
 * the active officers of each council the person is a member of, or whom to contact when a council
 * has none — and no card for someone without a membership.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { type Client, textOf } from '../helpers/client.js';
import {
  addCouncil,
  addOfficer,
  addPerson,
  councilId,
  DEMO,
  loggedIn,
  testPasswordHash,
} from '../helpers/world.js';

/** The card's HTML, or '' when the start page has none. */
async function officerCard(client: Client): Promise<string> {
  const page = await client.get('/');
  assert.equal(page.status, 200);
  const opening = page.text.indexOf('aria-labelledby="dash-officer"');
  if (opening < 0) return '';
  const start = page.text.indexOf('>', opening) + 1;
  return page.text.slice(start, page.text.indexOf('</section>', start));
}

describe('the start page names the member’s network officer', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it("shows hal@glumsoe.example the Glumsø officer's name, phone and email as links", async () => {
    const card = await officerCard(await loggedIn(app, DEMO.hal));
    assert.match(
      textOf(card),
      /Din netværksbetjent Glumsø Lokalråd Mads Holm Telefon: 55 12 34 10 E-mail: betjent@politi.example/,
    );
    assert.match(card, /<a href="tel:55123410">55 12 34 10<\/a>/);
    assert.match(card, /<a href="mailto:betjent@politi.example">betjent@politi.example<\/a>/);
  });

  it('shows no card to someone with no membership, officers and district admins included', async () => {
    for (const email of [DEMO.officer, DEMO.admin]) {
      assert.equal(await officerCard(await loggedIn(app, email)), '', email);
    }
  });

  it('lists the officers per council for a member of several councils, only active ones, and says whom to contact where there is none', async () => {
    const glumsoe = councilId(app, 'glumsoe');
    const lystrup = addCouncil(app, { name: 'Lystrup Lokalråd', slug: 'lystrup' });
    const tornby = addCouncil(app, { name: 'Tornby Lokalråd', slug: 'tornby' });
    await addOfficer(app, {
      email: 'holiday@politi.example',
      name: 'Signe Ferie',
      councils: [glumsoe, lystrup],
    });
    addPerson(app, {
      email: 'retired@politi.example',
      name: 'Gammel Betjent',
      isOfficer: true,
      status: 'deactivated',
      officerOf: [tornby],
    });
    addPerson(app, {
      email: 'tre@example.dk',
      name: 'Tre Råd',
      passwordHash: await testPasswordHash(),
      memberOf: [{ councilId: glumsoe }, { councilId: lystrup }, { councilId: tornby }],
    });

    const card = textOf(await officerCard(await loggedIn(app, 'tre@example.dk')));
    assert.match(card, /^Dine netværksbetjente/);
    assert.match(
      card,
      /Glumsø Lokalråd Mads Holm Telefon: 55 12 34 10 E-mail: betjent@politi.example Signe Ferie E-mail: holiday@politi.example/,
    );
    assert.match(card, /Lystrup Lokalråd Signe Ferie E-mail: holiday@politi.example/);
    assert.match(
      card,
      /Tornby Lokalråd Tornby Lokalråd har ingen netværksbetjent lige nu\. Kontakt i stedet Sydsjællands og Lolland-Falsters Politi: Telefon: 114 E-mail: sydsjaelland@politi.example/,
    );
    assert.doesNotMatch(card, /Gammel Betjent/, 'a deactivated officer is not offered');
    assert.doesNotMatch(card, /Lystrup Lokalråd Mads Holm/, 'each council shows only its own officers');
  });

  it('shows the phone number a member of the council was given on /account, in English for an English reader', async () => {
    const officer = await loggedIn(app, DEMO.officer);
    await officer.get('/account');
    const saved = await officer.post('/account', {
      name: 'Mads Holm',
      phone: '+45 55 12 34 99',
      locale: 'da',
    });
    assert.equal(saved.status, 303);
    const hal = await loggedIn(app, DEMO.hal);
    await hal.get('/');
    assert.equal((await hal.post('/language', { locale: 'en', next: '/' })).status, 303);
    const card = await officerCard(hal);
    assert.match(textOf(card), /Your network officers? Glumsø Lokalråd Mads Holm Phone: \+45 55 12 34 99/);
    assert.match(card, /href="tel:\+4555123499"/);
  });
});
