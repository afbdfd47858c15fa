import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import {
  acceptInvitation,
  councilIdByName,
  DEMO as LOGINS,
  linkIn,
  loggedIn,
  municipalityId,
  postMultipart,
  userId,
} from '../helpers/world.js';

const NEW_PASSWORD = 'en lang og god sætning';

/** Row counts of everything the roll-out writes: equal before and after means nothing was saved. */
function counts(app: TestApp) {
  const count = (table: string) =>
    app.deps.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  return {
    municipalities: count('municipalities'),
    councils: count('councils'),
    users: count('users'),
    memberships: count('memberships'),
    assignments: count('officer_assignments'),
    outbox: count('outbox'),
    tokens: count('user_tokens'),
  };
}

const officerCouncils = (app: TestApp, officerId: number) =>
  app.deps.db
    .prepare('SELECT council_id FROM officer_assignments WHERE officer_id = ? ORDER BY council_id')
    .pluck()
    .all(officerId) as number[];

/** Posts the import form as a browser does with a chosen file. */
const postCsvFile = (
  app: TestApp,
  client: Client,
  path: string,
  file: { name: string; bytes: Uint8Array },
  fields: Record<string, string> = {},
) => postMultipart(app, client, path, fields, [{ field: 'csv_file', type: 'text/csv', ...file }]);

describe('Opret lokalråd: municipality, council, officer and first council admin on one page', () => {
  let app: TestApp;
  let admin: Client;
  let officerId: number;

  before(async () => {
    app = await startTestApp();
    admin = await loggedIn(app, LOGINS.admin);
    officerId = userId(app, LOGINS.officer);
  });
  after(() => app.close());

  it('creates a new municipality, the council, adds it to the officer and invites the admin, who can then log in', async () => {
    const officerBefore = officerCouncils(app, officerId);
    assert.equal(officerBefore.length, 3, 'the demo officer covers the three pilot councils');
    const form = await admin.get('/admin/rollout/new');
    assert.equal(form.status, 200);
    assert.match(form.text, /name="new_municipality"/);

    const done = await admin.post('/admin/rollout', {
      municipality_id: '',
      new_municipality: 'Ringsted',
      name: 'Benløse Lokalråd',
      area_description: 'Benløse og omegn',
      agreement_signed_on: '2026-03-01',
      is_pilot: '1',
      officer_id: String(officerId),
      admin_name: 'Birthe Lund',
      admin_email: 'Birthe@Benloese.example',
      admin_title: 'formand',
    });
    assert.equal(done.status, 303);
    const councilId = councilIdByName(app, 'Benløse Lokalråd');
    assert.ok(councilId);
    assert.equal(done.location, `/admin/rollout/councils/${councilId}`);

    const council = app.deps.db
      .prepare(
        'SELECT municipality_id, area_description, agreement_signed_on, is_pilot, active FROM councils WHERE id = ?',
      )
      .get(councilId) as Record<string, unknown>;
    assert.deepEqual(council, {
      municipality_id: municipalityId(app, 'Ringsted'),
      area_description: 'Benløse og omegn',
      agreement_signed_on: '2026-03-01',
      is_pilot: 1,
      active: 1,
    });
    assert.deepEqual(officerCouncils(app, officerId), [...officerBefore, councilId], 'added, none removed');
    const membership = app.deps.db
      .prepare(
        `SELECT m.role, m.title, u.status, u.name FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.council_id = ?`,
      )
      .all(councilId);
    assert.deepEqual(membership, [
      { role: 'council_admin', title: 'formand', status: 'invited', name: 'Birthe Lund' },
    ]);

    const summary = await admin.get(done.location as string);
    assert.equal(summary.status, 200);
    const text = textOf(summary.text);
    assert.match(
      text,
      /Benløse Lokalråd er oprettet, og der er sendt en invitation til birthe@benloese\.example/,
    );
    assert.match(text, /Ringsted/);
    assert.match(text, /Mads Holm|betjent/i);

    const actions = app.deps.db.prepare('SELECT action FROM audit_log ORDER BY id').pluck().all() as string[];
    for (const action of [
      'municipality.created',
      'council.created',
      'officer.councils_changed',
      'membership.created',
      'rollout.council_created',
    ]) {
      assert.ok(actions.includes(action), `audited ${action}`);
    }

    await app.deliverMail();
    const mail = app.smtp.to('birthe@benloese.example').at(-1);
    assert.ok(mail, 'the invitation arrived');
    assert.match(mail.text, /Benløse Lokalråd/);
    await acceptInvitation(app, linkIn(mail, '/invitations/'), NEW_PASSWORD);
    const newAdmin = await loggedIn(app, 'birthe@benloese.example', NEW_PASSWORD);
    const members = await newAdmin.get(`/councils/${councilId}/members`);
    assert.equal(members.status, 200);
    assert.match(textOf(members.text), /Birthe Lund/);
    assert.match(members.text, /\/members\/new/, 'the new admin may invite members');
  });

  it('uses an existing municipality and needs no officer', async () => {
    await admin.get('/admin/rollout/new');
    const done = await admin.post('/admin/rollout', {
      municipality_id: String(municipalityId(app, 'Faxe')),
      name: 'Haslev Lokalråd',
      officer_id: '',
      admin_name: 'Per Dam',
      admin_email: 'per@haslev.example',
    });
    assert.equal(done.status, 303);
    const id = councilIdByName(app, 'Haslev Lokalråd') as number;
    const row = app.deps.db.prepare('SELECT municipality_id, is_pilot FROM councils WHERE id = ?').get(id);
    assert.deepEqual(row, { municipality_id: municipalityId(app, 'Faxe'), is_pilot: 0 });
    assert.equal(
      app.deps.db.prepare('SELECT count(*) FROM officer_assignments WHERE council_id = ?').pluck().get(id),
      0,
    );
  });

  it('a council name already taken in the municipality saves nothing and shows the form again with the input', async () => {
    const before = counts(app);
    await admin.get('/admin/rollout/new');
    const page = await admin.post('/admin/rollout', {
      municipality_id: String(municipalityId(app, 'Næstved')),
      name: 'GLUMSØ LOKALRÅD',
      area_description: 'Et område',
      officer_id: String(officerId),
      admin_name: 'Karen Ny',
      admin_email: 'karen@ny.example',
      admin_title: 'kasserer',
    });
    assert.equal(page.status, 422);
    assert.deepEqual(counts(app), before);
    assert.match(page.text, /class="alert alert-error error-summary"/);
    assert.match(page.text, /<a href="#field-name">[^<]*findes allerede|<a href="#field-name">/);
    assert.match(page.text, /id="field-name"[^>]*value="GLUMSØ LOKALRÅD"/);
    assert.match(page.text, /value="karen@ny\.example"/);
    assert.match(page.text, /value="kasserer"/);
    assert.match(page.text, />Et område<\/textarea>/);
    assert.match(page.text, new RegExp(`<option value="${officerId}" selected>`));
  });

  it('a failure after the municipality and council were made rolls them back too (an unknown officer)', async () => {
    const before = counts(app);
    await admin.get('/admin/rollout/new');
    const page = await admin.post('/admin/rollout', {
      new_municipality: 'Køge',
      name: 'Herfølge Lokalråd',
      officer_id: String(userId(app, LOGINS.hal)), // a network person, not an officer
      admin_name: 'Lis Vang',
      admin_email: 'lis@herfoelge.example',
    });
    assert.equal(page.status, 422);
    assert.match(page.text, /<a href="#field-officer_id">/);
    assert.deepEqual(counts(app), before);
    assert.equal(municipalityId(app, 'Køge'), undefined);
    assert.equal(councilIdByName(app, 'Herfølge Lokalråd'), undefined);
    assert.match(page.text, /value="Køge"/);
  });

  it('a new municipality whose name exists points at the new-municipality field', async () => {
    const before = counts(app);
    await admin.get('/admin/rollout/new');
    const page = await admin.post('/admin/rollout', {
      new_municipality: 'næstved',
      name: 'Et helt nyt lokalråd',
      admin_name: 'A',
      admin_email: 'a@b.example',
    });
    assert.equal(page.status, 422);
    assert.match(page.text, /<a href="#field-new_municipality">/);
    assert.deepEqual(counts(app), before);
  });

  it('asks for the municipality, the admin and a valid email all at once, and refuses both a choice and a new name', async () => {
    await admin.get('/admin/rollout/new');
    const empty = await admin.post('/admin/rollout', { name: '', admin_name: '', admin_email: 'nej' });
    assert.equal(empty.status, 422);
    for (const field of ['municipality_id', 'name', 'admin_name', 'admin_email']) {
      assert.match(empty.text, new RegExp(`<a href="#field-${field}">`), field);
    }
    const both = await admin.post('/admin/rollout', {
      municipality_id: String(municipalityId(app, 'Faxe')),
      new_municipality: 'Stevns',
      name: 'X',
      admin_name: 'Y',
      admin_email: 'y@x.example',
    });
    assert.equal(both.status, 422);
    assert.match(both.text, /<a href="#field-new_municipality">/);
  });

  it('the councils list and the admin overview link to the roll-out pages, and the plain new-council form still works', async () => {
    const list = await admin.get('/admin/councils');
    assert.match(list.text, /href="\/admin\/rollout\/new"/);
    assert.match(list.text, /href="\/admin\/rollout\/import"/);
    assert.match(list.text, /href="\/admin\/councils\/new"/);
    const overview = await admin.get('/admin');
    assert.match(overview.text, /href="\/admin\/rollout\/new"/);
    assert.equal((await admin.get('/admin/councils/new')).status, 200);
  });
});

describe('roll-out is for district admins only', () => {
  let app: TestApp;
  let councilId: number;
  const clients = new Map<string, Client>();

  before(async () => {
    app = await startTestApp();
    councilId = councilIdByName(app, 'Glumsø Lokalråd') as number;
    for (const role of ['officer', 'formand', 'hal', 'brugs'] as const) {
      clients.set(role, await loggedIn(app, LOGINS[role]));
    }
  });
  after(() => app.close());

  const routes: { method: 'GET' | 'POST'; path: () => string }[] = [
    { method: 'GET', path: () => '/admin/rollout/new' },
    { method: 'POST', path: () => '/admin/rollout' },
    { method: 'GET', path: () => `/admin/rollout/councils/${councilId}` },
    { method: 'GET', path: () => '/admin/rollout/import' },
    { method: 'POST', path: () => '/admin/rollout/import' },
    { method: 'POST', path: () => '/admin/rollout/import/confirm' },
  ];
  for (const role of ['officer', 'formand', 'hal', 'brugs'] as const) {
    for (const route of routes) {
      it(`${route.method} ${route.path().replace(/\d+/, ':id')} as ${role} answers 404 and changes nothing`, async () => {
        const client = clients.get(role) as Client;
        const before = counts(app);
        const page =
          route.method === 'GET'
            ? await client.get(route.path())
            : await client.post(route.path(), {
                new_municipality: 'Ringsted',
                name: 'Forbudt Lokalråd',
                admin_name: 'X',
                admin_email: 'x@forbudt.example',
                csv_text: 'Forbudt;Næstved;X;x@forbudt.example',
              });
        assert.equal(page.status, 404);
        assert.deepEqual(counts(app), before);
      });
    }
  }

  it('anonymous visitors are sent to the login page', async () => {
    const page = await new Client(app.url).get('/admin/rollout/new');
    assert.equal(page.status, 303);
    assert.match(page.location ?? '', /^\/login/);
  });
});

describe('CSV import: preview, then all or nothing', () => {
  let app: TestApp;
  let admin: Client;
  let officerId: number;

  before(async () => {
    app = await startTestApp();
    admin = await loggedIn(app, LOGINS.admin);
    officerId = userId(app, LOGINS.officer);
  });
  after(() => app.close());
  beforeEach(() => app.smtp.clear());

  it('shows the import form with a file input, a text box and the options', async () => {
    const page = await admin.get('/admin/rollout/import');
    assert.equal(page.status, 200);
    assert.match(page.text, /enctype="multipart\/form-data"/);
    assert.match(page.text, /action="\/admin\/rollout\/import\?_csrf=/);
    assert.match(page.text, /type="file" id="field-csv_file" name="csv_file"/);
    assert.match(page.text, /name="csv_text"/);
    assert.match(page.text, /name="officer_id"/);
    assert.match(page.text, /name="is_pilot"/);
  });

  it('previews mixed rows with each error and its row number, saves nothing and offers no import', async () => {
    const csv = [
      'navn;kommune;administrator;email',
      'Herlufmagle Lokalråd;Næstved;Kirsten Holm;kirsten@herlufmagle.example',
      'Rønnede Lokalråd;Næsved;Ole Berg;ole@roennede.example',
      ';Faxe;Uden Navn;uden@navn.example',
      'Glumsø Lokalråd;Næstved;Gitte;gitte@glumsoe.example',
      'Tappernøje Lokalråd;Næstved;Tove;ikke-en-email',
      'herlufmagle lokalråd;Næstved Kommune;Anden;anden@herlufmagle.example',
      'Karrebæk Lokalråd;Næstved;Kirsten Holm;kirsten@herlufmagle.example',
      'Fuglebjerg Lokalråd;Næstved;formand@glumsoe.example',
      'Dalmose Lokalråd;Slagelse;Formanden;formand@glumsoe.example',
    ].join('\n');
    const before = counts(app);
    await admin.get('/admin/rollout/import');
    const page = await admin.post('/admin/rollout/import', { csv_text: csv, officer_id: String(officerId) });
    assert.equal(page.status, 200);
    assert.deepEqual(counts(app), before, 'nothing is saved at preview');
    const text = textOf(page.text);
    const expected = [
      "Række 3: Kommunen 'Næsved' findes ikke.",
      'Række 4: Lokalrådets navn mangler.',
      "Række 5: Lokalrådet 'Glumsø Lokalråd' findes allerede i Næstved.",
      "Række 6: E-mailadressen 'ikke-en-email' er ikke gyldig.",
      "Række 7: Lokalrådet 'herlufmagle lokalråd' i Næstved står også i række 2.",
      'Række 8: kirsten@herlufmagle.example står også i række 2.',
      'Række 9: Rækken har 3 kolonner – der skal være 4',
    ];
    for (const message of expected) assert.ok(text.includes(message), `shows: ${message}`);
    assert.match(text, /7 af 9 rækker har fejl/);
    // Good rows say what will happen; a known person gets a note, not an error.
    assert.match(text, /Herlufmagle Lokalråd Næstved Kirsten Holm kirsten@herlufmagle\.example Oprettes/);
    assert.match(text, /formand@glumsoe\.example er allerede administrator af Glumsø Lokalråd/);
    assert.doesNotMatch(text, /Række 10:/);
    assert.doesNotMatch(
      page.text,
      /action="\/admin\/rollout\/import\/confirm/,
      'no import button while there are errors',
    );
    assert.match(page.text, /<table class="table table--responsive-headers">/);
    assert.match(page.text, /<td data-title="Resultat">/);
  });

  it("confirming good rows creates every council, invites every admin, keeps the officer's councils and audits the import", async () => {
    const csv =
      '\uFEFFname,municipality,admin_name,admin_email\r\n' +
      '"Lokalrådet ""Fensmark""",Næstved,Ole Berg,ole@fensmark.example\r\n' +
      '\r\n' +
      'Rønnede Lokalråd,Faxe,"Hansen, Jytte",jytte@roennede.example\r\n' +
      'Dalmose Lokalråd,Slagelse,Ib Dal,formand@glumsoe.example\r\n';
    const officerBefore = officerCouncils(app, officerId);
    const before = counts(app);
    await admin.get('/admin/rollout/import');
    const preview = await admin.post('/admin/rollout/import', {
      csv_text: csv,
      officer_id: String(officerId),
      is_pilot: '1',
    });
    assert.equal(preview.status, 200);
    assert.match(textOf(preview.text), /Alle 3 rækker er i orden/);
    assert.match(preview.text, /action="\/admin\/rollout\/import\/confirm\?_csrf=/);
    assert.match(preview.text, /Importér 3 lokalråd/);
    assert.deepEqual(counts(app), before);

    const hidden = /name="csv_text" value="([^"]*)"/.exec(preview.text)?.[1] ?? '';
    const decoded = hidden
      .replace(/&#34;/g, '"')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
      .replace(/&#39;/g, "'");
    const done = await admin.post('/admin/rollout/import/confirm', {
      csv_text: decoded,
      officer_id: String(officerId),
      is_pilot: '1',
    });
    assert.equal(done.status, 303);
    assert.equal(done.location, '/admin/councils');
    const list = await admin.get('/admin/councils');
    assert.match(textOf(list.text), /3 lokalråd er oprettet/);

    const ids = ['Lokalrådet "Fensmark"', 'Rønnede Lokalråd', 'Dalmose Lokalråd'].map((n) =>
      councilIdByName(app, n),
    );
    assert.ok(
      ids.every((id) => typeof id === 'number'),
      'all three councils exist',
    );
    const pilots = app.deps.db
      .prepare(`SELECT count(*) FROM councils WHERE id IN (${ids.join(',')}) AND is_pilot = 1`)
      .pluck()
      .get();
    assert.equal(pilots, 3);
    assert.deepEqual(
      officerCouncils(app, officerId),
      [...officerBefore, ...(ids as number[])].sort((a, b) => a - b),
    );
    // An address that already has an account is invited too, but becomes admin only by accepting.
    const admins = app.deps.db
      .prepare(
        `SELECT c.name, u.email, m.role, m.user_id IS NULL AS pending
           FROM memberships m JOIN users u ON u.id = coalesce(m.user_id, m.invitee_id)
           JOIN councils c ON c.id = m.council_id
          WHERE m.council_id IN (${ids.join(',')}) ORDER BY c.id`,
      )
      .all();
    assert.deepEqual(admins, [
      { name: 'Lokalrådet "Fensmark"', email: 'ole@fensmark.example', role: 'council_admin', pending: 0 },
      { name: 'Rønnede Lokalråd', email: 'jytte@roennede.example', role: 'council_admin', pending: 0 },
      { name: 'Dalmose Lokalråd', email: 'formand@glumsoe.example', role: 'council_admin', pending: 1 },
    ]);
    const audit = app.deps.db
      .prepare(`SELECT details FROM audit_log WHERE action = 'rollout.imported'`)
      .pluck()
      .all() as string[];
    assert.equal(audit.length, 1);
    assert.equal(JSON.parse(audit[0] as string).count, 3);

    await app.deliverMail();
    for (const email of ['ole@fensmark.example', 'jytte@roennede.example']) {
      const mail = app.smtp.to(email).at(-1);
      assert.ok(mail, `the invitation reached ${email}`);
      assert.ok(linkIn(mail, '/invitations/'));
    }
    assert.ok(app.smtp.to('formand@glumsoe.example').at(-1), 'the known person is told too');
    await acceptInvitation(
      app,
      linkIn(app.smtp.to('jytte@roennede.example').at(-1) as never, '/invitations/'),
      NEW_PASSWORD,
    );
    const jytte = await loggedIn(app, 'jytte@roennede.example', NEW_PASSWORD);
    assert.equal((await jytte.get(`/councils/${ids[1]}/members`)).status, 200);
  });

  it('a tampered confirm with an error in one row saves none of the rows', async () => {
    const before = counts(app);
    await admin.get('/admin/rollout/import');
    const page = await admin.post('/admin/rollout/import/confirm', {
      csv_text:
        'Vallensbæk Lokalråd;Næstved;Vera;vera@vallensbaek.example\nOrtved Lokalråd;Atlantis;Otto;otto@ortved.example',
      officer_id: String(officerId),
    });
    assert.equal(page.status, 422);
    assert.match(textOf(page.text), /Række 2: Kommunen 'Atlantis' findes ikke/);
    assert.deepEqual(counts(app), before);
    assert.equal(councilIdByName(app, 'Vallensbæk Lokalråd'), undefined);
    assert.doesNotMatch(page.text, /action="\/admin\/rollout\/import\/confirm/);
  });

  it('reads an uploaded file (Windows-1252 from Danish Excel) and prefers it to the text box', async () => {
    await admin.get('/admin/rollout/import');
    const bytes = Buffer.from(
      'navn;kommune;administrator;email\r\nSvinø Lokalråd;Vordingborg;Søren Ø;soeren@svinoe.example\r\n',
      'latin1',
    );
    const page = await postCsvFile(
      app,
      admin,
      '/admin/rollout/import',
      { name: 'lokalraad.csv', bytes },
      { csv_text: 'ignored' },
    );
    assert.equal(page.status, 200);
    const text = textOf(page.text);
    assert.match(text, /Svinø Lokalråd Vordingborg Søren Ø soeren@svinoe\.example Oprettes/);
    assert.match(text, /Alle 1 rækker er i orden/);
  });

  it('refuses an empty submission, a file over the row limit and an unknown officer on the form (422)', async () => {
    await admin.get('/admin/rollout/import');
    const empty = await admin.post('/admin/rollout/import', { csv_text: '  ' });
    assert.equal(empty.status, 422);
    assert.match(empty.text, /<a href="#field-csv_file">Vælg en CSV-fil/);

    const rows = Array.from({ length: 501 }, (_, i) => `Råd ${i};Faxe;Navn ${i};n${i}@x.example`).join('\n');
    const many = await postCsvFile(app, admin, '/admin/rollout/import', {
      name: 'mange.csv',
      bytes: Buffer.from(rows),
    });
    assert.equal(many.status, 422);
    assert.match(textOf(many.text), /Filen har 501 lokalråd\. Importér højst 500 ad gangen/);

    const officer = await admin.post('/admin/rollout/import', {
      csv_text: 'A;Faxe;B;b@x.example',
      officer_id: String(userId(app, LOGINS.hal)),
    });
    assert.equal(officer.status, 422);
    assert.match(officer.text, /<a href="#field-officer_id">/);
    assert.match(officer.text, />A;Faxe;B;b@x\.example<\/textarea>/, 'the text is kept');
  });
});
