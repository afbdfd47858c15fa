import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { textOf } from '../helpers/client.js';
import { addCouncil, addOfficer, categoryId, linkIn, signedIn } from '../helpers/world.js';

/** Officer of the two test councils A and C; another officer covers only B. */
const TINA = 'tina@politi.example';
const OLE = 'ole@politi.example';

const TITLE = 'Det har vi arbejdet med – november 2026';

type Row = {
  id: number;
  title: string;
  body_markdown: string;
  body_html: string;
  status: string;
  author_id: number | null;
  whole_district: number;
  send_at: string | null;
};

describe('the monthly draft "Det har vi arbejdet med"', () => {
  let app: TestApp;
  // 1 December 2026 00:45 Copenhagen time: November has just ended.
  let clock = new Date('2026-11-30T23:45:00Z');
  const council = { A: 0, B: 0, C: 0 };
  const as = signedIn(() => app);

  const draftsOf = (councilId: number) =>
    app.deps.db
      .prepare(
        `SELECT n.* FROM newsletters n JOIN newsletter_councils x ON x.newsletter_id = n.id
          WHERE x.council_id = ? ORDER BY n.id`,
      )
      .all(councilId) as Row[];
  const markers = (councilId: number) =>
    app.deps.db
      .prepare(
        'SELECT month, newsletter_id FROM monthly_newsletter_drafts WHERE council_id = ? ORDER BY month',
      )
      .all(councilId) as { month: string; newsletter_id: number | null }[];
  const only = (rows: Row[]): Row => {
    assert.equal(rows.length, 1, `exactly one newsletter, got ${rows.map((r) => r.title).join(', ')}`);
    return rows[0] as Row;
  };
  /** One scheduler tick: the monthly-draft job runs with the other jobs, as in production. */
  const tick = () => app.deps.scheduler.tick();

  /** A concern straight into the table: only what the draft must (or must not) pick up. */
  function concern(c: {
    council: number;
    category: string;
    closedAt: string | null;
    summary: string | null;
    secret: string;
    resolution?: string;
  }): number {
    const { db } = app.deps;
    const created = '2026-10-01T08:00:00.000Z';
    return Number(
      db
        .prepare(
          `INSERT INTO concerns (council_id, category_id, title, description, location, status, resolution, feedback,
                                 shared_summary, shared_at, created_at, updated_at, closed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          c.council,
          categoryId(app, c.category),
          `HEMMELIG-TITEL ${c.secret}`,
          `HEMMELIG-BESKRIVELSE ${c.secret}`,
          `HEMMELIGT-STED ${c.secret}`,
          c.closedAt ? 'closed' : 'in_progress',
          c.closedAt ? (c.resolution ?? 'resolved') : null,
          c.closedAt ? `HEMMELIG-FEEDBACK ${c.secret}` : null,
          c.summary,
          c.summary ? (c.closedAt ?? created) : null,
          created,
          c.closedAt ?? created,
          c.closedAt,
        ).lastInsertRowid,
    );
  }

  before(async () => {
    app = await startTestApp({ now: () => clock });
    council.A = addCouncil(app, { name: 'Testby Lokalråd', slug: 'testby' });
    council.B = addCouncil(app, { name: 'Tomby Lokalråd', slug: 'tomby' });
    council.C = addCouncil(app, { name: 'Grænseby Lokalråd', slug: 'graenseby' });
    await addOfficer(app, { email: TINA, name: 'Tina Test', councils: [council.A, council.C] });
    await addOfficer(app, { email: OLE, name: 'Ole Tom', councils: [council.B] });

    // A: two shared and closed in November (the second at 23:30 on 30 November, Copenhagen time)…
    concern({
      council: council.A,
      category: 'indbrud',
      closedAt: '2026-11-10T09:00:00.000Z',
      summary: 'Vi har talt med grundejerforeningen om *lys* og lås.',
      secret: 'A1',
    });
    concern({
      council: council.A,
      category: 'trafik',
      closedAt: '2026-11-30T22:30:00.000Z',
      summary: 'Fartkontrol ved skolen i to uger.',
      secret: 'A2',
    });
    // …one closed in November but not shared, one shared but closed in October, one shared and
    // still open, and a duplicate (its original tells the story).
    concern({
      council: council.A,
      category: 'unge',
      closedAt: '2026-11-12T12:00:00.000Z',
      summary: null,
      secret: 'A3',
    });
    concern({
      council: council.A,
      category: 'haervaerk',
      closedAt: '2026-10-20T12:00:00.000Z',
      summary: 'OKTOBER-RESUME graffiti fjernet.',
      secret: 'A4',
    });
    concern({
      council: council.A,
      category: 'tryghed',
      closedAt: null,
      summary: 'AABEN-RESUME stadig i gang.',
      secret: 'A5',
    });
    concern({
      council: council.A,
      category: 'andet',
      closedAt: '2026-11-15T12:00:00.000Z',
      summary: 'DUBLET-RESUME samme sag.',
      secret: 'A6',
      resolution: 'duplicate',
    });
    // B: nothing closed and shared in November.
    concern({
      council: council.B,
      category: 'andet',
      closedAt: '2026-11-05T12:00:00.000Z',
      summary: null,
      secret: 'B1',
    });
    // C: 23:30 on 30 November local (22:30Z) is November; 00:30 on 1 December local (23:30Z) is not.
    concern({
      council: council.C,
      category: 'svindel',
      closedAt: '2026-11-30T22:30:00.000Z',
      summary: 'SIDSTE-NOVEMBER telefonsvindel.',
      secret: 'C1',
    });
    concern({
      council: council.C,
      category: 'brand',
      closedAt: '2026-11-30T23:30:00.000Z',
      summary: 'FOERSTE-DECEMBER røgalarmer.',
      secret: 'C2',
    });
  });
  after(() => app.close());

  it('prepares one draft for the council with exactly its two shared November summaries and nothing secret', async () => {
    await tick();
    const draft = only(draftsOf(council.A));
    assert.equal(draft.title, TITLE);
    assert.equal(draft.status, 'draft');
    assert.equal(draft.author_id, null);
    assert.equal(draft.whole_district, 0);
    assert.equal(draft.send_at, null);
    const html = draft.body_html;
    assert.equal((html.match(/<li>/g) ?? []).length, 2);
    assert.match(
      html,
      /<strong>Indbrud og tyveri:<\/strong> Vi har talt med grundejerforeningen om \*lys\* og lås\./,
    );
    assert.match(html, /<strong>Trafik og fart:<\/strong> Fartkontrol ved skolen i to uger\./);
    assert.match(html, /Testby Lokalråd/);
    for (const text of [draft.body_markdown, draft.body_html, draft.title]) {
      assert.doesNotMatch(text, /HEMMELIG|OKTOBER-RESUME|AABEN-RESUME|DUBLET-RESUME/);
    }
    assert.deepEqual(markers(council.A), [{ month: '2026-11', newsletter_id: draft.id }]);
    const audit = app.deps.db
      .prepare(
        `SELECT actor_user_id, details FROM audit_log WHERE action = 'newsletter.monthly_draft_created' AND entity_id = ?`,
      )
      .all(draft.id) as { actor_user_id: number | null; details: string }[];
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.actor_user_id, null);
    assert.deepEqual(JSON.parse(audit[0]?.details ?? '{}').month, '2026-11');
  });

  it('running the job again creates nothing more', async () => {
    await tick();
    await tick();
    only(draftsOf(council.A));
    only(draftsOf(council.C));
    assert.equal(markers(council.A).length, 1);
  });

  it('a council with nothing shared and closed in the month gets no draft and no marker', () => {
    assert.deepEqual(draftsOf(council.B), []);
    assert.deepEqual(markers(council.B), []);
  });

  it('uses the Copenhagen month: 23:30 on 30 November is in, 00:30 on 1 December is not', () => {
    const draft = only(draftsOf(council.C));
    assert.match(draft.body_markdown, /SIDSTE-NOVEMBER/);
    assert.doesNotMatch(draft.body_markdown, /FOERSTE-DECEMBER/);
  });

  it('tells the officers of the council by mail, with a link to the draft, and no one else', async () => {
    await app.deliverMail();
    const mails = app.smtp.to(TINA);
    assert.equal(mails.length, 2, mails.map((m) => m.subject).join(' | '));
    for (const mail of mails) assert.equal(mail.subject, `Udkast klar: ${TITLE}`);
    const drafts = [only(draftsOf(council.A)).id, only(draftsOf(council.C)).id].sort();
    const linked = mails
      .map((m) => Number(/\/newsletters\/(\d+)/.exec(linkIn(m, '/newsletters/'))?.[1]))
      .sort();
    assert.deepEqual(linked, drafts);
    const forA = mails.find((m) => m.text.includes('Testby Lokalråd'));
    assert.ok(forA, 'one mail names council A');
    assert.match(forA.text, /fra november 2026, som er afsluttet og delt med netværket – 2 i alt\./);
    assert.deepEqual(app.smtp.to(OLE), []);
  });

  it('the officer of the council sees the draft in the list and on its page', async () => {
    const tina = await as(TINA);
    const id = only(draftsOf(council.A)).id;
    const list = await tina.get('/newsletters');
    assert.equal(list.status, 200);
    assert.match(list.text, new RegExp(`href="/newsletters/${id}"`));
    const page = await tina.get(`/newsletters/${id}`);
    assert.equal(page.status, 200);
    const text = textOf(page.text);
    assert.match(text, /Det har vi arbejdet med – november 2026/);
    assert.match(text, /Nærnet \(automatisk udkast\)/);
    assert.match(text, /Fartkontrol ved skolen i to uger\./);
    assert.doesNotMatch(text, /HEMMELIG/);
  });

  it('the officer can edit and schedule the draft like any other', async () => {
    const tina = await as(TINA);
    const draft = only(draftsOf(council.A));
    const form = await tina.get(`/newsletters/${draft.id}/edit`);
    assert.equal(form.status, 200);
    assert.match(form.text, /Fartkontrol ved skolen/);
    const body = `${draft.body_markdown}\n\nHilsen Tina`;
    const saved = await tina.post(`/newsletters/${draft.id}/edit`, {
      title: draft.title,
      body,
      council_ids: [String(council.A)],
    });
    assert.equal(saved.status, 303, textOf(saved.text).slice(0, 400));
    assert.equal(only(draftsOf(council.A)).body_markdown, body);
    await tina.get(`/newsletters/${draft.id}`);
    const scheduled = await tina.post(`/newsletters/${draft.id}/schedule`, { send_at: '2026-12-03T09:00' });
    assert.equal(scheduled.status, 303, textOf(scheduled.text).slice(0, 400));
    const row = only(draftsOf(council.A));
    assert.equal(row.status, 'scheduled');
    assert.equal(row.send_at, '2026-12-03T08:00:00.000Z');
  });

  it('an officer of another council gets 404 on the draft and does not see it listed', async () => {
    const ole = await as(OLE);
    const id = only(draftsOf(council.A)).id;
    assert.equal((await ole.get(`/newsletters/${id}`)).status, 404);
    assert.equal((await ole.get(`/newsletters/${id}/edit`)).status, 404);
    const list = await ole.get('/newsletters');
    assert.doesNotMatch(list.text, new RegExp(`href="/newsletters/${id}"`));
  });

  it('a draft the officer cancelled is not prepared again', async () => {
    const tina = await as(TINA);
    const id = only(draftsOf(council.C)).id;
    await tina.get(`/newsletters/${id}`);
    const cancelled = await tina.post(`/newsletters/${id}/cancel`);
    assert.equal(cancelled.status, 303);
    await tick();
    assert.equal(only(draftsOf(council.C)).status, 'cancelled');
  });

  it('on 15 December the job does not redo November', async () => {
    const before = app.deps.db.prepare('SELECT count(*) FROM newsletters').pluck().get() as number;
    clock = new Date('2026-12-15T10:00:00Z');
    await tick();
    assert.equal(app.deps.db.prepare('SELECT count(*) FROM newsletters').pluck().get(), before);
    assert.equal(markers(council.A).length, 1);
    assert.equal(markers(council.C).length, 1);
  });

  it('in January it prepares December, where the concern closed at 00:30 on 1 December belongs', async () => {
    clock = new Date('2027-01-01T06:00:00Z');
    await tick();
    const december = draftsOf(council.C).at(-1) as Row;
    assert.equal(december.title, 'Det har vi arbejdet med – december 2026');
    assert.match(december.body_markdown, /FOERSTE-DECEMBER/);
    assert.doesNotMatch(december.body_markdown, /SIDSTE-NOVEMBER/);
    assert.deepEqual(
      markers(council.C).map((m) => m.month),
      ['2026-11', '2026-12'],
    );
    // Nothing closed and shared in December for A.
    assert.equal(draftsOf(council.A).length, 1);
  });
});
