import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ftsMatchExpression } from '../../src/features/triage/fts-query.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import {
  actorOf,
  addCouncil,
  addPerson,
  type ConcernFields,
  councilId,
  departmentId,
  logConcern,
  loggedIn as loggedInTo,
  testPasswordHash,
} from '../helpers/world.js';

const DAY = 86_400_000;
const PASSWORD = 'en lang prøve-adgangskode';

/**
 * The test council "Prøvested" has its own officer and members, so counts and filters are exact
 * whatever the demo holds. The Fladså-only officer checks that a queue stops at its councils.
 */
const P_OFFICER = 'proeve-betjent@politi.example';
const P_REPORTER = 'proeve@eksempel.test';
const P_OTHER = 'proeve2@eksempel.test';
const P_ADMIN = 'proeve-formand@eksempel.test';
const F_OFFICER = 'fladsaa-betjent@politi.example';

/** Concern ids in the order the list shows them. */
const rowIds = (html: string) =>
  [...html.matchAll(/<a href="\/concerns\/(\d+)">#\d+<\/a>/g)].map((m) => Number(m[1]));

describe('the officer’s queue, the concern list and search', () => {
  let app: TestApp;
  let proevested: number;
  let glumsoe: number;
  let fladsaa: number;
  let ssp: number;
  const c: Record<'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'glumsoe' | 'fladsaa', number> = {
    A: 0,
    B: 0,
    C: 0,
    D: 0,
    E: 0,
    F: 0,
    glumsoe: 0,
    fladsaa: 0,
  };

  const actor = (email: string) => actorOf(app, email);
  const log = (email: string, council: number, input: ConcernFields) =>
    logConcern(app, email, { councilId: council, ...input });
  const loggedIn = (email: string, password?: string) => loggedInTo(app, email, password);

  before(async () => {
    app = await startTestApp();
    const { db } = app.deps;
    glumsoe = councilId(app, 'glumsoe');
    fladsaa = councilId(app, 'fladsaa');
    ssp = departmentId(app, 'SSP');
    proevested = addCouncil(app, { name: 'Prøvested Lokalråd', slug: 'proevested' });
    const passwordHash = await testPasswordHash(PASSWORD);
    const newOfficer = (email: string, name: string, council: number) =>
      addPerson(app, { email, name, passwordHash, isOfficer: true, officerOf: [council] });
    const newMember = (email: string, name: string, role: 'network_person' | 'council_admin') =>
      addPerson(app, { email, name, passwordHash, memberOf: [{ councilId: proevested, role }] });
    newOfficer(P_OFFICER, 'Pia Prøvebetjent', proevested);
    newOfficer(F_OFFICER, 'Finn Fladsåbetjent', fladsaa);
    newMember(P_REPORTER, 'Per Prøve', 'network_person');
    newMember(P_OTHER, 'Pernille Prøve', 'network_person');
    newMember(P_ADMIN, 'Poul Formand', 'council_admin');

    c.A = log(P_REPORTER, proevested, {
      title: 'Knallerter ved hallen',
      description: 'Unge kører stærkt rundt om aftenen.',
      location: 'Idrætsvej 4',
      category: 'trafik',
    });
    c.B = log(P_REPORTER, proevested, {
      title: 'Graffiti på busskuret',
      description: 'Nyt maleri hver weekend.',
      location: 'Stationsvej',
      category: 'haervaerk',
    });
    c.C = log(P_REPORTER, proevested, {
      title: 'Uro ved stationen',
      description: 'Råben og knust glas om natten.',
      location: 'Banegårdspladsen',
      category: 'tryghed',
    });
    c.D = log(P_REPORTER, proevested, {
      title: 'Indbrud i kolonihaverne',
      description: 'Flere skure er brudt op.',
      location: 'Haveforeningen Solsikken',
      category: 'indbrud',
    });
    c.E = log(P_OTHER, proevested, {
      title: 'Hemmelig titel XYZZY',
      description: 'Kun for betjenten og mig.',
      category: 'andet',
    });
    c.F = log(P_REPORTER, proevested, {
      title: 'Affald i parken',
      description: 'Poser med affald.',
      category: 'andet',
    });
    c.glumsoe = log('hal@glumsoe.example', glumsoe, {
      title: 'Glumsø-bekymring om fart',
      description: 'Biler kører for stærkt.',
    });
    c.fladsaa = log('brugs@fladsaa.example', fladsaa, {
      title: 'Fladså-bekymring om lys',
      description: 'Gadelyset er gået ud.',
    });

    const officer = actor(P_OFFICER);
    const concerns = app.deps.services.concerns;
    concerns.updateTriage(officer, c.B, { priority: 'high' });
    concerns.addNote(officer, c.C, { body: 'Vi kigger forbi.', visibility: 'public' });
    concerns.close(officer, c.F, { resolution: 'resolved', feedback: 'Kommunen har ryddet op.' });
    // A referral to SSP sent three days ago, not acknowledged (the referral rows themselves, so this
    // test does not depend on the referral routes).
    concerns.updateTriage(officer, c.D, { status: 'awaiting_department' });
    db.prepare(
      `INSERT INTO referrals (concern_id, department_id, note, status, token_hash, token_expires_at, sent_by, created_at)
       VALUES (?, ?, 'Til SSP', 'sent', 'prøve-token-hash', ?, ?, ?)`,
    ).run(
      c.D,
      ssp,
      new Date(Date.now() + 30 * DAY).toISOString(),
      officer.id,
      new Date(app.deps.now().getTime() - 3 * DAY).toISOString(),
    );
    concerns.share(officer, c.B, 'Der er kommet mere graffiti ved busskuret.\nPolitiet holder øje.');
  });

  after(() => app.close());

  describe('who may open /triage', () => {
    const cases: [string, string | null, number][] = [
      ['an officer', 'betjent@politi.example', 200],
      ['a district admin', 'admin@politi.example', 200],
      ['a council admin', 'formand@glumsoe.example', 404],
      ['a network person of Glumsø', 'hal@glumsoe.example', 404],
      ['a network person of Fladså', 'brugs@fladsaa.example', 404],
      ['a network person of Vestegn', 'vest@vestegn.example', 404],
    ];
    for (const [who, email, status] of cases) {
      it(`${who} gets ${status}`, async () => {
        const client = await loggedIn(email as string);
        assert.equal((await client.get('/triage')).status, status);
      });
    }

    it('an anonymous visitor is sent to log in', async () => {
      const page = await new Client(app.url).get('/triage');
      assert.equal(page.status, 303);
      assert.equal(page.location, '/login?next=%2Ftriage');
    });
  });

  describe('an officer covering only Fladså', () => {
    it('sees Fladså concerns and none from Glumsø or Prøvested', async () => {
      const client = await loggedIn(F_OFFICER, PASSWORD);
      const page = await client.get('/triage');
      assert.equal(page.status, 200);
      assert.match(page.text, /Fladså-bekymring om lys/);
      assert.doesNotMatch(page.text, /Glumsø-bekymring om fart/);
      assert.doesNotMatch(page.text, /Knallerter ved hallen/);
      assert.ok(rowIds(page.text).includes(c.fladsaa));
      assert.ok(!rowIds(page.text).includes(c.glumsoe));
      // The council filter offers only Fladså.
      const councilSelect = /<select[^>]*name="council"[\s\S]*?<\/select>/.exec(page.text)?.[0] ?? '';
      assert.match(councilSelect, new RegExp(`<option value="${fladsaa}"`));
      assert.doesNotMatch(councilSelect, new RegExp(`<option value="${glumsoe}"`));
    });

    it('gets 404 when filtering on Glumsø, a council it does not cover (same as an unknown council)', async () => {
      const client = await loggedIn(F_OFFICER, PASSWORD);
      assert.equal((await client.get(`/triage?council=${glumsoe}`)).status, 404);
      assert.equal((await client.get('/triage?council=999999')).status, 404);
      assert.equal((await client.get(`/concerns?council=${glumsoe}`)).status, 404);
      assert.equal((await client.get(`/triage?council=${fladsaa}`)).status, 200);
    });

    it('cannot find Glumsø concerns by searching', async () => {
      const client = await loggedIn(F_OFFICER, PASSWORD);
      for (const path of ['/triage?q=Glumsø-bekymring&status=all', '/concerns?q=Glumsø-bekymring']) {
        const page = await client.get(path);
        assert.equal(page.status, 200);
        assert.doesNotMatch(page.text, /Glumsø-bekymring om fart/);
      }
    });
  });

  describe('filters and counts (the Prøvested officer)', () => {
    let officer: Client;
    before(async () => {
      officer = await loggedIn(P_OFFICER, PASSWORD);
    });

    it('shows the open concerns by default: new first by due date, then the others by due date', async () => {
      const page = await officer.get('/triage');
      assert.equal(page.status, 200);
      // B is high priority (due after 1 working day), A before E (logged first); C and D follow.
      assert.deepEqual(rowIds(page.text), [c.B, c.A, c.E, c.C, c.D]);
      assert.doesNotMatch(page.text, /Affald i parken/);
    });

    it('counts every status in the officer’s councils', async () => {
      const text = textOf((await officer.get('/triage')).text);
      assert.match(text, /Ny: 3 Under behandling: 1 Venter på afdeling: 1 Afsluttet: 1 Overskredet: 0/);
    });

    it('filters by status, category, priority, department, awaiting department and council', async () => {
      const ids = async (query: string) => rowIds((await officer.get(`/triage?${query}`)).text);
      assert.deepEqual(await ids('status=closed'), [c.F]);
      assert.deepEqual(await ids('status=new'), [c.B, c.A, c.E]);
      assert.deepEqual((await ids('status=all')).sort(), [c.A, c.B, c.C, c.D, c.E, c.F].sort());
      assert.deepEqual(await ids('category=trafik'), [c.A]);
      assert.deepEqual(await ids('priority=high'), [c.B]);
      assert.deepEqual(await ids(`department=${ssp}&status=all`), [c.D]);
      assert.deepEqual(await ids('awaiting=1'), [c.D]);
      assert.deepEqual(await ids(`council=${proevested}&category=tryghed`), [c.C]);
      assert.deepEqual(await ids('category=trafik&priority=high'), []);
    });

    it('ignores nonsense in the other filters instead of failing', async () => {
      for (const query of [
        'status=deleted',
        'priority=urgent',
        'category=<script>',
        'department=abc',
        'page=-1',
        'page=abc',
        'status=new&status=closed',
        'q[]=x',
      ]) {
        const page = await officer.get(`/triage?${query}`);
        assert.equal(page.status, 200, query);
      }
    });

    it('flags the referral as awaiting the department and not acknowledged after 48 hours', async () => {
      const page = await officer.get('/triage?awaiting=1');
      const text = textOf(page.text);
      assert.match(text, /Venter på afdeling Ikke kvitteret/);
      assert.match(text, /Fristen står stille/);
    });

    it('shows the due date as "Svar senest" with the short Danish date', async () => {
      const due = app.deps.db.prepare('SELECT due_at FROM concerns WHERE id = ?').pluck().get(c.A) as string;
      const short = new Intl.DateTimeFormat('da-DK', {
        timeZone: 'Europe/Copenhagen',
        day: 'numeric',
        month: 'numeric',
        year: 'numeric',
      }).format(new Date(due));
      const text = textOf((await officer.get('/triage?category=trafik')).text);
      assert.match(text, new RegExp(`Svar senest ${short.replace(/\./g, '\\.')}`));
      assert.doesNotMatch(text, /Overskredet(?!: )/);
    });
  });

  describe('search', () => {
    let officer: Client;
    before(async () => {
      officer = await loggedIn(P_OFFICER, PASSWORD);
    });

    it('turns what was typed into quoted FTS5 terms with a prefix on the last', () => {
      assert.equal(ftsMatchExpression('knallerter hal'), '"knallerter" "hal"*');
      assert.equal(ftsMatchExpression('  sag  "citat" '), '"sag" """citat"""*');
      assert.equal(ftsMatchExpression('NEAR( OR -'), '"NEAR(" "OR"*');
      assert.equal(ftsMatchExpression("'; -- *"), null);
    });

    it('finds by words of title, description and place, and by the beginning of the last word', async () => {
      const ids = async (q: string) =>
        rowIds((await officer.get(`/triage?status=all&q=${encodeURIComponent(q)}`)).text);
      assert.deepEqual(await ids('hallen'), [c.A]);
      assert.deepEqual(await ids('weekend'), [c.B]);
      assert.deepEqual(await ids('Idrætsvej'), [c.A]);
      assert.deepEqual(await ids('knall'), [c.A]);
      assert.deepEqual(await ids('graffiti busskur'), [c.B]);
      assert.deepEqual(await ids('RÅBEN'), [c.C]);
      assert.deepEqual(await ids('graffiti knallerter'), []);
      assert.deepEqual(await ids('affald'), [c.F]);
    });

    it('answers 200 for punctuation, FTS5 operators and SQL metacharacters', async () => {
      for (const q of [
        "'; DROP TABLE concerns; --",
        '"',
        '*',
        'NEAR(',
        'OR',
        '-',
        'knallerter OR graffiti',
        'title:graffiti',
        '^hallen',
        ')',
        '"""',
        'a'.repeat(1000),
      ]) {
        for (const path of ['/triage', '/concerns']) {
          const page = await officer.get(`${path}?q=${encodeURIComponent(q)}`);
          assert.equal(page.status, 200, `${path} q=${q}`);
        }
      }
      const reporter = await loggedIn(P_REPORTER, PASSWORD);
      assert.equal((await reporter.get(`/concerns?q=${encodeURIComponent("'; DROP TABLE")}`)).status, 200);
      assert.equal(app.deps.db.prepare('SELECT count(*) FROM concerns WHERE id = ?').pluck().get(c.A), 1);
      // An operator word is text: "OR" alone finds nothing rather than everything.
      assert.deepEqual(rowIds((await officer.get('/triage?q=knallerter%20OR%20graffiti')).text), []);
      assert.match(textOf((await officer.get('/triage?q=*')).text), /ingen ord at søge efter/);
    });

    it('is audited when staff search (who searched what)', () => {
      const row = app.deps.db
        .prepare(
          "SELECT details FROM audit_log WHERE action = 'concern.searched' AND actor_user_id = ? ORDER BY id DESC LIMIT 1",
        )
        .pluck()
        .get(actor(P_OFFICER).id) as string;
      assert.ok(row);
    });

    it('GET /concerns?q= searches a reporter’s own concerns only', async () => {
      const reporter = await loggedIn(P_REPORTER, PASSWORD);
      const page = await reporter.get('/concerns?q=graffiti');
      assert.deepEqual(rowIds(page.text), [c.B]);
      const other = await loggedIn(P_OTHER, PASSWORD);
      assert.deepEqual(rowIds((await other.get('/concerns?q=graffiti')).text), []);
      assert.deepEqual(rowIds((await other.get('/concerns?q=xyzz')).text), [c.E]);
    });
  });

  describe('GET /concerns — Mine bekymringer', () => {
    it('shows a reporter their own concerns with status, and never another member’s title', async () => {
      const reporter = await loggedIn(P_REPORTER, PASSWORD);
      const page = await reporter.get('/concerns');
      assert.equal(page.status, 200);
      const text = textOf(page.text);
      assert.match(text, /Mine bekymringer/);
      for (const id of [c.A, c.B, c.C, c.D, c.F]) assert.ok(rowIds(page.text).includes(id), `#${id}`);
      assert.ok(!rowIds(page.text).includes(c.E));
      assert.doesNotMatch(page.text, /Hemmelig titel XYZZY/);
      assert.doesNotMatch(page.text, /Glumsø-bekymring/);
      assert.match(text, /Under behandling/);
      assert.match(page.text, /href="\/concerns\/new"[^>]*>Giv en bekymring videre/);
    });

    it('shows the council’s shared summaries by their first line — not the title — to its members', async () => {
      const other = await loggedIn(P_OTHER, PASSWORD);
      const page = await other.get('/concerns');
      const text = textOf(page.text);
      assert.match(text, /Delt med netværket/);
      assert.match(
        page.text,
        new RegExp(`<a href="/concerns/${c.B}">Der er kommet mere graffiti ved busskuret\\.</a>`),
      );
      assert.doesNotMatch(text, /Politiet holder øje/);
      assert.doesNotMatch(page.text, /Graffiti på busskuret/);
      assert.doesNotMatch(page.text, /Knallerter ved hallen/);
    });

    it('does not show another council’s shared summaries', async () => {
      const hal = await loggedIn('hal@glumsoe.example');
      const page = await hal.get('/concerns');
      assert.equal(page.status, 200);
      assert.doesNotMatch(page.text, /mere graffiti ved busskuret/);
      assert.ok(rowIds(page.text).includes(c.glumsoe));
    });

    it('shows a council admin the counts per status and category, not the concerns', async () => {
      const admin = await loggedIn(P_ADMIN, PASSWORD);
      const page = await admin.get('/concerns');
      const text = textOf(page.text);
      assert.match(text, /Tal for Prøvested Lokalråd/);
      assert.match(text, /Ny: 3 Under behandling: 1 Venter på afdeling: 1 Afsluttet: 1/);
      assert.match(text, /Trafik og fart 1/);
      assert.match(text, /Andet 2/);
      for (const title of ['Knallerter ved hallen', 'Hemmelig titel XYZZY', 'Affald i parken']) {
        assert.ok(!text.includes(title), title);
      }
      // A plain network person of the same council sees no counts.
      const member = await loggedIn(P_OTHER, PASSWORD);
      assert.doesNotMatch(textOf((await member.get('/concerns')).text), /Tal for/);
    });

    it('gives officers a way to the queue and their handled concerns with the same filters', async () => {
      const officer = await loggedIn(P_OFFICER, PASSWORD);
      const page = await officer.get('/concerns');
      assert.equal(page.status, 200);
      assert.match(page.text, /href="\/triage"/);
      assert.equal(rowIds(page.text)[0], c.F, 'newest first');
      assert.deepEqual(rowIds((await officer.get('/concerns?status=closed')).text), [c.F]);
      assert.doesNotMatch(page.text, /href="\/concerns\/new"/);
    });

    it('sends an anonymous visitor to log in', async () => {
      const page = await new Client(app.url).get('/concerns');
      assert.equal(page.status, 303);
      assert.match(page.location ?? '', /^\/login/);
    });
  });

  describe('overdue', () => {
    it('flags concerns not answered by their due date, first in the queue; answered and paused ones are not', async () => {
      app.advanceClock(14 * DAY);
      const officer = await loggedIn(P_OFFICER, PASSWORD);
      const page = await officer.get('/triage');
      const text = textOf(page.text);
      assert.match(text, /Overskredet: 3/);
      assert.deepEqual(rowIds(page.text), [c.B, c.A, c.E, c.C, c.D]);
      assert.deepEqual(rowIds((await officer.get('/triage?overdue=1')).text), [c.B, c.A, c.E]);
      assert.equal((page.text.match(/badge badge-error/g) ?? []).length, 3);
      const service = app.deps.services.concerns;
      for (const id of [c.A, c.B, c.E]) {
        const row = app.deps.db.prepare('SELECT * FROM concerns WHERE id = ?').get(id) as Parameters<
          typeof service.isOverdue
        >[0];
        assert.equal(service.isOverdue(row), true, `#${id} is overdue by the service's rule too`);
      }
    });

    it('puts a new concern that is not yet overdue after the overdue ones and before those in progress', async () => {
      const late = log(P_OTHER, proevested, { title: 'Ny og frisk', description: 'Lige logget.' });
      const officer = await loggedIn(P_OFFICER, PASSWORD);
      const ids = rowIds((await officer.get('/triage')).text);
      assert.deepEqual(ids, [c.B, c.A, c.E, late, c.C, c.D]);
    });
  });

  describe('pagination', () => {
    it('shows 25 per page with Forrige/Næste side links that keep the filters', async () => {
      for (let i = 1; i <= 27; i++) {
        log(P_OTHER, proevested, { title: `Sidetest ${i}`, description: 'Til siderne.', category: 'unge' });
      }
      const officer = await loggedIn(P_OFFICER, PASSWORD);
      const first = await officer.get('/triage?q=sidetest&category=unge');
      assert.equal(rowIds(first.text).length, 25);
      const next = /<a href="([^"]+)" rel="next">/.exec(first.text)?.[1]?.replace(/&amp;/g, '&');
      assert.ok(next);
      assert.doesNotMatch(first.text, /rel="prev"/);
      const url = new URL(next, app.url);
      assert.equal(url.pathname, '/triage');
      assert.equal(url.searchParams.get('q'), 'sidetest');
      assert.equal(url.searchParams.get('category'), 'unge');
      assert.equal(url.searchParams.get('page'), '2');
      const second = await officer.get(next);
      assert.equal(rowIds(second.text).length, 2);
      assert.match(textOf(second.text), /Forrige side/);
      assert.doesNotMatch(second.text, /rel="next"/);
      const all = new Set([...rowIds(first.text), ...rowIds(second.text)]);
      assert.equal(all.size, 27);
    });

    it('pages a reporter’s own list too', async () => {
      const other = await loggedIn(P_OTHER, PASSWORD);
      const first = await other.get('/concerns');
      // 27 page-test concerns, "Ny og frisk" and E: 29 own concerns.
      assert.equal(rowIds(first.text).filter((id) => id !== c.B).length, 25);
      const second = await other.get('/concerns?page=2');
      assert.equal(rowIds(second.text).filter((id) => id !== c.B).length, 4);
      assert.match(textOf(second.text), /Forrige side/);
    });
  });
});
