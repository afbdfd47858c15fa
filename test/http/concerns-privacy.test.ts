/**
 * Issue 3, "Done when": internal notes appear in no page or mail a non-officer can see — proven by
 * planting markers and searching every page each demo user can reach, and every mail sent.
 *
 * Markers: an internal note, a referral note (for the department only), the department's answer
 * (for officers only), and each concern's title, description and place and its reporter's name
 * (for the reporter and staff only; the council's network sees a shared summary, never these).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, type Page } from '../helpers/client.js';
import type { ReceivedMail } from '../helpers/smtp.js';
import {
  actorOf,
  addOfficer,
  clientOf,
  councilId,
  departmentId as departmentIdOf,
  lastMailTo,
  linkPathIn,
  loginEach,
  postConcern,
} from '../helpers/world.js';

const OFFICER = 'betjent@politi.example';
const F_OFFICER = 'fladsaa-betjent@politi.example';
const SSP = 'ssp@politi.example';
const HAL = 'hal@glumsoe.example';
const FORMAND = 'formand@glumsoe.example';
const BRUGS = 'brugs@fladsaa.example';
const VEST = 'vest@vestegn.example';

const tag = randomBytes(4).toString('hex').toUpperCase();
const M = {
  internal: `INTERNT${tag}`,
  refNote: `HENVISNING${tag}`,
  answer: `AFDELINGSSVAR${tag}`,
};
/** Per concern: what only its reporter and staff may read. */
const secretOf = (key: string) => ({
  title: `TITEL${key}${tag}`,
  description: `BESKRIVELSE${key}${tag}`,
  place: `STED${key}${tag}`,
  summary: `RESUME${key}${tag}`,
});

type Forbidden = { label: string; value: string; exceptOn?: RegExp };

/** Member lists show members' names by design (to council admins and the network): not a leak. */
const MEMBER_PAGES = /^\/(members|councils\/\d+\/members)(\/|\?|$)/;

const MAX_PAGES = 300;
const SKIP =
  /^\/(logout|assets\/|static\/)|\/photos\/|\.(css|js|png|jpe?g|svg|ico|woff2?|webmanifest|txt)(\?|$)/;

/**
 * Breadth-first over every same-origin GET link (and redirect) from the start paths, up to
 * MAX_PAGES pages. Returns path → page.
 */
async function crawl(client: Client, baseUrl: string, starts: string[]): Promise<Map<string, Page>> {
  const origin = new URL(baseUrl).origin;
  const seen = new Set<string>(starts);
  const queue = [...starts];
  const pages = new Map<string, Page>();
  const enqueue = (href: string, from: string) => {
    let url: URL;
    try {
      url = new URL(href.replace(/&amp;/g, '&'), new URL(from, origin));
    } catch {
      return;
    }
    if (url.origin !== origin) return;
    const path = url.pathname + url.search;
    if (SKIP.test(url.pathname) || seen.has(path)) return;
    seen.add(path);
    queue.push(path);
  };
  while (queue.length > 0 && pages.size < MAX_PAGES) {
    const path = queue.shift() as string;
    const page = await client.get(path);
    pages.set(path, page);
    if (page.location) enqueue(page.location, path);
    for (const match of page.text.matchAll(/<a\b[^>]*\bhref="([^"#][^"]*)"/g)) {
      enqueue(match[1] as string, path);
    }
  }
  return pages;
}

const mailText = (m: ReceivedMail) => `${m.subject}\n${m.text}\n${m.html}`;

describe('privacy: planted markers never reach a non-officer', () => {
  let app: TestApp;
  let clients = new Map<string, Client>();
  const concernIds: number[] = [];
  const ids = { A: 0, B: 0, C: 0 };
  const secrets = { A: secretOf('A'), B: secretOf('B'), C: secretOf('C') };
  /** Concern key → reporter email. */
  const reporterOf = { A: HAL, B: BRUGS, C: FORMAND } as const;
  const names = new Map<string, string>();

  const as = (email: string) => clientOf(clients, email);
  const actor = (email: string) => actorOf(app, email);
  const departmentId = (name: string) => departmentIdOf(app, name);

  /** What `email` must never read (anonymous: ''), as markers. */
  function forbiddenFor(email: string): Forbidden[] {
    const list: Forbidden[] = [
      { label: 'internal note', value: M.internal },
      { label: 'referral note', value: M.refNote },
      { label: 'department answer', value: M.answer },
    ];
    for (const key of ['A', 'B', 'C'] as const) {
      if (reporterOf[key] === email) continue;
      const s = secrets[key];
      list.push(
        { label: `title of ${key}`, value: s.title },
        { label: `description of ${key}`, value: s.description },
        { label: `place of ${key}`, value: s.place },
        {
          label: `reporter's name of ${key}`,
          value: names.get(reporterOf[key]) as string,
          exceptOn: MEMBER_PAGES,
        },
      );
    }
    return list;
  }

  /** Logs a concern through the form, as its reporter would. */
  function logConcern(email: string, key: 'A' | 'B' | 'C', category: string): Promise<number> {
    const s = secrets[key];
    return postConcern(as(email), {
      council_id: String(actor(email).memberships[0]?.councilId),
      category,
      title: `Bekymring ${s.title}`,
      description: `Det er sket flere gange. ${s.description}`,
      location: `Ved ${s.place}`,
      occurred_at: '',
    });
  }

  /** The officer handles a concern: internal note, public reply, referral to SSP, shared summary. */
  async function handle(officerEmail: string, id: number, key: 'A' | 'B' | 'C', share: boolean) {
    const officer = as(officerEmail);
    await officer.get(`/concerns/${id}`);
    const note = await officer.post(`/concerns/${id}/notes`, {
      body: `Kender familien. ${M.internal}`,
      visibility: 'internal',
    });
    assert.equal(note.status, 303);
    const reply = await officer.post(`/concerns/${id}/notes`, {
      body: 'Tak, vi kigger på det.',
      visibility: 'public',
    });
    assert.equal(reply.status, 303);
    if (share) {
      const shared = await officer.post(`/concerns/${id}/share`, {
        summary: `Politiet er opmærksom på forholdet. ${secrets[key].summary}`,
      });
      assert.equal(shared.status, 303);
    }
    const referred = await officer.post(`/concerns/${id}/referrals`, {
      department_id: String(departmentId('SSP')),
      note: `Kan I tage kontakt? ${M.refNote}`,
    });
    assert.equal(referred.status, 303);
  }

  /** SSP opens its link without an account and answers. */
  async function departmentAnswers(id: number) {
    const link = linkPathIn(await lastMailTo(app, SSP, `#${id} `), '/referrals/');
    const department = new Client(app.url);
    const page = await department.get(link);
    assert.equal(page.status, 200);
    const answered = await department.post(link, {
      status: 'answered',
      answer: `Vi har talt med de unge. ${M.answer}`,
    });
    assert.equal(answered.status, 303);
  }

  before(async () => {
    app = await startTestApp();
    const { db } = app.deps;
    await addOfficer(app, {
      email: F_OFFICER,
      name: 'Ole Fladså-betjent',
      councils: [councilId(app, 'fladsaa')],
    });
    clients = await loginEach(app, [HAL, FORMAND, BRUGS, VEST, OFFICER, F_OFFICER]);
    for (const email of clients.keys()) names.set(email, actor(email).name);

    // A: hal's Glumsø concern, shared with Glumsø's network; B: brugs's Fladså concern, handled by
    // the Fladså officer and shared; C: formand's Glumsø concern, not shared.
    ids.A = await logConcern(HAL, 'A', 'unge');
    ids.B = await logConcern(BRUGS, 'B', 'unge');
    ids.C = await logConcern(FORMAND, 'C', 'tryghed');
    await handle(OFFICER, ids.A, 'A', true);
    await handle(F_OFFICER, ids.B, 'B', true);
    await handle(OFFICER, ids.C, 'C', false);
    for (const id of [ids.A, ids.B, ids.C]) await departmentAnswers(id);
    // hal adds information; the officer closes C with feedback.
    assert.equal((await as(HAL).post(`/concerns/${ids.A}/info`, { body: 'Det skete igen.' })).status, 303);
    const closed = await as(OFFICER).post(`/concerns/${ids.C}/close`, {
      resolution: 'resolved',
      feedback: 'Vi har talt med de unge, og det er stoppet.',
    });
    assert.equal(closed.status, 303);
    concernIds.push(...(db.prepare('SELECT id FROM concerns ORDER BY id').pluck().all() as number[]));
  });
  after(() => app.close());

  it('shows the officer the internal note, the referral note and the answer on the case page (the markers are findable)', async () => {
    const page = await as(OFFICER).get(`/concerns/${ids.A}`);
    assert.equal(page.status, 200);
    for (const marker of [M.internal, M.refNote, M.answer, secrets.A.description, names.get(HAL) as string]) {
      assert.ok(page.text.includes(marker), `the officer's case page contains ${marker}`);
    }
    const fPage = await as(F_OFFICER).get(`/concerns/${ids.B}`);
    assert.ok(fPage.text.includes(M.internal) && fPage.text.includes(M.answer));
  });

  const visitors = [
    { email: HAL, label: 'hal@glumsoe.example (reporter of A)' },
    { email: FORMAND, label: 'formand@glumsoe.example (council admin of A’s council, reporter of C)' },
    { email: BRUGS, label: 'brugs@fladsaa.example (reporter of B)' },
    { email: VEST, label: 'vest@vestegn.example (another council)' },
    { email: '', label: 'an anonymous visitor' },
  ];

  for (const visitor of visitors) {
    it(`lets ${visitor.label} reach no page with an internal note, a referral note, an answer or another reporter's concern`, async () => {
      const client = visitor.email ? as(visitor.email) : new Client(app.url);
      // Every concern by number, and searches for the start of every marker (the search box shows
      // only what was typed, so a hit on the whole marker is a search result).
      const prefixes = ['INTERNT', 'HENVISNING', 'AFDELINGSSVAR', 'TITEL', 'BESKRIVELSE', 'STED', 'RESUME'];
      const starts = [
        '/',
        ...concernIds.map((id) => `/concerns/${id}`),
        ...prefixes.flatMap((p) => [`/concerns?q=${p}`, `/triage?q=${p}`]),
      ];
      // The whole site in Danish, then in English.
      const pages = await crawl(client, app.url, starts);
      await client.get('/');
      assert.equal((await client.post('/language', { locale: 'en', next: '/' })).status, 303);
      assert.match((await client.get('/')).text, /<html lang="en">/);
      for (const [path, page] of await crawl(client, app.url, starts)) pages.set(`${path} (en)`, page);
      await client.post('/language', { locale: 'da', next: '/' });
      assert.ok(pages.size > starts.length, `the crawl went beyond its start pages (${pages.size})`);
      const leaks: string[] = [];
      for (const [path, page] of pages) {
        assert.notEqual(page.status, 500, `${path} answered 500`);
        const pathname = path.split(/[? ]/)[0] as string;
        for (const f of forbiddenFor(visitor.email)) {
          if (f.exceptOn?.test(pathname)) continue;
          if (page.text.includes(f.value)) leaks.push(`${path}: ${f.label} (${f.value})`);
        }
      }
      assert.deepEqual(leaks, [], `leaks for ${visitor.label} over ${pages.size} pages`);

      // The crawl did see what this visitor may see, so it could have found a leak.
      const all = [...pages.values()].map((p) => p.text).join('\n');
      if (visitor.email === HAL) {
        assert.ok(all.includes(secrets.A.description), 'hal reads his own description');
        assert.ok(all.includes('Tak, vi kigger på det.'), 'hal reads the public reply');
      }
      if (visitor.email === FORMAND) {
        assert.ok(all.includes(secrets.A.summary), "formand reads A's shared summary");
        assert.ok(all.includes(secrets.C.description), 'formand reads her own concern');
      }
      if (visitor.email === BRUGS) assert.ok(all.includes(secrets.B.description));
      if (visitor.email === VEST)
        assert.ok(!all.includes(secrets.A.summary), "A's summary is for Glumsø only");
      if (visitor.email === '') {
        assert.ok(
          [...pages.keys()].some((p) => p.startsWith('/login')),
          'the anonymous crawl reached the login page',
        );
      }
    });
  }

  it('sends the markers by mail only to officers (and the referral note only to the department)', async () => {
    await app.deliverMail();
    const officers = new Set([OFFICER, F_OFFICER]);
    const leaks: string[] = [];
    for (const mail of app.smtp.received) {
      const text = mailText(mail);
      for (const to of mail.to) {
        if (officers.has(to)) continue;
        const forbidden =
          to === SSP
            ? forbiddenFor('').filter((f) => f.value !== M.refNote)
            : forbiddenFor([HAL, FORMAND, BRUGS, VEST].includes(to) ? to : '');
        for (const f of forbidden) {
          if (text.includes(f.value)) leaks.push(`mail "${mail.subject}" to ${to}: ${f.label}`);
        }
      }
    }
    assert.deepEqual(leaks, []);

    // The search could find them: the department got its note, the officers the answer.
    assert.ok(
      app.smtp.to(SSP).some((m) => mailText(m).includes(M.refNote)),
      'SSP got the note',
    );
    assert.ok(
      app.smtp.to(OFFICER).some((m) => mailText(m).includes(M.answer)),
      'the officer got the answer',
    );
    assert.ok(
      app.smtp.to(F_OFFICER).some((m) => mailText(m).includes(M.answer)),
      'the Fladså officer too',
    );
    assert.ok(app.smtp.to(HAL).length >= 3, 'hal got his receipt, the reply and the referral mail');
  });
});
