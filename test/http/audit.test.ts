/**
 * The audit log a data protection officer can use (issue 11): searches, filters and exports are
 * recorded; repeated reads of one case within minutes are one line; /admin/audit filters by a
 * period, speaks in words, and exports what it shows as CSV — for district admins only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COLLAPSE_MINUTES } from '../../src/audit/audit-log.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import { addPerson, councilId, DEMO, logConcern, loggedIn, loginAll, userId } from '../helpers/world.js';

const MINUTE = 60_000;

/** A download as its bytes say, the byte-order mark kept (fetch's text() would drop it). */
async function download(client: Client, url: string) {
  const res = await fetch(new URL(url, client.baseUrl), {
    headers: { cookie: client.cookieHeader() },
    redirect: 'manual',
  });
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, text };
}

type Line = {
  id: number;
  action: string;
  entity_id: number | null;
  details: string;
  repeat_count: number;
  last_at: string | null;
};

describe('the audit log a DPO can use', () => {
  let app: TestApp;
  let as: Record<'admin' | 'officer' | 'hal', Client>;
  let glumsoe: number;

  const linesOf = (actor: string, action: string): Line[] =>
    app.deps.db
      .prepare('SELECT * FROM audit_log WHERE actor_user_id = ? AND action = ? ORDER BY id')
      .all(userId(app, actor), action) as Line[];
  const lastOf = (actor: string, action: string) => linesOf(actor, action).at(-1);
  const detailsOf = (line: Line | undefined) => JSON.parse(line?.details ?? 'null');

  before(async () => {
    app = await startTestApp();
    as = await loginAll(app, { admin: DEMO.admin, officer: DEMO.officer, hal: DEMO.hal });
    glumsoe = councilId(app, 'glumsoe');
  });
  after(() => app.close());

  describe('searches and filters of the lists are recorded', () => {
    it('a triage search is recorded with the filters in force, not the address', async () => {
      const page = await as.officer.get(
        `/triage?q=graffiti&council=${glumsoe}&status=all&priority=high&overdue=1&page=1`,
      );
      assert.equal(page.status, 200);
      const line = lastOf(DEMO.officer, 'concern.searched');
      assert.deepEqual(detailsOf(line), {
        list: 'triage',
        q: 'graffiti',
        councilId: glumsoe,
        status: 'all',
        priority: 'high',
        overdue: true,
      });
      assert.equal(line?.entity_id, null);
    });

    it('a filter without search text, and the plain queue, are recorded as views of the list', async () => {
      await as.officer.get('/concerns?status=closed&category=trafik');
      assert.deepEqual(detailsOf(lastOf(DEMO.officer, 'concern.listed')), {
        list: 'concerns',
        status: 'closed',
        category: 'trafik',
      });
      await as.officer.get('/triage');
      assert.deepEqual(detailsOf(lastOf(DEMO.officer, 'concern.listed')), { list: 'triage' });
    });

    it('paging through one search within minutes adds to its line instead of adding lines', async () => {
      const before = linesOf(DEMO.officer, 'concern.searched').length;
      await as.officer.get('/triage?q=knallert');
      await as.officer.get('/triage?q=knallert&page=2');
      await as.officer.get('/triage?q=knallert&page=3');
      const lines = linesOf(DEMO.officer, 'concern.searched');
      assert.equal(lines.length, before + 1);
      assert.equal(lines.at(-1)?.repeat_count, 3);
    });

    it('a member searching their own concerns is not recorded (no staff read)', async () => {
      await as.hal.get('/concerns?q=graffiti');
      assert.deepEqual(linesOf(DEMO.hal, 'concern.searched'), []);
      assert.deepEqual(linesOf(DEMO.hal, 'concern.listed'), []);
    });
  });

  describe('repeated reads of one case are one line; changes never collapse', () => {
    let concern: number;
    before(() => {
      concern = logConcern(app, DEMO.hal, { title: 'Knallerter på stien', councilId: glumsoe });
    });

    it('two reads within the window are one line with count 2; a read after it is a new line', async () => {
      assert.equal((await as.officer.get(`/concerns/${concern}`)).status, 200);
      app.advanceClock(2 * MINUTE);
      await as.officer.get(`/concerns/${concern}`);
      const views = () => linesOf(DEMO.officer, 'concern.viewed').filter((l) => l.entity_id === concern);
      assert.equal(views().length, 1);
      assert.equal(views()[0]?.repeat_count, 2);
      assert.ok(views()[0]?.last_at);

      app.advanceClock((COLLAPSE_MINUTES + 1) * MINUTE);
      await as.officer.get(`/concerns/${concern}`);
      assert.deepEqual(
        views().map((l) => l.repeat_count),
        [2, 1],
      );
    });

    it('/admin/audit says how many times and when the last read was', async () => {
      const page = textOf((await as.admin.get(`/admin/audit?entity_type=concern&entity_id=${concern}`)).text);
      assert.match(page, /Bekymring læst/);
      assert.match(page, /2 gange, sidst kl\. \d{2}\.\d{2}/);
    });

    it('two identical changes are two lines', async () => {
      await as.officer.get(`/concerns/${concern}`);
      for (let i = 0; i < 2; i++) {
        const note = await as.officer.post(`/concerns/${concern}/notes`, {
          body: 'Tjekket',
          visibility: 'internal',
        });
        assert.equal(note.status, 303);
      }
      const notes = linesOf(DEMO.officer, 'concern.note_added').filter((l) => l.entity_id === concern);
      assert.deepEqual(
        notes.map((l) => l.repeat_count),
        [1, 1],
      );
    });

    it('details are shown in words: "Udfald: Ikke en politisag"', async () => {
      await as.officer.get(`/concerns/${concern}`);
      const closed = await as.officer.post(`/concerns/${concern}/close`, {
        resolution: 'not_police',
        feedback: 'Kontakt kommunen om stien.',
      });
      assert.equal(closed.status, 303);
      const page = textOf((await as.admin.get('/admin/audit?action=concern.closed')).text);
      assert.match(page, /Bekymring afsluttet/);
      assert.match(page, /Udfald: Ikke en politisag/);
      assert.doesNotMatch(page, /resolution: not_police/);
      const search = textOf((await as.admin.get('/admin/audit?action=concern.searched')).text);
      assert.match(search, /Søgetekst: graffiti/);
      assert.match(search, /Lokalråd: Glumsø Lokalråd/);
      assert.match(search, /Liste: Indbakken/);
    });
  });

  describe('a period on /admin/audit', () => {
    before(() => {
      // Lines at the edges of Copenhagen days (winter: UTC+1), about rollouts nobody else makes.
      const insert = app.deps.db.prepare(
        "INSERT INTO audit_log (at, actor_user_id, action, entity_type, entity_id, details) VALUES (?, NULL, 'rollout.imported', 'rollout', ?, '{}')",
      );
      insert.run('2025-01-09T22:30:00.000Z', 901); // 9 January 23.30 in Copenhagen
      insert.run('2025-01-09T23:30:00.000Z', 902); // 10 January 00.30
      insert.run('2025-01-11T22:59:00.000Z', 903); // 11 January 23.59
      insert.run('2025-01-11T23:00:00.000Z', 904); // 12 January 00.00
    });

    it('shows only the lines of the Copenhagen days from and to, both included', async () => {
      const page = textOf(
        (await as.admin.get('/admin/audit?entity_type=rollout&from=2025-01-10&to=2025-01-11')).text,
      );
      assert.match(page, /Udrulning #902/);
      assert.match(page, /Udrulning #903/);
      assert.doesNotMatch(page, /Udrulning #901/);
      assert.doesNotMatch(page, /Udrulning #904/);
      // The Danish short form a browser without a date picker sends is accepted too.
      const danish = textOf((await as.admin.get('/admin/audit?entity_type=rollout&from=12.1.2025')).text);
      assert.match(danish, /Udrulning #904/);
      assert.doesNotMatch(danish, /Udrulning #903/);
    });

    it('refuses a date that is not one, or a period that ends before it starts, and keeps the input', async () => {
      const bad = await as.admin.get('/admin/audit?from=2025-13-01&person=admin%40politi.example');
      assert.equal(bad.status, 422);
      const text = textOf(bad.text);
      assert.match(text, /Der er problemer/);
      assert.match(text, /Skriv fra-datoen som dag\.måned\.år/);
      assert.match(bad.text, /href="#field-from"/);
      assert.match(bad.text, /id="field-from"[^>]*value="2025-13-01"/);
      assert.match(bad.text, /value="admin@politi\.example"/);
      assert.doesNotMatch(text, /Ingen hændelser passer/, 'nothing was looked up');

      const backwards = await as.admin.get('/admin/audit?from=2025-02-01&to=2025-01-01');
      assert.equal(backwards.status, 422);
      assert.match(textOf(backwards.text), /Til-datoen skal være samme dag som eller efter fra-datoen/);
      assert.match(backwards.text, /id="field-to"[^>]*value="2025-01-01"/);
    });
  });

  describe('pages of /admin/audit', () => {
    it('pages older and back newer, keeping the filter', async () => {
      const admin = userId(app, DEMO.admin);
      for (let i = 0; i < 60; i++) app.deps.audit.record({ id: admin }, 'rollout.imported', 1000 + i);
      const lines = (html: string) => [...html.matchAll(/Udrulning #(\d+)/g)].map((m) => Number(m[1]));
      const link = (html: string, rel: string) =>
        new RegExp(`rel="${rel}" href="([^"]+)"`).exec(html)?.[1]?.replace(/&amp;/g, '&');
      const filter = `/admin/audit?action=rollout.imported&person=${admin}`;
      const first = await as.admin.get(filter);
      assert.equal(lines(first.text).length, 50);
      assert.equal(lines(first.text)[0], 1059);
      assert.equal(link(first.text, 'prev'), undefined);
      const older = link(first.text, 'next');
      assert.match(older ?? '', /action=rollout\.imported/);
      const second = await as.admin.get(older ?? '');
      assert.deepEqual(lines(second.text), [1009, 1008, 1007, 1006, 1005, 1004, 1003, 1002, 1001, 1000]);
      assert.equal(link(second.text, 'next'), undefined);
      const back = await as.admin.get(link(second.text, 'prev') ?? '');
      assert.deepEqual(lines(back.text), lines(first.text));
      assert.equal(link(back.text, 'prev'), undefined, 'nothing newer than the first page');
      assert.match(textOf(back.text), /Første side/);
    });
  });

  describe('exports', () => {
    it('the audit log as CSV: BOM, semicolons, translated labels, the filter applied — and the export recorded', async () => {
      const res = await download(as.admin, '/admin/audit.csv?action=concern.closed');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
      assert.match(
        res.headers.get('content-disposition') ?? '',
        /^attachment; filename="naernet-revisionsspor\.csv"/,
      );
      assert.ok(res.text.startsWith('\uFEFF'), 'a byte-order mark for Excel');
      const [header, ...rows] = res.text.slice(1).trimEnd().split('\r\n');
      assert.equal(
        header,
        'Tidspunkt;Person;Brugernummer;Handling;Hvad;Nummer;Detaljer;IP-adresse;Antal gange;Sidste gang',
      );
      assert.ok(rows.length >= 1);
      assert.ok(
        rows.every((r) => r.includes(';Bekymring afsluttet;')),
        'only the filtered action',
      );
      assert.ok(rows.some((r) => r.includes('Udfald: Ikke en politisag')));
      assert.match(rows[0] ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2};Mads Holm;\d+;/);

      const exported = lastOf(DEMO.admin, 'audit.exported');
      assert.deepEqual(detailsOf(exported), { action: 'concern.closed' });
      const page = textOf((await as.admin.get('/admin/audit?action=audit.exported')).text);
      assert.match(page, /Revisionsspor hentet som CSV/);
      assert.match(page, /Handling: Bekymring afsluttet/);
    });

    it('a name a spreadsheet would run as a formula stays text', async () => {
      const id = addPerson(app, {
        email: 'formel@example.dk',
        name: '=HYPERLINK("http://x.example";"klik")',
      });
      app.deps.audit.record({ id }, 'login.failed', id, { ip: '192.0.2.7' });
      const csv = (await download(as.admin, `/admin/audit.csv?person=${id}`)).text;
      const [, row] = csv.slice(1).trimEnd().split('\r\n');
      assert.match(row ?? '', /;"'=HYPERLINK\(""http:\/\/x\.example"";""klik""\)";/);
      assert.doesNotMatch(csv, /;=HYPERLINK/);
      assert.match(row ?? '', /;192\.0\.2\.7;1;$/);
    });

    it('in English: English labels and commas, as an English spreadsheet expects', async () => {
      const english = await loggedIn(app, DEMO.admin);
      assert.equal((await english.post('/language', { locale: 'en', next: '/admin/audit' })).status, 303);
      const { text } = await download(english, '/admin/audit.csv?action=concern.closed');
      const [header, ...rows] = text.slice(1).trimEnd().split('\r\n');
      assert.equal(header, 'Time,Person,User number,Action,What,Number,Details,IP address,Times,Last time');
      assert.ok(rows.some((r) => r.includes('Outcome: Not a police matter')));
      // The language is the account's: back to Danish for the tests after this one.
      assert.equal((await english.post('/language', { locale: 'da', next: '/admin/audit' })).status, 303);
    });

    it('a bad filter gives the page with the error, not a file', async () => {
      const res = await as.admin.get('/admin/audit.csv?to=31.2.2025');
      assert.equal(res.status, 422);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(textOf(res.text), /Skriv til-datoen som dag\.måned\.år/);
    });

    it('the evaluation figures CSV is recorded too, with its period and councils', async () => {
      const res = await as.admin.get('/stats/figures.csv?from=2026-01-01&to=2026-01-31');
      assert.equal(res.status, 200);
      const details = detailsOf(lastOf(DEMO.admin, 'stats.figures_exported'));
      assert.equal(details.from, '2026-01-01');
      assert.equal(details.to, '2026-01-31');
      assert.ok(details.councilIds.includes(glumsoe));
    });
  });

  describe('access', () => {
    it('only district admins: others get 404, anonymous visitors the login', async () => {
      for (const client of [as.officer, as.hal]) {
        assert.equal((await client.get('/admin/audit')).status, 404);
        assert.equal((await client.get('/admin/audit.csv')).status, 404);
      }
      const anonymous = await new Client(app.url).get('/admin/audit.csv');
      assert.equal(anonymous.status, 303);
      assert.match(anonymous.location ?? '', /^\/login/);
      const formand = await loggedIn(app, DEMO.formand);
      assert.equal((await formand.get('/admin/audit.csv')).status, 404);
      assert.deepEqual(linesOf(DEMO.officer, 'audit.exported'), []);
    });
  });
});
