import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { TemplatesRepository } from '../../src/features/templates/templates.repository.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import { rgbPng } from '../helpers/png.js';
import {
  addOfficer,
  clientOf,
  councilIdByName,
  idFromRedirect,
  loginEach,
  postConcern,
  postMultipart as postMultipartTo,
} from '../helpers/world.js';

// ------------------------------------------------------------------ helpers

/** A real 2×2 RGB PNG, built byte by byte. */
const tinyPng = () => rgbPng(2, 2, (x) => (x === 0 ? [200, 30, 30] : [30, 30, 200]));

type Photo = { name: string; type: string; data: Buffer };

/** Posts the concern form as a browser does with photos: multipart, the CSRF token in the query. */
const postMultipart = (
  app: TestApp,
  client: Client,
  fields: Record<string, string>,
  photos: Photo[],
  options: { csrf?: string } = {},
) =>
  postMultipartTo(
    app,
    client,
    '/concerns',
    fields,
    photos.map((p) => ({ field: 'photos', name: p.name, type: p.type, bytes: p.data })),
    options,
  );

async function getBytes(app: TestApp, client: Client, path: string) {
  const res = await fetch(`${app.url}${path}`, {
    redirect: 'manual',
    headers: { cookie: client.cookieHeader() },
  });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

const idFrom = (location: string | null) => idFromRedirect(location, 'concerns');

// ------------------------------------------------------------------ the tests

describe('concerns: logging, the case page and its actions', () => {
  let app: TestApp;
  let clients = new Map<string, Client>();
  let glumsoe: number;
  let fladsaa: number;

  const as = (email: string) => clientOf(clients, email);
  const hal = () => as('hal@glumsoe.example');
  const officer = () => as('betjent@politi.example');

  /** hal logs a concern through the form; returns its id. */
  function logConcern(fields: Record<string, string> = {}): Promise<number> {
    return postConcern(hal(), {
      council_id: String(glumsoe),
      category: 'tryghed',
      title: 'Uro ved stationen om aftenen',
      description: 'Grupper samles ved stationen og råber efter folk.',
      location: 'Glumsø Station',
      occurred_at: '2015-02-24T17:30',
      ...fields,
    });
  }

  before(async () => {
    app = await startTestApp();
    glumsoe = councilIdByName(app, 'Glumsø Lokalråd') as number;
    fladsaa = councilIdByName(app, 'Fladså Lokalråd') as number;
    // A second officer who covers only Fladså, with the demo password.
    await addOfficer(app, {
      email: 'fladsaa-betjent@politi.example',
      name: 'Ole Fladså-betjent',
      councils: [fladsaa],
    });
    clients = await loginEach(app, [
      'hal@glumsoe.example',
      'formand@glumsoe.example',
      'brugs@fladsaa.example',
      'vest@vestegn.example',
      'betjent@politi.example',
      'admin@politi.example',
      'fladsaa-betjent@politi.example',
    ]);
  });
  after(() => app.close());

  describe('the form', () => {
    it('shows the 112/114 notice, the no-names hint and preselects the only council', async () => {
      const page = await hal().get('/concerns/new');
      assert.equal(page.status, 200);
      const text = textOf(page.text);
      assert.match(text, /ring 112/);
      assert.match(text, /ring 114/);
      assert.match(text, /Skriv ikke navne på andre, medmindre det er nødvendigt/);
      assert.match(page.text, new RegExp(`<option value="${glumsoe}" selected>Glumsø Lokalråd</option>`));
      assert.doesNotMatch(page.text, /Fladså Lokalråd/, 'only the person’s own councils');
      assert.match(page.text, /enctype="multipart\/form-data"/);
      assert.match(page.text, /action="\/concerns\?_csrf=/);
      assert.match(
        page.text,
        /<input type="file"[^>]*name="photos" accept="image\/jpeg,image\/png" multiple/,
      );
      assert.match(page.text, /<option value="tryghed">Tryghed og uro<\/option>/);
    });

    it('is a 404 for officers and district admins who are not network members, and sends visitors to log in', async () => {
      assert.equal((await officer().get('/concerns/new')).status, 404);
      assert.equal((await as('admin@politi.example').get('/concerns/new')).status, 404);
      const post = await officer().post('/concerns', {
        council_id: String(glumsoe),
        category: 'tryghed',
        title: 'x',
        description: 'y',
      });
      assert.equal(post.status, 404);
      const anonymous = await new Client(app.url).get('/concerns/new');
      assert.equal(anonymous.status, 303);
      assert.match(anonymous.location ?? '', /^\/login\?next=/);
    });
  });

  describe('logging a concern', () => {
    it('answers 303 to the concern with a receipt on screen and by mail (plain text and HTML)', async () => {
      const id = await logConcern();
      const page = await hal().get(`/concerns/${id}`);
      assert.equal(page.status, 200);
      const text = textOf(page.text);
      assert.match(text, new RegExp(`Tak – vi har modtaget din bekymring #${id}`));
      assert.match(text, /Uro ved stationen om aftenen/);
      assert.match(text, /Status Ny/);
      assert.match(text, /24\. februar 2015 kl\. 17\.30/, 'when it happened, in Copenhagen time');
      assert.match(text, /Glumsø Station/);
      await app.deliverMail();
      const mail = app.smtp.to('hal@glumsoe.example').find((m) => m.subject.includes(`#${id}`));
      assert.ok(mail, 'a receipt arrived');
      assert.match(mail.subject, /Kvittering/);
      assert.ok(mail.text.includes('Uro ved stationen om aftenen'));
      assert.ok(mail.html.length > 0 && mail.text.length > 0);
    });

    it('accepts a real PNG photo and serves it only to the reporter and the officer', async () => {
      await hal().get('/concerns/new');
      const png = tinyPng();
      const res = await postMultipart(
        app,
        hal(),
        {
          council_id: String(glumsoe),
          category: 'haervaerk',
          title: 'Graffiti på hallen',
          description: 'Ny graffiti på gavlen mod parkeringspladsen.',
          location: '',
          occurred_at: '',
        },
        [{ name: 'gavl.png', type: 'image/png', data: png }],
      );
      assert.equal(res.status, 303, textOf(res.text).slice(0, 400));
      const id = idFrom(res.location);
      const page = await hal().get(`/concerns/${id}`);
      const src = new RegExp(`<img src="(/concerns/${id}/photos/\\d+)"[^>]* alt="Billede 1 af 1[^"]*"`).exec(
        page.text,
      )?.[1];
      assert.ok(src, 'the page shows the photo with alt text');

      // The stored file is the cleaned re-encoding (test/http/photos.test.ts): the same picture.
      let stored: Buffer | undefined;
      for (const email of ['hal@glumsoe.example', 'betjent@politi.example', 'admin@politi.example']) {
        const photo = await getBytes(app, as(email), src);
        assert.equal(photo.status, 200, email);
        stored ??= photo.body;
        assert.ok(photo.body.equals(stored), `${email} gets the same bytes`);
        const { width, height, format } = await sharp(photo.body).metadata();
        assert.deepEqual({ width, height, format }, { width: 2, height: 2, format: 'png' });
        assert.equal(photo.headers.get('content-type'), 'image/png');
        assert.equal(photo.headers.get('cache-control'), 'private, no-store');
        assert.equal(photo.headers.get('x-content-type-options'), 'nosniff');
        assert.equal(photo.headers.get('content-disposition'), 'inline');
      }
      for (const email of [
        'brugs@fladsaa.example',
        'vest@vestegn.example',
        'formand@glumsoe.example',
        'fladsaa-betjent@politi.example',
      ]) {
        assert.equal((await getBytes(app, as(email), src)).status, 404, email);
      }
      assert.equal((await getBytes(app, new Client(app.url), src)).status, 303, 'anonymous → login');
      assert.equal((await getBytes(app, hal(), `/concerns/${id}/photos/999999`)).status, 404);
    });

    it('refuses a fake image, too many photos and a too large photo with a Danish error, keeping the text', async () => {
      await hal().get('/concerns/new');
      const fields = {
        council_id: String(glumsoe),
        category: 'tryghed',
        title: 'Billedet er ikke et billede',
        description: 'Beskrivelse der skal blive stående.',
      };
      const before = app.deps.db.prepare('SELECT count(*) FROM concerns').pluck().get();

      const fake = await postMultipart(app, hal(), fields, [
        { name: 'script.png', type: 'image/png', data: Buffer.from('<script>alert(1)</script>') },
      ]);
      assert.equal(fake.status, 422);
      assert.match(textOf(fake.text), /Der er problemer/);
      assert.match(textOf(fake.text), /ikke et JPEG- eller PNG-billede/);
      assert.match(fake.text, /value="Billedet er ikke et billede"/, 'the title is kept');
      assert.match(fake.text, /Beskrivelse der skal blive stående\./, 'the description is kept');
      assert.match(textOf(fake.text), /Vælg dem igen/, 'says the photos must be chosen again');

      const png = tinyPng();
      const four = await postMultipart(
        app,
        hal(),
        fields,
        [1, 2, 3, 4].map((n) => ({ name: `${n}.png`, type: 'image/png', data: png })),
      );
      assert.equal(four.status, 422);
      assert.match(textOf(four.text), /Vælg højst 3 billeder/);

      const five = await postMultipart(
        app,
        hal(),
        fields,
        [1, 2, 3, 4, 5].map((n) => ({ name: `${n}.png`, type: 'image/png', data: png })),
      );
      assert.equal(five.status, 422, 'multer’s file count limit becomes the same field error');
      assert.match(textOf(five.text), /Vælg højst 3 billeder/);
      assert.match(five.text, /value="Billedet er ikke et billede"/);

      const big = Buffer.concat([png, Buffer.alloc(6 * 1024 * 1024)]);
      const large = await postMultipart(app, hal(), fields, [
        { name: 'stor.png', type: 'image/png', data: big },
      ]);
      assert.equal(large.status, 422);
      assert.match(textOf(large.text), /større end 5 MB/);
      assert.match(large.text, /value="Billedet er ikke et billede"/);

      assert.equal(
        app.deps.db.prepare('SELECT count(*) FROM concerns').pluck().get(),
        before,
        'nothing saved',
      );
    });

    it('answers bad input with 422 and the DKFDS error summary, never a 500, keeping what was typed', async () => {
      await hal().get('/concerns/new');
      const empty = await hal().post('/concerns', {});
      assert.equal(empty.status, 422);
      const emptyText = textOf(empty.text);
      assert.match(emptyText, /Der er problemer/);
      for (const message of ['Vælg en kategori', 'Skriv en overskrift', 'Beskriv, hvad der bekymrer dig']) {
        assert.ok(emptyText.includes(message), message);
      }
      assert.match(empty.text, /href="#field-title"/);

      const base = {
        council_id: String(glumsoe),
        category: 'tryghed',
        title: 'En titel',
        description: 'En beskrivelse',
      };
      const long = await hal().post('/concerns', {
        ...base,
        title: 'x'.repeat(121),
        location: 'Hovedgaden 1',
      });
      assert.equal(long.status, 422);
      assert.match(textOf(long.text), /Skriv en overskrift på højst 120 tegn/);
      assert.ok(long.text.includes(`value="${'x'.repeat(121)}"`), 'the long title is kept');
      assert.match(long.text, /value="Hovedgaden 1"/);

      const wrongTypes = await hal().post('/concerns', {
        ...base,
        council_id: 'abc',
        title: ['to', 'titler'],
        occurred_at: 'i går',
      });
      assert.equal(wrongTypes.status, 422);
      assert.match(textOf(wrongTypes.text), /Vælg et lokalråd/);
      assert.match(textOf(wrongTypes.text), /Skriv et rigtigt tidspunkt/);

      const impossible = await hal().post('/concerns', { ...base, occurred_at: '2015-02-31T10:00' });
      assert.equal(impossible.status, 422);
      assert.match(textOf(impossible.text), /Skriv et rigtigt tidspunkt/);
      const future = await hal().post('/concerns', { ...base, occurred_at: '2099-01-01T10:00' });
      assert.equal(future.status, 422);
      assert.match(textOf(future.text), /ligger ude i fremtiden/);

      const foreign = await hal().post('/concerns', { ...base, council_id: String(fladsaa) });
      assert.equal(foreign.status, 422);
      assert.match(textOf(foreign.text), /Vælg et af dine egne lokalråd/);
      assert.match(foreign.text, /value="En titel"/);

      const unknown = await hal().post('/concerns', { ...base, category: 'findes-ikke' });
      assert.equal(unknown.status, 422);
      assert.match(textOf(unknown.text), /Vælg en kategori fra listen/);
    });

    it('treats script tags and SQL metacharacters as plain text', async () => {
      const id = await logConcern({
        title: '<script>alert("x")</script>',
        description: "'; DROP TABLE concerns; --",
        location: '" onmouseover="alert(1)',
      });
      const page = await hal().get(`/concerns/${id}`);
      assert.equal(page.status, 200);
      assert.ok(!page.text.includes('<script>alert'), 'no live script tag');
      assert.ok(page.text.includes('&lt;script&gt;alert('), 'shown escaped');
      assert.ok(!page.text.includes('" onmouseover="alert(1)'), 'attribute text escaped');
      const row = app.deps.db.prepare('SELECT title, description FROM concerns WHERE id = ?').get(id) as {
        title: string;
        description: string;
      };
      assert.equal(row.description, "'; DROP TABLE concerns; --");
      assert.equal(row.title, '<script>alert("x")</script>');
      const staff = await officer().get(`/concerns/${id}`);
      assert.ok(staff.text.includes('&#39;; DROP TABLE concerns; --'));
    });
  });

  describe('who sees a concern', () => {
    it('gives the officer the staff view with reporter, due date and the forms, and audits the read', async () => {
      const id = await logConcern();
      const page = await officer().get(`/concerns/${id}`);
      assert.equal(page.status, 200);
      const text = textOf(page.text);
      assert.match(text, /Jens Æbeltoft/);
      assert.match(text, /hal@glumsoe\.example/);
      assert.match(text, /Svar senest/);
      assert.match(page.text, /action="\/concerns\/\d+\/notes"/);
      assert.match(
        page.text,
        /<input type="radio" id="field-visibility" name="visibility" value="internal" class="form-radio" checked>/,
      );
      assert.match(page.text, /action="\/concerns\/\d+\/close"/);
      const officerId = app.deps.db
        .prepare("SELECT id FROM users WHERE email = 'betjent@politi.example'")
        .pluck()
        .get();
      const audited = app.deps.db
        .prepare(
          "SELECT count(*) FROM audit_log WHERE action = 'concern.viewed' AND entity_type = 'concern' AND entity_id = ? AND actor_user_id = ?",
        )
        .pluck()
        .get(id, officerId) as number;
      assert.ok(audited >= 1, 'concern.viewed recorded for the officer');
    });

    it('is a 404 for other members, other councils and an officer of another council', async () => {
      const id = await logConcern();
      for (const email of [
        'formand@glumsoe.example',
        'brugs@fladsaa.example',
        'vest@vestegn.example',
        'fladsaa-betjent@politi.example',
      ]) {
        assert.equal((await as(email).get(`/concerns/${id}`)).status, 404, email);
      }
      const other = as('fladsaa-betjent@politi.example');
      await other.get('/');
      for (const [path, form] of [
        ['notes', { body: 'x', visibility: 'internal' }],
        ['close', { resolution: 'resolved', feedback: 'x' }],
        ['share', { summary: 'x' }],
        ['info', { body: 'x' }],
      ] as const) {
        assert.equal((await other.post(`/concerns/${id}/${path}`, form)).status, 404, path);
      }
      assert.equal((await hal().get('/concerns/999999')).status, 404);
      assert.equal((await hal().get('/concerns/abc')).status, 404);
      // The reporter cannot use staff actions.
      await hal().get(`/concerns/${id}`);
      assert.equal(
        (await hal().post(`/concerns/${id}/notes`, { body: 'x', visibility: 'public' })).status,
        404,
      );
      // An officer with an invalid form still gets 404 first when not theirs.
      assert.equal((await other.post(`/concerns/${id}/notes`, {})).status, 404);
    });

    it('refuses a POST without a valid _csrf with 403, also for multipart', async () => {
      const id = await logConcern();
      await officer().get(`/concerns/${id}`);
      const missing = await officer().post(`/concerns/${id}/notes`, {
        _csrf: '',
        body: 'uden token',
        visibility: 'internal',
      });
      assert.equal(missing.status, 403);
      await hal().get('/concerns/new');
      const multipart = await postMultipart(
        app,
        hal(),
        { council_id: String(glumsoe), category: 'tryghed', title: 't', description: 'd' },
        [],
        { csrf: 'forged' },
      );
      assert.equal(multipart.status, 403);
    });
  });

  describe('the officer’s actions and what the reporter sees', () => {
    it('keeps internal notes away from every page and mail a non-officer can see', async () => {
      const marker = `INTERN-MARKOR-${Date.now()}`;
      const id = await logConcern();
      await officer().get(`/concerns/${id}`);
      const note = await officer().post(`/concerns/${id}/notes`, {
        body: `Kender familien. ${marker}`,
        visibility: 'internal',
      });
      assert.equal(note.status, 303);
      const reply = await officer().post(`/concerns/${id}/notes`, {
        body: 'Tak, vi kigger forbi i weekenden.',
        visibility: 'public',
      });
      assert.equal(reply.status, 303);
      const shared = await officer().post(`/concerns/${id}/share`, {
        summary: 'Politiet følger uroen ved stationen.',
      });
      assert.equal(shared.status, 303);
      await officer().post(`/concerns/${id}/close`, {
        resolution: 'resolved',
        feedback: 'Det er blevet roligere.',
      });

      const staffPage = await officer().get(`/concerns/${id}`);
      assert.ok(staffPage.text.includes(marker), 'the officer sees the note');
      assert.match(textOf(staffPage.text), /Intern note – ses kun af betjente/);

      const pages = [
        ['hal@glumsoe.example', `/concerns/${id}`],
        ['formand@glumsoe.example', `/concerns/${id}`],
        ['brugs@fladsaa.example', `/concerns/${id}`],
        ['vest@vestegn.example', `/concerns/${id}`],
        ['fladsaa-betjent@politi.example', `/concerns/${id}`],
        ['hal@glumsoe.example', '/'],
        ['formand@glumsoe.example', '/'],
      ] as const;
      for (const [email, path] of pages) {
        const page = await as(email).get(path);
        assert.ok(!page.text.includes(marker), `${email} ${path} does not show the note`);
      }
      const reporterPage = await hal().get(`/concerns/${id}`);
      assert.match(textOf(reporterPage.text), /Tak, vi kigger forbi i weekenden\./);
      assert.doesNotMatch(textOf(reporterPage.text), /Intern note/);

      await app.deliverMail();
      assert.ok(app.smtp.received.length > 0);
      for (const mail of app.smtp.received) {
        assert.ok(!mail.text.includes(marker) && !mail.html.includes(marker), `mail "${mail.subject}"`);
      }
      const replyMail = app.smtp
        .to('hal@glumsoe.example')
        .find((m) => m.subject === `Svar på din bekymring #${id}`);
      assert.ok(replyMail, 'the reporter was mailed the public reply');
      assert.match(replyMail.text, /Tak, vi kigger forbi i weekenden\./);
    });

    it('closes with feedback (mail and screen), refuses information after closing and reopens', async () => {
      const id = await logConcern();
      await hal().get(`/concerns/${id}`);
      const info = await hal().post(`/concerns/${id}/info`, { body: 'Det skete igen i aftes.' });
      assert.equal(info.status, 303);
      const staff = await officer().get(`/concerns/${id}`);
      assert.match(textOf(staff.text), /Oplysninger tilføjet af indberetteren.*Det skete igen i aftes\./);

      const invalid = await officer().post(`/concerns/${id}/close`, {
        resolution: 'findes-ikke',
        feedback: '',
      });
      assert.equal(invalid.status, 422);
      assert.match(textOf(invalid.text), /Vælg et udfald/);
      assert.match(textOf(invalid.text), /Skriv en besked til indberetteren/);

      const closed = await officer().post(`/concerns/${id}/close`, {
        resolution: 'not_police',
        feedback: 'Belysningen på stien er kommunens ansvar.',
      });
      assert.equal(closed.status, 303);
      const page = await hal().get(`/concerns/${id}`);
      const text = textOf(page.text);
      assert.match(text, /Status Afsluttet/);
      assert.match(text, /Udfald: Ikke en politisag/);
      assert.match(text, /Belysningen på stien er kommunens ansvar\./);
      assert.match(text, /Næstved Kommune/, 'advice where to turn');
      assert.doesNotMatch(page.text, new RegExp(`action="/concerns/${id}/info`), 'no form once closed');

      const late = await hal().post(`/concerns/${id}/info`, { body: 'En ting mere.' });
      assert.equal(late.status, 422);
      assert.match(textOf(late.text), /Bekymringen er afsluttet, så du kan ikke tilføje oplysninger/);

      await app.deliverMail();
      const mail = app.smtp
        .to('hal@glumsoe.example')
        .find((m) => m.subject === `Din bekymring #${id} er afsluttet`);
      assert.ok(mail, 'the reporter was mailed the closing');
      assert.match(mail.text, /Belysningen på stien er kommunens ansvar\./);

      const reopened = await officer().post(`/concerns/${id}/reopen`, {});
      assert.equal(reopened.status, 303);
      const again = await hal().get(`/concerns/${id}`);
      assert.match(textOf(again.text), /Status Under behandling/);
      assert.match(textOf(again.text), /Genåbnet/);
      assert.equal((await hal().post(`/concerns/${id}/info`, { body: 'Nu er det åbent igen.' })).status, 303);
    });

    it('marks a duplicate: “dublet af #N” on both sides, field errors for bad numbers', async () => {
      const original = await logConcern({ title: 'Originalen' });
      const duplicate = await logConcern({ title: 'Dubletten' });
      await officer().get(`/concerns/${duplicate}`);
      for (const [value, message] of [
        ['abc', /Skriv et bekymringsnummer med tal/],
        [String(duplicate), /ikke være dublet af sig selv/],
        ['999999', /ingen bekymring med det nummer/],
        ['', /Skriv nummeret på den bekymring/],
      ] as const) {
        const bad = await officer().post(`/concerns/${duplicate}/duplicate`, { duplicate_of: value });
        assert.equal(bad.status, 422, value);
        assert.match(textOf(bad.text), message);
        assert.match(bad.text, /href="#field-duplicate_of"/);
      }
      const ok = await officer().post(`/concerns/${duplicate}/duplicate`, { duplicate_of: `#${original}` });
      assert.equal(ok.status, 303);
      const dupStaff = textOf((await officer().get(`/concerns/${duplicate}`)).text);
      assert.match(dupStaff, new RegExp(`dublet af #${original}`));
      const origStaff = await officer().get(`/concerns/${original}`);
      assert.match(textOf(origStaff.text), new RegExp(`Dubletter: #${duplicate}`));
      assert.match(origStaff.text, new RegExp(`href="/concerns/${duplicate}"`));
      const dupReporter = textOf((await hal().get(`/concerns/${duplicate}`)).text);
      assert.match(dupReporter, new RegExp(`Afsluttet som dublet af #${original}`));
    });

    it('shares a summary: another Glumsø member sees only the summary, other councils nothing', async () => {
      const id = await logConcern({ description: 'Hemmelig beskrivelse fra hallen.' });
      await officer().get(`/concerns/${id}`);
      const tooLong = await officer().post(`/concerns/${id}/share`, { summary: 'x'.repeat(2001) });
      assert.equal(tooLong.status, 422);
      assert.match(textOf(tooLong.text), /højst 2\.000 tegn/);
      assert.equal(
        (await officer().post(`/concerns/${id}/share`, { summary: 'Der er uro ved stationen om aftenen.' }))
          .status,
        303,
      );
      const member = await as('formand@glumsoe.example').get(`/concerns/${id}`);
      assert.equal(member.status, 200);
      const text = textOf(member.text);
      assert.match(text, /Der er uro ved stationen om aftenen\./);
      assert.match(text, /Glumsø Lokalråd/);
      assert.doesNotMatch(text, /Hemmelig beskrivelse/);
      assert.doesNotMatch(text, /Jens Æbeltoft/);
      assert.doesNotMatch(member.text, /\/photos\//);
      assert.equal((await as('brugs@fladsaa.example').get(`/concerns/${id}`)).status, 404);
      // A member who sees the summary still cannot act on the concern.
      assert.equal(
        (await as('formand@glumsoe.example').post(`/concerns/${id}/info`, { body: 'x' })).status,
        404,
      );

      assert.equal((await officer().post(`/concerns/${id}/share`, { summary: '' })).status, 303);
      assert.equal((await as('formand@glumsoe.example').get(`/concerns/${id}`)).status, 404, 'withdrawn');
    });

    it('changes category, priority and status through the allowed transitions only', async () => {
      const id = await logConcern();
      const page = await officer().get(`/concerns/${id}`);
      const statusSelect = /<select[^>]*name="status"[^>]*>([\s\S]*?)<\/select>/.exec(page.text)?.[1] ?? '';
      assert.match(statusSelect, /value="new"/);
      assert.match(statusSelect, /value="in_progress"/);
      assert.doesNotMatch(statusSelect, /value="closed"/);
      const ok = await officer().post(`/concerns/${id}/triage`, {
        category: 'trafik',
        priority: 'high',
        status: 'in_progress',
      });
      assert.equal(ok.status, 303);
      const after = textOf((await officer().get(`/concerns/${id}`)).text);
      assert.match(after, /Prioritet Høj/);
      assert.match(after, /Status ændret fra Ny til Under behandling/);
      assert.match(after, /Kategori ændret fra Tryghed og uro til Trafik og fart/);
      const closing = await officer().post(`/concerns/${id}/triage`, {
        category: 'trafik',
        priority: 'high',
        status: 'closed',
      });
      assert.equal(closing.status, 422);
      assert.match(textOf(closing.text), /Afslut bekymringen med formularen/);
      const bad = await officer().post(`/concerns/${id}/triage`, {
        category: 'nope',
        priority: 'urgent',
        status: 'x',
      });
      assert.equal(bad.status, 422);
      assert.match(textOf(bad.text), /Vælg en prioritet/);
    });

    it('prefills the note field from a tekstskabelon chosen with ?template=', async () => {
      const templates = new TemplatesRepository(app.deps.db);
      const officerId = app.deps.db
        .prepare("SELECT id FROM users WHERE email = 'betjent@politi.example'")
        .pluck()
        .get() as number;
      const templateId = templates.insert({
        title: 'Tak for henvendelsen',
        body: 'Tak for din henvendelse. Vi vender tilbage.',
        createdBy: officerId,
        now: new Date().toISOString(),
      });
      const id = await logConcern();
      const page = await officer().get(`/concerns/${id}?template=${templateId}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /<option value="\d+" selected>Tak for henvendelsen<\/option>/);
      assert.match(
        page.text,
        /<textarea[^>]*name="body"[^>]*>Tak for din henvendelse\. Vi vender tilbage\.<\/textarea>/,
      );
      assert.equal((await officer().get(`/concerns/${id}?template=abc`)).status, 200);
    });
  });
});
