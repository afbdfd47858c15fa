import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { SettingKey } from '../../src/db/settings.repository.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import { loggedIn } from '../helpers/world.js';

const WAS_URL = 'https://www.was.digst.dk/naernet-politi-dk';

/** The main element's text, without the footer (which repeats the authority's contact). */
const mainText = (html: string) => textOf(/<main[\s\S]*?<\/main>/.exec(html)?.[0] ?? '');

/** The heading levels inside <main>, in document order. */
const headingLevels = (html: string) =>
  [...(/<main[\s\S]*?<\/main>/.exec(html)?.[0] ?? '').matchAll(/<h([1-6])\b/g)].map((m) => Number(m[1]));

async function english(app: TestApp): Promise<Client> {
  const client = new Client(app.url);
  await client.get('/');
  assert.equal((await client.post('/language', { locale: 'en', next: '/' })).status, 303);
  return client;
}

describe('the privacy page and the accessibility statement', () => {
  let app: TestApp;
  const changed = new Set<SettingKey>();
  const original = new Map<SettingKey, string>();

  /** Changes a setting for one test; afterEach puts it back. */
  function setSetting(key: SettingKey, value: string) {
    if (!original.has(key)) original.set(key, app.deps.settings.get(key));
    changed.add(key);
    app.deps.settings.set(key, value);
  }

  before(async () => {
    app = await startTestApp();
  });
  afterEach(() => {
    for (const key of changed) app.deps.settings.set(key, original.get(key) as string);
    changed.clear();
  });
  after(() => app.close());

  describe('/privatliv', () => {
    it('names the controller with its address and contact, and the data protection officer', async () => {
      const res = await fetch(`${app.url}/privatliv`);
      assert.equal(res.status, 200);
      const text = mainText(await res.text());
      assert.match(text, /Dataansvarlig/);
      assert.match(text, /Sydsjællands og Lolland-Falsters Politi er dataansvarlig/);
      assert.match(text, /Jernbanegade 6, 4700 Næstved/);
      assert.match(text, /Telefon: 114/);
      assert.match(text, /sydsjaelland@politi\.example/);
      assert.match(text, /Databeskyttelsesrådgiver/);
      assert.match(text, /dpo@politi\.example/);
    });

    it('states the purposes, both legal bases and that sensitive data is not asked for', async () => {
      const text = mainText(await (await fetch(`${app.url}/privatliv`)).text());
      assert.match(text, /Formål/);
      assert.match(text, /modtage og håndtere lokale bekymringer/);
      assert.match(text, /nyhedsbreve/);
      assert.match(text, /evaluere ordningen/);
      assert.match(text, /retshåndhævelsesloven \(lov nr\. 410 af 27\. april 2017/);
      assert.match(text, /databeskyttelsesforordningens artikel 6, stk\. 1, litra e/);
      assert.match(text, /artikel 9 og 10/);
    });

    it('says who receives what: departments only the officer’s note, the network only a shared summary, no transfer outside the EU', async () => {
      const text = mainText(await (await fetch(`${app.url}/privatliv`)).text());
      assert.match(text, /afdelinger \(fx SSP, Beredskab[^)]*\) modtager kun betjentens note/);
      assert.match(text, /ikke hvem der har givet bekymringen videre/);
      assert.match(text, /netværk ser kun et resumé/);
      assert.match(text, /databehandler/);
      assert.match(text, /uden for EU/);
      assert.match(text, /anonymt/);
      assert.match(text, /mindst 5/);
    });

    it('states each retention period as set, and a changed setting shows at once', async () => {
      const before = mainText(await (await fetch(`${app.url}/privatliv`)).text());
      assert.match(before, /anonymiseres 24 måneder efter/);
      assert.match(before, /e-mails slettes efter 30 dage/);
      assert.match(
        before,
        /slettes efter 60 måneder\. Perioden er politikredsens eget valg og ikke et krav i loven/,
      );
      assert.match(before, /ikke har brugt Nærnet i 30 minutter/);
      assert.match(before, /invitation gælder i 7 dage, et link til ny adgangskode i 60 minutter/);
      assert.match(before, /henvisning i 30 dage/);

      setSetting('retention_months', '18');
      setSetting('mail_body_retention_days', '14');
      setSetting('audit_retention_months', '36');
      setSetting('session_idle_minutes', '20');
      setSetting('referral_link_days', '21');
      setSetting('dpo_email', 'databeskyttelse@politi.example');
      const after = mainText(await (await fetch(`${app.url}/privatliv`)).text());
      assert.match(after, /anonymiseres 18 måneder efter/);
      assert.match(after, /e-mails slettes efter 14 dage/);
      assert.match(after, /slettes efter 36 måneder/);
      assert.match(after, /ikke har brugt Nærnet i 20 minutter/);
      assert.match(after, /henvisning i 21 dage/);
      assert.match(after, /databeskyttelse@politi\.example/);
      assert.doesNotMatch(after, /24 måneder|60 måneder|dpo@politi\.example/);
    });

    it('tells how to use each right: a signed-in person gets the "Hent mine data" link to /account/export', async () => {
      const hal = await loggedIn(app, 'hal@glumsoe.example');
      const page = await hal.get('/privatliv');
      assert.equal(page.status, 200);
      assert.match(page.text, /<a href="\/account\/export" download>Hent mine data<\/a>/);
      assert.match(page.text, /<a href="\/account">Min konto<\/a>/);
      const text = mainText(page.text);
      for (const right of ['Indsigt', 'Berigtigelse', 'Sletning og begrænsning', 'Indsigelse']) {
        assert.match(text, new RegExp(right), right);
      }
      assert.match(text, /politiet efter lovgivningen skal opbevare/);
    });

    it('shows a visitor who is not signed in the way to their data through the login', async () => {
      const html = await (await fetch(`${app.url}/privatliv`)).text();
      assert.doesNotMatch(html, /href="\/account\/export"/);
      assert.match(html, /<a href="\/login\?next=%2Faccount">Log ind og hent dine data<\/a>/);
    });

    it('gives the complaint route to Datatilsynet with its public contact data', async () => {
      const html = await (await fetch(`${app.url}/privatliv`)).text();
      const text = mainText(html);
      assert.match(text, /Klage til Datatilsynet/);
      assert.match(text, /Carl Jacobsens Vej 35 2500 Valby/);
      assert.match(html, /href="mailto:dt@datatilsynet\.dk"/);
      assert.match(html, /href="https:\/\/www\.datatilsynet\.dk"/);
    });

    it('has headings in order: one h1, no level skipped', async () => {
      const levels = headingLevels(await (await fetch(`${app.url}/privatliv`)).text());
      assert.equal(levels[0], 1);
      assert.equal(levels.filter((l) => l === 1).length, 1);
      for (let i = 1; i < levels.length; i++) {
        assert.ok(
          (levels[i] as number) <= (levels[i - 1] as number) + 1,
          `h${levels[i]} after h${levels[i - 1]}`,
        );
      }
    });

    it('renders in English, with every text translated', async () => {
      const client = await english(app);
      const page = await client.get('/privatliv');
      assert.match(page.text, /<html lang="en">/);
      const text = mainText(page.text);
      assert.match(text, /Processing of personal data/);
      assert.match(text, /Data controller/);
      assert.match(text, /Data protection officer/);
      assert.match(text, /Law Enforcement Act/);
      assert.match(text, /Article 6\(1\)\(e\)/);
      assert.match(text, /anonymised 24 months after/);
      assert.match(text, /Complaint to the Danish Data Protection Agency/);
      assert.doesNotMatch(text, /\b(privacy|accessibility)\.[a-z_.]+/, 'no untranslated key');
    });
  });

  describe('/tilgaengelighed', () => {
    it('follows the Danish format: authority, site, status, known problems, date in Danish, method, phone and written contact, enforcement', async () => {
      const res = await fetch(`${app.url}/tilgaengelighed`);
      assert.equal(res.status, 200);
      const html = await res.text();
      const text = mainText(html);
      assert.match(
        text,
        /Sydsjællands og Lolland-Falsters Politi forpligter sig til at gøre webstedet Nærnet/,
      );
      assert.match(text, new RegExp(`\\(${app.url.replace(/[.]/g, '\\.')}\\)`));
      assert.match(text, /Overholdelsesstatus/);
      assert.match(text, /overholder delvist/);
      assert.match(text, /Indhold, der ikke er tilgængeligt/);
      assert.match(text, /succeskriterium 1\.1\.1/);
      assert.match(text, /udarbejdet og senest gennemgået den 5\. december 2026/);
      assert.match(text, /selvevaluering/);
      assert.match(text, /Telefon: 114/);
      assert.match(html, /href="mailto:sydsjaelland@politi\.example"/);
      assert.match(text, /Digitaliseringsstyrelsen/);
      assert.match(html, /href="https:\/\/digst\.dk\/[^"]*tilgaengeligt-indhold\/"/);
      assert.match(html, /<a href="\/was">/);
      assert.doesNotMatch(html, /was\.digst\.dk\/naernet/, 'no published statement yet');
      assert.doesNotMatch(text, /\b(privacy|accessibility)\.[a-z_.]+/, 'no untranslated key');
    });

    it('shows the date from the setting, and links the statement on was.digst.dk once its address is set', async () => {
      setSetting('accessibility_statement_date', '2027-03-01');
      setSetting('was_statement_url', WAS_URL);
      setSetting('authority_phone', '55 70 14 48');
      const html = await (await fetch(`${app.url}/tilgaengelighed`)).text();
      const text = mainText(html);
      assert.match(text, /senest gennemgået den 1\. marts 2027/);
      assert.match(text, /Telefon: 55 70 14 48/);
      assert.match(text, /offentliggjort hos Digitaliseringsstyrelsen på was\.digst\.dk/);
      assert.match(html, new RegExp(`<a href="${WAS_URL}">`));
    });

    it('renders in English with the date in English', async () => {
      const client = await english(app);
      const page = await client.get('/tilgaengelighed');
      assert.match(page.text, /<html lang="en">/);
      const text = mainText(page.text);
      assert.match(text, /Accessibility statement/);
      assert.match(text, /last reviewed on 5 December 2026/);
      assert.match(text, /Enforcement procedure/);
      assert.doesNotMatch(text, /\b(privacy|accessibility)\.[a-z_.]+/, 'no untranslated key');
    });
  });

  describe('/was', () => {
    it('leads to the statement here while none is published on was.digst.dk', async () => {
      const res = await fetch(`${app.url}/was`, { redirect: 'manual' });
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), '/tilgaengelighed');
    });

    it('leads to the statement on was.digst.dk once its address is set', async () => {
      setSetting('was_statement_url', WAS_URL);
      const res = await fetch(`${app.url}/was`, { redirect: 'manual' });
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), WAS_URL);
    });

    it('ignores a setting that is not a web address', async () => {
      setSetting('was_statement_url', 'javascript:alert(1)');
      const res = await fetch(`${app.url}/was`, { redirect: 'manual' });
      assert.equal(res.headers.get('location'), '/tilgaengelighed');
      const html = await (await fetch(`${app.url}/tilgaengelighed`)).text();
      assert.doesNotMatch(html, /javascript:/);
    });

    it('is the footer’s link to the accessibility statement', async () => {
      const html = await (await fetch(`${app.url}/`)).text();
      const footer = /<footer[\s\S]*?<\/footer>/.exec(html)?.[0] ?? '';
      assert.match(footer, /<a href="\/was">Tilgængelighedserklæring<\/a>/);
    });
  });
});
