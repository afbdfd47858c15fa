import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import { rgbPng, seededPhoto } from '../helpers/png.js';
import {
  actorOf,
  addPerson,
  councilId,
  DEMO,
  DEMO_PASSWORD,
  logConcern,
  loggedIn,
  loginAll,
  meetingForm,
  postMeeting,
  testPasswordHash,
  userId,
} from '../helpers/world.js';

/**
 * A person's own data (docs/domain.md#a-persons-own-data): the export holds everything about the
 * person and nothing about anyone else; a district admin can export and erase anyone, both audited.
 */

type Export = Record<string, unknown> & {
  readme: string[];
  profile: { email: string; name: string };
  concerns: {
    id: number;
    title: string;
    timeline: { type: string; body: string }[];
    photos: { file_name: string }[];
  }[];
  comments: { body: string }[];
  meeting_answers: { response: string }[];
  surveys_answered: Record<string, unknown>[];
  logins: { action: string; ip: string }[];
};

/** Every text column of every table that still contains one of `needles`, as "table.column". */
function textColumnsHolding(app: TestApp, needles: string[]): string[] {
  const db = app.deps.db;
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE '%VIRTUAL%'",
    )
    .pluck()
    .all() as string[];
  const found: string[] = [];
  for (const table of tables) {
    const columns = db.prepare('SELECT name, type FROM pragma_table_info(?)').all(table) as {
      name: string;
      type: string;
    }[];
    for (const { name } of columns.filter((col) => col.type === 'TEXT' || col.type === '')) {
      for (const needle of needles) {
        const hit = db
          .prepare(
            `SELECT count(*) FROM "${table}" WHERE instr(lower(CAST("${name}" AS TEXT)), lower(?)) > 0`,
          )
          .pluck()
          .get(needle) as number;
        if (hit > 0) found.push(`${table}.${name} (${needle})`);
      }
    }
  }
  return found;
}

const auditRows = (app: TestApp, action: string) =>
  app.deps.db
    .prepare('SELECT actor_user_id, entity_id, details FROM audit_log WHERE action = ? ORDER BY id')
    .all(action) as { actor_user_id: number; entity_id: number; details: string }[];

describe('a person downloads their own data (/account/export)', () => {
  let app: TestApp;
  let c: Record<'hal' | 'betjent', Client>;
  let export_: Export;
  let raw: string;
  let headers: Headers;
  let ownTitle: string;

  before(async () => {
    app = await startTestApp();
    c = await loginAll(app, { hal: DEMO.hal, betjent: DEMO.officer });
    const photo = seededPhoto(rgbPng(4, 4, () => [200, 30, 30]));
    ownTitle = 'Knallerter på stien bag hallen';
    const id = logConcern(app, DEMO.hal, { title: ownTitle, description: 'Hver aften efter kl. 22.' }, [
      photo,
    ]);
    const officer = actorOf(app, DEMO.officer);
    app.deps.services.concerns.addNote(officer, id, {
      body: 'Vi kører forbi i aften.',
      visibility: 'public',
    });
    app.deps.services.concerns.addNote(officer, id, {
      body: 'INTERN: naboen er kendt.',
      visibility: 'internal',
    });
    logConcern(app, DEMO.brugs, { title: 'Indbrud i brugsens lager', description: 'Fladså-sag' });
    const res = await c.hal.get('/account/export');
    assert.equal(res.status, 200);
    headers = res.headers;
    raw = res.text;
    export_ = JSON.parse(raw) as Export;
  });
  after(() => app.close());

  it('is a JSON attachment that is never cached', () => {
    assert.match(headers.get('content-type') ?? '', /^application\/json; charset=utf-8/);
    assert.match(
      headers.get('content-disposition') ?? '',
      /^attachment; filename="?naernet-mine-data-\d{4}-\d{2}-\d{2}\.json/,
    );
    assert.equal(headers.get('cache-control'), 'no-store');
  });

  it('explains itself: a readme line for every section, in the person’s language', () => {
    assert.match(export_.readme[0] ?? '', /alt, hvad Nærnet har registreret om dig/);
    for (const section of [
      'profile',
      'memberships',
      'concerns',
      'comments',
      'meeting_answers',
      'surveys_answered',
      'logins',
    ]) {
      assert.ok(section in export_, section);
      assert.ok(
        export_.readme.some((line) => line.startsWith(`${section}: `)),
        `the readme explains ${section}`,
      );
    }
  });

  it('holds the profile, memberships and the logins with time and address', () => {
    assert.equal(export_.profile.email, DEMO.hal);
    assert.ok(JSON.stringify(export_.memberships).includes('Glumsø'));
    assert.ok(export_.logins.some((l) => l.action === 'login.succeeded' && l.ip));
  });

  it('holds the concerns the person reported, with the public timeline and the photos’ names', () => {
    const own = export_.concerns.find((k) => k.title === ownTitle);
    assert.ok(own, 'the new concern is in the export');
    assert.ok(own.timeline.some((e) => e.type === 'public_reply' && e.body === 'Vi kører forbi i aften.'));
    assert.equal(own.photos.length, 1);
    const stored = app.deps.db
      .prepare('SELECT file_name FROM concern_photos WHERE concern_id = ?')
      .pluck()
      .get(own.id);
    assert.equal(own.photos[0]?.file_name, stored);
  });

  it('holds nobody else’s data: no internal note, no other reporter’s concern, no staff names', () => {
    assert.ok(!raw.includes('INTERN: naboen er kendt.'), 'internal note left out');
    assert.ok(!raw.includes('Indbrud i brugsens lager'), 'another reporter’s concern left out');
    assert.ok(!raw.includes(DEMO.officer), 'the officer’s address left out');
    const officerName = app.deps.users.findById(userId(app, DEMO.officer))?.name ?? '';
    assert.ok(officerName.length > 0 && !raw.includes(officerName), 'the officer’s name left out');
    const othersConcerns = app.deps.db
      .prepare('SELECT title FROM concerns WHERE reporter_id IS NOT ? ')
      .pluck()
      .all(userId(app, DEMO.hal)) as string[];
    for (const title of othersConcerns) assert.ok(!raw.includes(`"title": ${JSON.stringify(title)}`), title);
  });

  it('is recorded in the audit log', () => {
    const rows = auditRows(app, 'account.exported');
    assert.deepEqual(
      rows.map((r) => [r.actor_user_id, r.entity_id]),
      [[userId(app, DEMO.hal), userId(app, DEMO.hal)]],
    );
  });

  it('asks an anonymous visitor to log in', async () => {
    const res = await new Client(app.url).get('/account/export');
    assert.equal(res.status, 303);
    assert.match(res.location ?? '', /^\/login/);
  });
});

describe('district admins export and erase a person (/admin/people)', () => {
  let app: TestApp;
  let c: Record<'admin' | 'betjent' | 'formand', Client>;
  const email = 'karen@glumsoe.example';
  let karen: number;
  let closedId: number;

  before(async () => {
    app = await startTestApp();
    c = await loginAll(app, { admin: DEMO.admin, betjent: DEMO.officer, formand: DEMO.formand });
    karen = addPerson(app, {
      email,
      name: 'Karen Kirkegaard',
      passwordHash: await testPasswordHash(),
      memberOf: [{ councilId: councilId(app, 'glumsoe'), title: 'kirkesanger' }],
    });
    closedId = logConcern(app, email, {
      title: 'Råb ved kirken om natten',
      description: 'Karens beskrivelse',
    });
    // A meeting invitation: its calendar attachment names her as an attendee.
    await postMeeting(c.betjent, meetingForm(app));
    app.deps.services.concerns.close(actorOf(app, DEMO.officer), closedId, {
      resolution: 'resolved',
      feedback: 'Tak, Karen, vi har talt med de unge.',
    });
  });
  after(() => app.close());

  it('is for district admins only: others get 404', async () => {
    for (const path of [
      '/admin/people',
      `/admin/people/${karen}`,
      `/admin/people/${karen}/export`,
      `/admin/people/${karen}/erase`,
    ]) {
      assert.equal((await c.betjent.get(path)).status, 404, path);
      assert.equal((await c.formand.get(path)).status, 404, path);
    }
    assert.equal(
      (await c.formand.post(`/admin/people/${karen}/erase`, { reason: 'x', confirm: '1' })).status,
      404,
    );
    assert.equal(app.deps.users.findById(karen)?.name, 'Karen Kirkegaard');
  });

  it('finds a person by part of the name or address', async () => {
    const page = textOf((await c.admin.get('/admin/people?q=kirkeg')).text);
    assert.match(page, /Karen Kirkegaard/);
    assert.doesNotMatch(page, /Hal/);
  });

  it('downloads the person’s export, audited', async () => {
    // Invited to Fladså by the district admin; she has not answered yet.
    const fladsaa = councilId(app, 'fladsaa');
    await c.admin.get(`/councils/${fladsaa}/members/new`);
    const invited = await c.admin.post(`/councils/${fladsaa}/members`, {
      name: 'Karen K.',
      email,
      title: '',
      role: 'network_person',
    });
    assert.equal(invited.status, 303);
    const res = await c.admin.get(`/admin/people/${karen}/export`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment/);
    const data = JSON.parse(res.text) as Export;
    assert.equal(data.profile.email, email);
    assert.ok(data.concerns.some((k) => k.id === closedId));
    assert.deepEqual(
      (data.invitations as { council: string; invited_name: string }[]).map((i) => [
        i.council,
        i.invited_name,
      ]),
      [['Fladså Lokalråd', 'Karen K.']],
    );
    const row = auditRows(app, 'person.exported').at(-1);
    assert.equal(row?.entity_id, karen);
    assert.equal(row?.actor_user_id, userId(app, DEMO.admin));
  });

  it('lists the consequences before erasing, and keeps the input when the confirmation is missing', async () => {
    const page = await c.admin.get(`/admin/people/${karen}/erase`);
    assert.equal(page.status, 200);
    assert.match(textOf(page.text), /lukkede bekymringer \(1\) anonymiseres/);
    const refused = await c.admin.post(`/admin/people/${karen}/erase`, {
      reason: 'Skriftlig anmodning 3.12.2026',
    });
    assert.equal(refused.status, 422);
    assert.match(refused.text, /Der er problemer/);
    assert.match(refused.text, /Sæt kryds for at bekræfte sletningen/);
    assert.match(refused.text, /value="Skriftlig anmodning 3.12.2026"/);
    assert.equal(app.deps.users.findById(karen)?.name, 'Karen Kirkegaard');
  });

  it('refuses to erase oneself, and a person with open concerns', async () => {
    const self = await c.admin.post(`/admin/people/${userId(app, DEMO.admin)}/erase`, {
      reason: 'x',
      confirm: '1',
    });
    assert.equal(self.status, 409);
    assert.match(textOf(self.text), /Du kan ikke slette dig selv/);
    const openId = logConcern(app, DEMO.hal, { title: 'Åben sag om lys på stien' });
    const open = await c.admin.post(`/admin/people/${userId(app, DEMO.hal)}/erase`, {
      reason: 'x',
      confirm: '1',
    });
    assert.equal(open.status, 409);
    assert.match(textOf(open.text), /Personen har åbne bekymringer/);
    assert.match(open.text, new RegExp(`/concerns/${openId}`));
    assert.equal(app.deps.users.findById(userId(app, DEMO.hal))?.status, 'active');
  });

  it('erases: account, concerns, comments, mails and sessions; the audit log keeps the line', async () => {
    const karenClient = await loggedIn(app, email, DEMO_PASSWORD);
    const postId = app.deps.services.posts.create(
      actorOf(app, DEMO.officer),
      {
        council_id: councilId(app, 'glumsoe'),
        title: 'Tryghed i Glumsø',
        period: 'November 2026',
        body: 'Roligt.',
      },
      [],
    );
    app.deps.services.posts.comment(actorOf(app, email), postId, {
      body: 'Karens kommentar om kirken',
      parent_id: null,
    });
    const mailsBefore = app.deps.db
      .prepare("SELECT count(*) FROM outbox WHERE to_address = ? AND text_body LIKE '%Karen%'")
      .pluck()
      .get(email) as number;
    assert.ok(mailsBefore > 0, 'the closing mail to Karen quotes the feedback');

    const res = await c.admin.post(`/admin/people/${karen}/erase`, {
      reason: 'Skriftlig anmodning 3.12.2026',
      confirm: '1',
    });
    assert.equal(res.status, 303);
    assert.equal(res.location, '/admin/people');

    const user = app.deps.users.findById(karen);
    assert.equal(user?.name, 'Slettet person');
    assert.equal(user?.status, 'deactivated');
    assert.equal(user?.phone, '');
    assert.equal(user?.password_hash, null);
    assert.doesNotMatch(user?.email ?? '', /karen/i);

    const concern = app.deps.db
      .prepare('SELECT reporter_id, title, anonymised_at FROM concerns WHERE id = ?')
      .get(closedId) as {
      reporter_id: number | null;
      title: string;
      anonymised_at: string | null;
    };
    assert.equal(concern.reporter_id, null);
    assert.ok(concern.anonymised_at);
    assert.doesNotMatch(concern.title, /kirken/);

    const stored = app.deps.db
      .prepare("SELECT count(*) FROM post_comments WHERE body LIKE '%Karens kommentar%'")
      .pluck()
      .get();
    assert.equal(stored, 0);
    const postPage = textOf((await c.betjent.get(`/posts/${postId}`)).text);
    assert.match(postPage, /Kommentaren er slettet/);
    assert.doesNotMatch(postPage, /Karen Kirkegaard/);

    const mails = app.deps.db
      .prepare(
        "SELECT count(*) FROM outbox WHERE to_address LIKE '%karen%' OR text_body LIKE '%Karen%' OR subject LIKE '%Karen%'",
      )
      .pluck()
      .get();
    assert.equal(mails, 0);

    assert.equal((await karenClient.get('/account')).status, 303, 'the erased person is signed out');
    assert.equal((await c.admin.get(`/admin/people/${karen}`)).status, 404);
    assert.doesNotMatch(textOf((await c.admin.get('/admin/people?q=karen')).text), /Karen/);

    const invitations = app.deps.db
      .prepare('SELECT count(*) FROM memberships WHERE invitee_id = ?')
      .pluck()
      .get(karen);
    assert.equal(invitations, 0, 'the waiting invitation is gone');

    const leftovers = textColumnsHolding(app, ['Kirkegaard', 'karen@glumsoe']);
    assert.deepEqual(leftovers, [], 'no table keeps her name or address');

    const membership = app.deps.db
      .prepare('SELECT count(*) FROM memberships WHERE user_id = ?')
      .pluck()
      .get(karen);
    assert.equal(membership, 0, 'no ended membership that could be reactivated');
    await c.formand.get(`/councils/${councilId(app, 'glumsoe')}/members/new`);
    const reinvite = await c.formand.post(`/councils/${councilId(app, 'glumsoe')}/members`, {
      name: 'Igen',
      email: app.deps.users.findById(karen)?.email ?? '',
      title: '',
      role: 'network_person',
    });
    assert.equal(reinvite.status, 422, 'the erased account’s address cannot be invited');
    assert.equal(app.deps.users.findById(karen)?.status, 'deactivated');

    const line = auditRows(app, 'person.erased').at(-1);
    assert.equal(line?.entity_id, karen);
    assert.deepEqual(JSON.parse(line?.details ?? '{}'), {
      concerns: 1,
      comments: 1,
      reason: 'Skriftlig anmodning 3.12.2026',
    });
    const auditAboutKaren = app.deps.db
      .prepare("SELECT count(*) FROM audit_log WHERE details LIKE '%karen@%' OR details LIKE '%Kirkegaard%'")
      .pluck()
      .get();
    assert.equal(auditAboutKaren, 0);
  });
});
