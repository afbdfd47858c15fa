import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import type { ReceivedMail } from '../helpers/smtp.js';
import { addOfficer, councilId, DEMO, postNewsletter, sendNewsletter, signedIn } from '../helpers/world.js';

const OFFICER = DEMO.officer;
const ADMIN = DEMO.admin;
const F_OFFICER = 'ole@politi.example';
const G_ADMIN = DEMO.formand;
const G_MEMBER = DEMO.hal;
const F_MEMBER = DEMO.brugs;
const V_MEMBER = DEMO.vest;

const PREVIEW_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

type NewsletterRow = {
  id: number;
  title: string;
  body_markdown: string;
  body_html: string;
  status: string;
  send_at: string | null;
  whole_district: number;
};

describe('newsletter pages (/newsletters, /unsubscribe)', () => {
  let app: TestApp;
  const council: Record<'G' | 'F' | 'V', number> = { G: 0, F: 0, V: 0 };
  /** One signed-in client per person, reused across tests. */
  const as = signedIn(() => app);

  const row = (id: number) =>
    app.deps.db.prepare('SELECT * FROM newsletters WHERE id = ?').get(id) as NewsletterRow;
  const statusOf = (id: number) => row(id).status;
  const councilIdsOf = (id: number) =>
    app.deps.db
      .prepare('SELECT council_id FROM newsletter_councils WHERE newsletter_id = ? ORDER BY council_id')
      .pluck()
      .all(id) as number[];

  /** Creates a draft through the form and returns its id. */
  const draft = async (
    email: string,
    form: { title: string; body?: string; council_ids?: string[]; whole_district?: string },
  ) => postNewsletter(await as(email), { body: 'Hej netværk.', ...form });

  /** Schedules "now" through the form and sends it to the end. */
  async function sendNow(email: string, id: number): Promise<void> {
    const client = await as(email);
    await client.get(`/newsletters/${id}`);
    const done = await client.post(`/newsletters/${id}/schedule`, { send_at: '' });
    assert.equal(done.status, 303);
    await sendNewsletter(app, id);
  }

  /** The active members of councils, i.e. who a newsletter to them should reach. */
  const membersOf = (...councilIds: number[]) =>
    app.deps.db
      .prepare(
        `SELECT DISTINCT lower(u.email) FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.active = 1 AND u.status = 'active' AND u.notify_newsletters = 1
            AND m.council_id IN (SELECT value FROM json_each(?)) ORDER BY 1`,
      )
      .pluck()
      .all(JSON.stringify(councilIds)) as string[];

  const newsletterMails = (subject: string) => app.smtp.received.filter((m) => m.subject === subject);

  /** The https (here http) URL of the List-Unsubscribe header, unfolded. */
  function unsubscribeUrlOf(mail: ReceivedMail): string {
    const line = mail.parsed.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '';
    const url = /<(https?:\/\/[^>]+)>/.exec(line.replace(/\r?\n[ \t]+/g, ''))?.[1];
    assert.ok(url, `List-Unsubscribe has an http(s) link: ${line}`);
    return url;
  }

  before(async () => {
    app = await startTestApp();
    const { db, settings } = app.deps;
    settings.set('newsletter_rate_per_second', '0');
    council.G = councilId(app, 'glumsoe');
    council.F = councilId(app, 'fladsaa');
    council.V = db
      .prepare("SELECT id FROM councils WHERE slug NOT IN ('glumsoe', 'fladsaa') ORDER BY id")
      .pluck()
      .get() as number;
    // A second officer who covers only Fladså.
    await addOfficer(app, { email: F_OFFICER, name: 'Ole Fladså-betjent', councils: [council.F] });
  });
  after(() => app.close());

  describe('access', () => {
    it('an anonymous visitor is sent to log in from every newsletter page', async () => {
      const anon = new Client(app.url);
      for (const path of ['/newsletters', '/newsletters/new', '/newsletters/1', '/newsletters/1/edit']) {
        const page = await anon.get(path);
        assert.equal(page.status, 303, path);
        assert.equal(page.location, `/login?next=${encodeURIComponent(path)}`);
      }
    });

    it('a member with no newsletters gets a friendly empty archive, not a 404', async () => {
      const page = await (await as(V_MEMBER)).get('/newsletters');
      assert.equal(page.status, 200);
      assert.match(textOf(page.text), /Der er ikke sendt nogen nyhedsbreve til dig endnu/);
      assert.doesNotMatch(page.text, /Skriv nyhedsbrev/);
    });

    it('members get 404 for the compose form, also for an invalid POST', async () => {
      for (const email of [G_ADMIN, G_MEMBER]) {
        const client = await as(email);
        assert.equal((await client.get('/newsletters/new')).status, 404);
        assert.equal(
          (await client.post('/newsletters', { title: 'X', body: 'Y', council_ids: [String(council.G)] }))
            .status,
          404,
        );
        assert.equal((await client.post('/newsletters', { title: '', body: '' })).status, 404);
      }
      assert.equal(
        app.deps.db.prepare("SELECT count(*) FROM newsletters WHERE title = 'X'").pluck().get(),
        0,
      );
    });

    it('members get 404 for a draft and for every management page and action of it', async () => {
      const id = await draft(OFFICER, { title: 'Kladde til Glumsø', council_ids: [String(council.G)] });
      for (const email of [G_ADMIN, G_MEMBER]) {
        const client = await as(email);
        for (const path of [
          `/newsletters/${id}`,
          `/newsletters/${id}/edit`,
          `/newsletters/${id}/preview?format=html`,
          `/newsletters/${id}/preview?format=text`,
          `/newsletters/${id}/progress.json`,
        ]) {
          assert.equal((await client.get(path)).status, 404, `${email} ${path}`);
        }
        for (const action of [
          'schedule',
          'unschedule',
          'cancel',
          'pause',
          'resume',
          'retry',
          'confirm',
          'test',
          'edit',
        ]) {
          const page = await client.post(`/newsletters/${id}/${action}`, {
            send_at: '',
            title: 'Y',
            body: 'Y',
          });
          assert.equal(page.status, 404, `${email} POST ${action}`);
        }
      }
      assert.equal(statusOf(id), 'draft');
      assert.equal(row(id).title, 'Kladde til Glumsø');
    });

    it('an officer manages only newsletters to councils they cover; district admins manage all', async () => {
      const forG = await draft(OFFICER, { title: 'Kun Glumsø', council_ids: [String(council.G)] });
      const forF = await draft(F_OFFICER, { title: 'Fladså fra Ole', council_ids: [String(council.F)] });
      const fOfficer = await as(F_OFFICER);
      assert.equal((await fOfficer.get(`/newsletters/${forG}`)).status, 404);
      assert.equal((await fOfficer.post(`/newsletters/${forG}/cancel`)).status, 404);
      assert.equal((await fOfficer.get(`/newsletters/${forF}`)).status, 200);
      const fList = textOf((await fOfficer.get('/newsletters')).text);
      assert.match(fList, /Fladså fra Ole/);
      assert.doesNotMatch(fList, /Kun Glumsø/);

      // The officer of all three councils manages Ole's Fladså newsletter too.
      assert.equal((await (await as(OFFICER)).get(`/newsletters/${forF}`)).status, 200);
      const admin = await as(ADMIN);
      for (const id of [forG, forF]) assert.equal((await admin.get(`/newsletters/${id}`)).status, 200);
      const adminList = textOf((await admin.get('/newsletters')).text);
      assert.match(adminList, /Kun Glumsø .*Kladde/);
      assert.match(adminList, /Fladså fra Ole/);
    });

    it('only district admins may address the whole district; officers cannot manage such a newsletter', async () => {
      const officerForm = await (await as(OFFICER)).get('/newsletters/new');
      assert.doesNotMatch(officerForm.text, /name="whole_district"/);
      const adminForm = await (await as(ADMIN)).get('/newsletters/new');
      assert.match(adminForm.text, /name="whole_district"/);

      const refused = await (await as(OFFICER)).post('/newsletters', {
        title: 'Til alle',
        body: 'Tekst',
        whole_district: '1',
      });
      assert.equal(refused.status, 422);
      assert.match(textOf(refused.text), /Du kan kun sende til de lokalråd, du dækker/);

      const id = await draft(ADMIN, { title: 'Hele kredsen', whole_district: '1' });
      assert.equal(row(id).whole_district, 1);
      assert.deepEqual(councilIdsOf(id), []);
      const page = await (await as(ADMIN)).get(`/newsletters/${id}`);
      assert.match(textOf(page.text), /Modtagere Hele politikredsen/);
      assert.equal((await (await as(OFFICER)).get(`/newsletters/${id}`)).status, 404);
    });
  });

  describe('compose and edit', () => {
    it('the form groups councils by municipality and explains the Markdown that works', async () => {
      const page = await (await as(OFFICER)).get('/newsletters/new');
      assert.equal(page.status, 200);
      const text = textOf(page.text);
      assert.match(text, /Næstved .*Fladså Lokalråd/);
      assert.match(text, /Sådan formaterer du teksten/);
      assert.match(text, /Billeder og HTML vises ikke/);
      assert.match(page.text, /<form method="post" action="\/newsletters" novalidate/);
      assert.match(page.text, new RegExp(`name="council_ids" value="${council.G}"`));
    });

    it('an officer saves a draft: 303 to its page, which shows status, audience and a flash', async () => {
      const client = await as(OFFICER);
      await client.get('/newsletters/new');
      const done = await client.post('/newsletters', {
        title: 'Nyt fra politiet – æøå',
        body: '## Indbrud\n\n- Lås døren\n- **Tænd lyset**',
        council_ids: [String(council.G), String(council.F)],
      });
      assert.equal(done.status, 303);
      const id = Number(/\/newsletters\/(\d+)$/.exec(done.location ?? '')?.[1]);
      assert.equal(statusOf(id), 'draft');
      assert.deepEqual(
        councilIdsOf(id),
        [council.G, council.F].sort((a, b) => a - b),
      );
      const page = await client.get(`/newsletters/${id}`);
      const text = textOf(page.text);
      assert.match(text, /Nyhedsbrevet "Nyt fra politiet – æøå" er gemt som kladde/);
      assert.match(text, /Status Kladde/);
      assert.match(text, /Glumsø Lokalråd/);
      assert.match(text, /Fladså Lokalråd/);
      assert.match(page.text, /<h2>Indbrud<\/h2>/);
      assert.match(page.text, /<strong>Tænd lyset<\/strong>/);
      assert.match(text, /Planlæg udsendelse/);
      assert.match(text, /Send en test til betjent@politi\.example/);
    });

    it('bad input answers 422 with the DKFDS summary and keeps what was typed, ticked councils included', async () => {
      const client = await as(OFFICER);
      await client.get('/newsletters/new');
      const empty = await client.post('/newsletters', {
        title: '',
        body: '',
        council_ids: [String(council.F)],
      });
      assert.equal(empty.status, 422);
      assert.match(empty.text, /Der er problemer/);
      assert.match(empty.text, /<a href="#field-title">Skriv en titel<\/a>/);
      assert.match(empty.text, /<a href="#field-body">Skriv en tekst<\/a>/);
      assert.match(empty.text, new RegExp(`value="${council.F}" class="form-checkbox" checked`));

      const noCouncils = await client.post('/newsletters', {
        title: 'Uden modtagere',
        body: 'Tekst bevares',
      });
      assert.equal(noCouncils.status, 422);
      assert.match(noCouncils.text, /<a href="#field-council_ids">Vælg mindst ét lokalråd<\/a>/);
      assert.match(noCouncils.text, /value="Uden modtagere"/);
      assert.match(noCouncils.text, /Tekst bevares/);

      const long = await client.post('/newsletters', {
        title: 't'.repeat(151),
        body: 'b'.repeat(20_001),
        council_ids: [String(council.G)],
      });
      assert.equal(long.status, 422);
      assert.match(textOf(long.text), /Skriv en titel på højst 150 tegn/);
      assert.match(textOf(long.text), /Skriv en tekst på højst 20\.000 tegn/);

      const junk = await client.post('/newsletters', { title: 'Junk', body: 'x', council_ids: ['abc'] });
      assert.equal(junk.status, 422);
      assert.match(textOf(junk.text), /Vælg lokalråd fra listen/);

      const wrongTypes = await client.post('/newsletters', {
        title: ['a', 'b'],
        body: 'x',
        council_ids: [String(council.G)],
      });
      assert.equal(wrongTypes.status, 422);
      assert.equal(
        app.deps.db
          .prepare("SELECT count(*) FROM newsletters WHERE title IN ('', 'Uden modtagere', 'Junk', 'a')")
          .pluck()
          .get(),
        0,
      );
    });

    it("an officer cannot address another officer's council: the field says so, the input is kept", async () => {
      const client = await as(F_OFFICER);
      await client.get('/newsletters/new');
      const page = await client.post('/newsletters', {
        title: 'Også Glumsø',
        body: 'Tekst',
        council_ids: [String(council.F), String(council.G)],
      });
      assert.equal(page.status, 422);
      assert.match(
        page.text,
        /<a href="#field-council_ids">Du kan kun sende til de lokalråd, du dækker<\/a>/,
      );
      assert.match(page.text, /value="Også Glumsø"/);
      assert.equal(
        app.deps.db.prepare("SELECT count(*) FROM newsletters WHERE title = 'Også Glumsø'").pluck().get(),
        0,
      );
    });

    it('markup is escaped in the title and sanitised in the body, on the page and in the archive', async () => {
      const id = await draft(OFFICER, {
        title: '<script>alert(1)</script> Titel',
        body: 'Hej <script>alert(2)</script> <img src="https://tracker.example/x.png"> [klik](javascript:alert(3))',
        council_ids: [String(council.G)],
      });
      assert.doesNotMatch(row(id).body_html, /script|<img|javascript:/);
      const page = await (await as(OFFICER)).get(`/newsletters/${id}`);
      assert.doesNotMatch(page.text, /<script>alert/);
      assert.match(page.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt; Titel/);
      assert.doesNotMatch(page.text, /<img[^>]*tracker\.example|href="javascript:/);
      const mail = await (await as(OFFICER)).get(`/newsletters/${id}/preview?format=html`);
      assert.doesNotMatch(mail.text, /<script|<img|javascript:/);
      const list = await (await as(OFFICER)).get('/newsletters');
      assert.doesNotMatch(list.text, /<script>alert/);
    });

    it('the edit form shows the saved values; saving changes content and audience', async () => {
      const id = await draft(OFFICER, {
        title: 'Til rettelse',
        body: 'Første udgave',
        council_ids: [String(council.G)],
      });
      const client = await as(OFFICER);
      const form = await client.get(`/newsletters/${id}/edit`);
      assert.equal(form.status, 200);
      assert.match(form.text, /value="Til rettelse"/);
      assert.match(form.text, /Første udgave/);
      assert.match(form.text, new RegExp(`value="${council.G}" class="form-checkbox" checked`));

      const invalid = await client.post(`/newsletters/${id}/edit`, {
        title: '',
        body: 'Anden udgave',
        council_ids: [String(council.F)],
      });
      assert.equal(invalid.status, 422);
      assert.match(invalid.text, /Anden udgave/);
      assert.match(invalid.text, new RegExp(`value="${council.F}" class="form-checkbox" checked`));

      const done = await client.post(`/newsletters/${id}/edit`, {
        title: 'Rettet',
        body: 'Anden udgave',
        council_ids: [String(council.F)],
      });
      assert.equal(done.status, 303);
      assert.equal(done.location, `/newsletters/${id}`);
      assert.equal(row(id).title, 'Rettet');
      assert.equal(row(id).body_markdown, 'Anden udgave');
      assert.deepEqual(councilIdsOf(id), [council.F]);
    });
  });

  describe('schedule, unschedule, cancel', () => {
    it('schedules for a Copenhagen time, shows it in Danish, and can go back to draft', async () => {
      const id = await draft(OFFICER, { title: 'Planlægges', council_ids: [String(council.G)] });
      const client = await as(OFFICER);
      await client.get(`/newsletters/${id}`);
      const done = await client.post(`/newsletters/${id}/schedule`, { send_at: '2030-06-15T10:00' });
      assert.equal(done.status, 303);
      assert.equal(statusOf(id), 'scheduled');
      assert.equal(row(id).send_at, '2030-06-15T08:00:00.000Z');
      const page = await client.get(`/newsletters/${id}`);
      const text = textOf(page.text);
      assert.match(text, /Nyhedsbrevet er planlagt til 15\. juni 2030 kl\. 10\.00/);
      assert.match(text, /Status Planlagt/);
      assert.match(page.text, /name="send_at" value="2030-06-15T10:00"/);
      assert.match(
        textOf((await client.get('/newsletters')).text),
        /Planlægges Planlagt 15\. juni 2030 kl\. 10\.00/,
      );

      // Reschedule while scheduled, in winter time (UTC+1).
      assert.equal(
        (await client.post(`/newsletters/${id}/schedule`, { send_at: '2030-12-01T17:30' })).status,
        303,
      );
      assert.equal(row(id).send_at, '2030-12-01T16:30:00.000Z');

      const back = await client.post(`/newsletters/${id}/unschedule`);
      assert.equal(back.status, 303);
      assert.equal(statusOf(id), 'draft');
      assert.equal(row(id).send_at, null);
      assert.match(textOf((await client.get(`/newsletters/${id}`)).text), /tilbage som kladde/);
    });

    it('a past time, a time that does not exist (DST gap) and a malformed time are field errors', async () => {
      const id = await draft(OFFICER, { title: 'Forkerte tider', council_ids: [String(council.G)] });
      const client = await as(OFFICER);
      await client.get(`/newsletters/${id}`);
      const past = await client.post(`/newsletters/${id}/schedule`, { send_at: '2020-01-01T10:00' });
      assert.equal(past.status, 422);
      assert.match(past.text, /<a href="#field-send_at">Tidspunktet er passeret/);
      assert.match(past.text, /name="send_at" value="2020-01-01T10:00"/);

      const gap = await client.post(`/newsletters/${id}/schedule`, { send_at: '2027-03-28T02:30' });
      assert.equal(gap.status, 422);
      assert.match(textOf(gap.text), /Det tidspunkt findes ikke/);
      assert.match(gap.text, /value="2027-03-28T02:30"/);

      const junk = await client.post(`/newsletters/${id}/schedule`, { send_at: 'i morgen' });
      assert.equal(junk.status, 422);
      assert.match(textOf(junk.text), /Skriv tidspunktet som dato og klokkeslæt/);
      assert.equal(statusOf(id), 'draft');
    });

    it('cancel ends it: no more editing or scheduling', async () => {
      const id = await draft(OFFICER, { title: 'Annulleres', council_ids: [String(council.G)] });
      const client = await as(OFFICER);
      await client.get(`/newsletters/${id}`);
      assert.equal(
        (await client.post(`/newsletters/${id}/schedule`, { send_at: '2030-06-15T10:00' })).status,
        303,
      );
      assert.equal((await client.post(`/newsletters/${id}/cancel`)).status, 303);
      assert.equal(statusOf(id), 'cancelled');
      const page = await client.get(`/newsletters/${id}`);
      assert.match(textOf(page.text), /Nyhedsbrevet er annulleret/);
      assert.doesNotMatch(page.text, /action="\/newsletters\/\d+\/schedule"/);
      assert.equal((await client.get(`/newsletters/${id}/edit`)).status, 409);
      // The schedule form refuses its input (422); the buttons without input are refused by state (409).
      assert.equal((await client.post(`/newsletters/${id}/schedule`, { send_at: '' })).status, 422);
      const again = await client.post(`/newsletters/${id}/cancel`);
      assert.equal(again.status, 409);
      assert.match(textOf(again.text), /kan ikke det i sin nuværende tilstand/);
      assert.equal(statusOf(id), 'cancelled');
    });
  });

  describe('previews and test send', () => {
    let id: number;
    before(async () => {
      id = await draft(OFFICER, {
        title: 'Forhåndsvist – æøå',
        body: 'Hej **Glumsø**.\n\n[Politiet](https://politi.dk)',
        council_ids: [String(council.G)],
      });
    });

    it('the HTML preview is the mail itself, standalone, under its own narrow CSP', async () => {
      const page = await (await as(OFFICER)).get(`/newsletters/${id}/preview?format=html`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
      assert.equal(page.headers.get('content-security-policy'), PREVIEW_CSP);
      assert.match(page.text, /Forhåndsvist – æøå/);
      assert.match(page.text, /<strong>Glumsø<\/strong>/);
      assert.doesNotMatch(page.text, /class="skipnav"/, 'not inside the portal layout');
    });

    it('the text preview is plain text; an unknown format is 404', async () => {
      const client = await as(OFFICER);
      const text = await client.get(`/newsletters/${id}/preview?format=text`);
      assert.equal(text.status, 200);
      assert.match(text.headers.get('content-type') ?? '', /^text\/plain/);
      assert.match(text.text, /Hej Glumsø\./);
      assert.match(text.text, /Politiet \(https:\/\/politi\.dk\)/);
      assert.equal((await client.get(`/newsletters/${id}/preview?format=pdf`)).status, 404);
    });

    it('the newsletter page frames the mail preview in a sandbox and shows the text in a <pre>', async () => {
      const page = await (await as(OFFICER)).get(`/newsletters/${id}`);
      assert.match(
        page.text,
        new RegExp(`<iframe[^>]* sandbox="allow-scripts" src="/newsletters/${id}/preview\\?format=html"`),
      );
      assert.match(page.text, /<pre class="newsletter-text-preview">[^<]*Hej Glumsø\./);
      // The portal's own pages keep the strict CSP.
      assert.match(page.headers.get('content-security-policy') ?? '', /style-src 'self'/);
    });

    it('a test send goes to the officer’s own address with a flash naming it', async () => {
      const client = await as(OFFICER);
      await client.get(`/newsletters/${id}`);
      const done = await client.post(`/newsletters/${id}/test`);
      assert.equal(done.status, 303);
      assert.match(
        textOf((await client.get(`/newsletters/${id}`)).text),
        /Sendt til betjent@politi\.example/,
      );
      await app.deliverMail();
      const mails = app.smtp.to(OFFICER).filter((m) => m.subject === '[Test] Forhåndsvist – æøå');
      assert.equal(mails.length, 1);
      assert.match(mails[0]?.text ?? '', /Hej Glumsø\./);
      assert.match(mails[0]?.html ?? '', /<strong>Glumsø<\/strong>/);
      assert.equal(statusOf(id), 'draft');
      assert.equal(newsletterMails('Forhåndsvist – æøå').length, 0, 'nobody else got it');
    });
  });

  describe('sending, progress and the archive', () => {
    let id: number;
    before(async () => {
      id = await draft(OFFICER, {
        title: 'Nyt til Fladså',
        body: 'Tryghedsvandring på **torsdag**.',
        council_ids: [String(council.F)],
      });
    });

    it('send now: the page shows "Sender", refreshes itself and offers pause; the JSON has the figures', async () => {
      const client = await as(OFFICER);
      await client.get(`/newsletters/${id}`);
      const done = await client.post(`/newsletters/${id}/schedule`, { send_at: '' });
      assert.equal(done.status, 303);
      assert.equal(statusOf(id), 'sending', 'started at once, without waiting for a tick');
      const page = await client.get(`/newsletters/${id}`);
      const text = textOf(page.text);
      assert.match(text, /Nyhedsbrevet sendes nu/);
      assert.match(text, /Status Sender/);
      assert.match(page.text, /<meta http-equiv="refresh" content="5">/);
      assert.match(page.text, /<script src="\/assets\/js\/newsletter-progress\.js" defer><\/script>/);
      assert.match(page.text, /<progress id="newsletter-progress-bar"/);
      const total = membersOf(council.F).length;
      assert.match(text, new RegExp(`0 af ${total} sendt, 0 fejlet`));
      assert.match(text, /Sæt på pause/);

      const stopped = await client.get(`/newsletters/${id}?live=0`);
      assert.doesNotMatch(stopped.text, /http-equiv="refresh"/);

      const json = await client.get(`/newsletters/${id}/progress.json`);
      assert.equal(json.status, 200);
      assert.match(json.headers.get('content-type') ?? '', /application\/json/);
      const p = JSON.parse(json.text);
      assert.equal(p.status, 'sending');
      assert.equal(p.total, total);
      assert.equal(p.text, `0 af ${total} sendt, 0 fejlet`);
      assert.equal((await (await as(F_MEMBER)).get(`/newsletters/${id}/progress.json`)).status, 404);
    });

    it('pause and resume while sending', async () => {
      const client = await as(OFFICER);
      await client.get(`/newsletters/${id}`);
      assert.equal((await client.post(`/newsletters/${id}/pause`)).status, 303);
      assert.equal(statusOf(id), 'paused');
      const paused = await client.get(`/newsletters/${id}`);
      assert.match(textOf(paused.text), /Status Sat på pause/);
      assert.doesNotMatch(paused.text, /http-equiv="refresh"/);
      await app.deps.scheduler.tick();
      assert.equal(newsletterMails('Nyt til Fladså').length, 0, 'nothing goes out while paused');
      assert.equal((await client.post(`/newsletters/${id}/resume`)).status, 303);
      assert.equal(statusOf(id), 'sending');
    });

    it('when sent, the page shows the figures and each recipient with the SMTP answer', async () => {
      await sendNewsletter(app, id);
      const expected = membersOf(council.F);
      assert.ok(expected.includes(F_MEMBER));
      assert.deepEqual(
        newsletterMails('Nyt til Fladså')
          .flatMap((m) => m.to)
          .sort(),
        expected,
        'exactly the members of Fladså',
      );
      const page = await (await as(OFFICER)).get(`/newsletters/${id}`);
      const text = textOf(page.text);
      assert.match(text, /Status Sendt/);
      assert.match(text, new RegExp(`${expected.length} af ${expected.length} sendt, 0 fejlet`));
      assert.match(text, /brugs@fladsaa\.example Sendt 1 250 OK/);
      assert.doesNotMatch(page.text, /http-equiv="refresh"/);
      const list = textOf((await (await as(OFFICER)).get('/newsletters')).text);
      assert.match(
        list,
        new RegExp(`Nyt til Fladså Sendt .* ${expected.length} af ${expected.length} sendt`),
      );
    });

    it('members of Fladså read it in the archive; other councils’ members get 404 and do not see it listed', async () => {
      const member = await as(F_MEMBER);
      const list = await member.get('/newsletters');
      assert.match(textOf(list.text), /Nyt til Fladså/);
      const page = await member.get(`/newsletters/${id}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /<strong>torsdag<\/strong>/);
      assert.doesNotMatch(page.text, /Modtagere|progress/, 'no delivery figures for members');

      for (const email of [G_MEMBER, V_MEMBER]) {
        const other = await as(email);
        assert.equal((await other.get(`/newsletters/${id}`)).status, 404, email);
        assert.doesNotMatch(textOf((await other.get('/newsletters')).text), /Nyt til Fladså/);
      }
    });

    it('a whole-district newsletter reaches every council’s archive once sent', async () => {
      const wholeId = await draft(ADMIN, { title: 'Til hele kredsen', whole_district: '1' });
      assert.equal(
        (await (await as(V_MEMBER)).get(`/newsletters/${wholeId}`)).status,
        404,
        'not before it is sent',
      );
      await sendNow(ADMIN, wholeId);
      for (const email of [G_MEMBER, V_MEMBER]) {
        const member = await as(email);
        assert.match(textOf((await member.get('/newsletters')).text), /Til hele kredsen/);
        assert.equal((await member.get(`/newsletters/${wholeId}`)).status, 200, email);
      }
    });

    it('a 550 answer fails one recipient; "retry failed" re-queues only that one', async () => {
      const retryId = await draft(OFFICER, { title: 'Med en fejl', council_ids: [String(council.G)] });
      app.smtp.respond = (to) => (to.includes(G_MEMBER) ? { code: 550, message: 'No such user' } : undefined);
      try {
        await sendNow(OFFICER, retryId);
      } finally {
        app.smtp.respond = () => undefined;
      }
      const client = await as(OFFICER);
      const page = await client.get(`/newsletters/${retryId}`);
      const text = textOf(page.text);
      assert.match(text, /1 fejlet/);
      assert.match(text, /hal@glumsoe\.example Fejlet 1 550/);
      assert.match(text, /Forsøg fejlede igen \(1\)/);
      const before = newsletterMails('Med en fejl').length;

      const done = await client.post(`/newsletters/${retryId}/retry`);
      assert.equal(done.status, 303);
      assert.equal(statusOf(retryId), 'sending');
      await sendNewsletter(app, retryId);
      const after = newsletterMails('Med en fejl');
      assert.equal(after.length, before + 1, 'only the failed one went again');
      assert.deepEqual(after.at(-1)?.to, [G_MEMBER]);
      assert.match(textOf((await client.get(`/newsletters/${retryId}`)).text), /0 fejlet/);
    });
  });

  describe('one-click unsubscribe', () => {
    let url: string;
    let path: string;
    before(async () => {
      const id = await draft(OFFICER, { title: 'Afmeldingstest', council_ids: [String(council.F)] });
      await sendNow(OFFICER, id);
      const mail = app.smtp.to(F_MEMBER).find((m) => m.subject === 'Afmeldingstest');
      assert.ok(mail, 'the member got the newsletter');
      assert.equal(
        mail.parsed.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line,
        'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
      );
      url = unsubscribeUrlOf(mail);
      path = new URL(url).pathname;
      assert.ok(url.startsWith(app.url));
    });

    const subscribed = () => app.deps.users.findByEmail(F_MEMBER)?.notify_newsletters;

    it('GET shows a confirmation page with a button that posts to the same address', async () => {
      const page = await new Client(app.url).get(path);
      assert.equal(page.status, 200);
      assert.match(textOf(page.text), /Afmeld nyhedsbreve for brugs@fladsaa\.example/);
      assert.match(page.text, new RegExp(`<form method="post" action="${path.replace(/[.]/g, '\\.')}"`));
      assert.equal(subscribed(), 1, 'looking does not unsubscribe');
    });

    it('an invalid or tampered token is 404', async () => {
      const anon = new Client(app.url);
      const tampered = `${path.slice(0, -1)}${path.endsWith('A') ? 'B' : 'A'}`;
      for (const p of [
        '/unsubscribe/nonsense',
        tampered,
        '/unsubscribe/999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      ]) {
        assert.equal((await anon.get(p)).status, 404, p);
        const res = await fetch(new URL(p, app.url), {
          method: 'POST',
          body: 'List-Unsubscribe=One-Click',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          redirect: 'manual',
        });
        assert.equal(res.status, 404, `POST ${p}`);
      }
      assert.equal(subscribed(), 1);
    });

    it('the RFC 8058 POST works without login or CSRF, answers 200, and is idempotent', async () => {
      const post = () =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
          redirect: 'manual',
        });
      const first = await post();
      assert.equal(first.status, 200);
      assert.match(textOf(await first.text()), /Du er afmeldt .*Min konto/);
      assert.equal(subscribed(), 0);
      const second = await post();
      assert.equal(second.status, 200);
      assert.equal(subscribed(), 0);
      const userId = app.deps.users.findByEmail(F_MEMBER)?.id;
      assert.equal(
        app.deps.db
          .prepare(
            "SELECT count(*) FROM audit_log WHERE action = 'newsletter.unsubscribed' AND entity_id = ?",
          )
          .pluck()
          .get(userId),
        1,
      );
      // GET now says so instead of offering the button again.
      assert.match(textOf((await new Client(app.url).get(path)).text), /allerede afmeldt/);
    });

    it('a later newsletter does not reach the unsubscribed member; other mail still does', async () => {
      const id = await draft(OFFICER, { title: 'Efter afmelding', council_ids: [String(council.F)] });
      await sendNow(OFFICER, id);
      assert.equal(app.smtp.to(F_MEMBER).filter((m) => m.subject === 'Efter afmelding').length, 0);
    });

    it('the account page subscribes again', async () => {
      const client = await as(F_MEMBER);
      const account = await client.get('/account');
      assert.doesNotMatch(account.text, /id="field-notify_newsletters"[^>]*checked/);
      const user = app.deps.users.findByEmail(F_MEMBER);
      assert.ok(user);
      const saved = await client.post('/account', {
        name: user.name,
        phone: user.phone,
        locale: user.locale,
        notify_newsletters: '1',
        notify_concern_updates: '1',
      });
      assert.equal(saved.status, 303);
      assert.equal(subscribed(), 1);
      assert.match((await client.get('/account')).text, /id="field-notify_newsletters"[^>]*checked/);
    });
  });
});
