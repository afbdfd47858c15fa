import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import { linkIn } from '../helpers/smtp.js';
import { loggedIn } from '../helpers/world.js';

const ADMIN = 'admin@politi.example';
const OTHERS = ['betjent@politi.example', 'formand@glumsoe.example', 'hal@glumsoe.example'];

describe('district administration under /admin', () => {
  let app: TestApp;
  let admin: Client;
  const ids = { municipality: 0, council: 0, department: 0, category: 0, officer: 0 };

  const one = <T>(sql: string, ...params: unknown[]) =>
    app.deps.db
      .prepare(sql)
      .pluck()
      .get(...params) as T;
  const auditCount = (action: string) =>
    one<number>('SELECT count(*) FROM audit_log WHERE action = ?', action);

  before(async () => {
    app = await startTestApp();
    admin = await loggedIn(app, ADMIN);
    ids.municipality = one<number>("SELECT id FROM municipalities WHERE name = 'Næstved'");
    ids.council = one<number>("SELECT id FROM councils WHERE slug = 'glumsoe'");
    ids.department = one<number>("SELECT id FROM departments WHERE name = 'SSP'");
    ids.category = one<number>("SELECT id FROM categories WHERE slug = 'trafik'");
    ids.officer = one<number>("SELECT id FROM users WHERE email = 'betjent@politi.example'");
  });
  after(() => app.close());

  describe('access: district admins only', () => {
    const gets = () => [
      '/admin',
      '/admin/municipalities',
      '/admin/municipalities/new',
      `/admin/municipalities/${ids.municipality}/edit`,
      '/admin/councils',
      '/admin/councils/new',
      `/admin/councils/${ids.council}/edit`,
      '/admin/departments',
      '/admin/departments/new',
      `/admin/departments/${ids.department}/edit`,
      '/admin/categories',
      '/admin/categories/new',
      `/admin/categories/${ids.category}/edit`,
      '/admin/officers',
      '/admin/officers/new',
      `/admin/officers/${ids.officer}`,
      '/admin/audit',
      '/admin/audit.csv',
      '/admin/settings',
      '/admin/people',
      '/admin/outbox',
    ];
    /** Form posts: an empty form reaches the admin's validation (422), never anyone else's handler. */
    const formPosts = () => [
      '/admin/municipalities',
      `/admin/municipalities/${ids.municipality}`,
      '/admin/councils',
      `/admin/councils/${ids.council}`,
      '/admin/departments',
      `/admin/departments/${ids.department}`,
      '/admin/categories',
      `/admin/categories/${ids.category}`,
      '/admin/officers',
      '/admin/officers/promote',
    ];
    /** Actions without a form to fill in: tested for the admin in the officer journey below. */
    const actionPosts = () => [
      `/admin/officers/${ids.officer}/councils`,
      `/admin/officers/${ids.officer}/resend`,
      `/admin/officers/${ids.officer}/remove`,
    ];

    it('shows every admin page to the district admin with 200', async () => {
      for (const path of gets()) {
        const page = await admin.get(path);
        assert.equal(page.status, 200, path);
      }
    });

    it('answers every admin form post from the district admin with the form (422 on an empty form)', async () => {
      for (const path of formPosts()) {
        await admin.get('/admin');
        const page = await admin.post(path, {});
        assert.equal(page.status, 422, path);
        assert.match(textOf(page.text), /Der er problemer/, path);
      }
    });

    for (const email of OTHERS) {
      it(`answers 404 to ${email} on every admin page and post, and changes nothing`, async () => {
        const client = await loggedIn(app, email);
        for (const path of gets()) assert.equal((await client.get(path)).status, 404, `GET ${path}`);
        const auditBefore = one<number>('SELECT count(*) FROM audit_log');
        for (const path of [...formPosts(), ...actionPosts()]) {
          const page = await client.post(path, {
            name: 'Indtrængen',
            email: 'x@example.dk',
            council_ids: [],
          });
          assert.equal(page.status, 404, `POST ${path}`);
        }
        assert.equal(one<number>('SELECT is_officer FROM users WHERE id = ?', ids.officer), 1);
        assert.equal(one<number>('SELECT count(*) FROM audit_log'), auditBefore);
      });
    }

    it('sends anonymous visitors to /login on every admin page and post', async () => {
      const client = new Client(app.url);
      await client.get('/login');
      for (const path of gets()) {
        const page = await client.get(path);
        assert.equal(page.status, 303, `GET ${path}`);
        assert.match(page.location ?? '', /^\/login/);
      }
      for (const path of [...formPosts(), ...actionPosts()]) {
        const page = await client.post(path, { name: 'x' });
        assert.equal(page.status, 303, `POST ${path}`);
        assert.match(page.location ?? '', /^\/login/);
      }
    });

    it('refuses an admin post without _csrf with 403', async () => {
      const page = await admin.post('/admin/municipalities', { _csrf: '', name: 'Uden token' });
      assert.equal(page.status, 403);
      assert.equal(one<number>("SELECT count(*) FROM municipalities WHERE name = 'Uden token'"), 0);
    });

    it('shows the Administration link only to district admins', async () => {
      assert.match((await admin.get('/')).text, /href="\/admin"/);
      const hal = await loggedIn(app, 'hal@glumsoe.example');
      assert.doesNotMatch((await hal.get('/')).text, /href="\/admin"/);
    });
  });

  it('shows an overview with links and counts', async () => {
    const page = await admin.get('/admin');
    const text = textOf(page.text);
    assert.match(text, /7 kommuner/);
    assert.match(text, /3 lokalråd, heraf 3 aktive/);
    for (const href of [
      '/admin/municipalities',
      '/admin/councils',
      '/admin/officers',
      '/admin/departments',
      '/admin/categories',
      '/admin/audit',
      '/admin/settings',
      '/admin/people',
      '/admin/outbox',
    ]) {
      assert.ok(page.text.includes(`href="${href}"`), href);
    }
  });

  describe('municipalities', () => {
    it('creates a municipality and lists it with a flash', async () => {
      await admin.get('/admin/municipalities/new');
      const created = await admin.post('/admin/municipalities', { name: 'Stevns' });
      assert.equal(created.status, 303);
      assert.equal(created.location, '/admin/municipalities');
      const list = await admin.get('/admin/municipalities');
      assert.match(textOf(list.text), /Kommunen er oprettet/);
      assert.match(textOf(list.text), /Stevns/);
      assert.ok(auditCount('municipality.created') >= 1);
    });

    it('refuses a duplicate name regardless of case, with a Danish message and the input kept', async () => {
      await admin.get('/admin/municipalities/new');
      const page = await admin.post('/admin/municipalities', { name: 'NÆSTVED' });
      assert.equal(page.status, 422);
      assert.match(textOf(page.text), /Der findes allerede en kommune med det navn/);
      assert.match(page.text, /href="#field-name"/);
      assert.match(page.text, /value="NÆSTVED"/);
    });

    it('renames a municipality, and refuses renaming it to another one’s name', async () => {
      const id = one<number>("SELECT id FROM municipalities WHERE name = 'Stevns'");
      const form = await admin.get(`/admin/municipalities/${id}/edit`);
      assert.match(form.text, /value="Stevns"/);
      const clash = await admin.post(`/admin/municipalities/${id}`, { name: 'faxe' });
      assert.equal(clash.status, 422);
      const ok = await admin.post(`/admin/municipalities/${id}`, { name: 'Stevns Kommune' });
      assert.equal(ok.status, 303);
      assert.equal(one<string>('SELECT name FROM municipalities WHERE id = ?', id), 'Stevns Kommune');
    });

    it('answers 404 for a municipality that does not exist', async () => {
      assert.equal((await admin.get('/admin/municipalities/99999/edit')).status, 404);
      assert.equal((await admin.get('/admin/municipalities/abc/edit')).status, 404);
    });

    it('escapes script tags in names', async () => {
      await admin.get('/admin/municipalities/new');
      const created = await admin.post('/admin/municipalities', { name: '<script>alert(1)</script>' });
      assert.equal(created.status, 303);
      const list = await admin.get('/admin/municipalities');
      assert.doesNotMatch(list.text, /<script>alert\(1\)<\/script>/);
      assert.match(list.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    });
  });

  describe('councils', () => {
    const faxe = () => one<number>("SELECT id FROM municipalities WHERE name = 'Faxe'");

    it('creates a council with a slug made from the Danish name and shows the agreement date in Danish', async () => {
      await admin.get('/admin/councils/new');
      const created = await admin.post('/admin/councils', {
        name: 'Haslev Ærø Lokalråd',
        slug: '',
        municipality_id: String(faxe()),
        area_description: 'Haslev by og opland.',
        agreement_signed_on: '2015-02-24',
        active: '1',
      });
      assert.equal(created.status, 303);
      const row = app.deps.db
        .prepare("SELECT slug, active, agreement_signed_on FROM councils WHERE name = 'Haslev Ærø Lokalråd'")
        .get() as { slug: string; active: number; agreement_signed_on: string };
      assert.deepEqual(row, { slug: 'haslev-aeroe-lokalraad', active: 1, agreement_signed_on: '2015-02-24' });
      const list = await admin.get(`/admin/councils?municipality_id=${faxe()}`);
      const text = textOf(list.text);
      assert.match(text, /Lokalrådet er oprettet/);
      assert.match(text, /Haslev Ærø Lokalråd/);
      assert.match(text, /24\. februar 2015/);
      assert.doesNotMatch(text, /Glumsø Lokalråd/, 'filtered to Faxe');
      assert.match(list.text, /class="table-wrapper"/);
    });

    it('lists councils grouped by municipality with member and officer counts', async () => {
      const list = await admin.get('/admin/councils');
      const text = textOf(list.text);
      assert.match(text, /Næstved/);
      // Glumsø: formand + hal are members; betjent covers it.
      assert.match(text, /Glumsø Lokalråd glumsoe Medlemmer 2 Betjente 1|Glumsø Lokalråd glumsoe 2 1/);
    });

    it('refuses an invalid date with a clear message and keeps the input', async () => {
      await admin.get('/admin/councils/new');
      const page = await admin.post('/admin/councils', {
        name: 'Rønnede Lokalråd',
        municipality_id: String(faxe()),
        agreement_signed_on: '2015-02-30',
        active: '1',
      });
      assert.equal(page.status, 422);
      assert.match(textOf(page.text), /Skriv en gyldig dato, fx 24\.2\.2015/);
      assert.match(page.text, /href="#field-agreement_signed_on"/);
      assert.match(page.text, /value="Rønnede Lokalråd"/);
      assert.match(page.text, /value="2015-02-30"/);
    });

    it('accepts the Danish short date form typed by hand', async () => {
      await admin.get('/admin/councils/new');
      const page = await admin.post('/admin/councils', {
        name: 'Rønnede Lokalråd',
        municipality_id: String(faxe()),
        agreement_signed_on: '1.9.2015',
      });
      assert.equal(page.status, 303);
      assert.equal(
        one<string>("SELECT agreement_signed_on FROM councils WHERE slug = 'roennede-lokalraad'"),
        '2015-09-01',
      );
    });

    it('refuses a taken slug and a taken name in the same municipality', async () => {
      await admin.get('/admin/councils/new');
      const slug = await admin.post('/admin/councils', {
        name: 'Nyt Lokalråd',
        slug: 'glumsoe',
        municipality_id: String(ids.municipality),
      });
      assert.equal(slug.status, 422);
      assert.match(textOf(slug.text), /Det korte navn bruges allerede af et andet lokalråd/);
      const name = await admin.post('/admin/councils', {
        name: 'GLUMSØ LOKALRÅD',
        municipality_id: String(ids.municipality),
      });
      assert.equal(name.status, 422);
      assert.match(textOf(name.text), /Der findes allerede et lokalråd med det navn i kommunen/);
      const badSlug = await admin.post('/admin/councils', {
        name: 'Tredje Lokalråd',
        slug: 'Æble Grød',
        municipality_id: String(ids.municipality),
      });
      assert.equal(badSlug.status, 422);
      assert.match(textOf(badSlug.text), /små bogstaver a-z/);
    });

    it('refuses a missing municipality and a too long area description', async () => {
      await admin.get('/admin/councils/new');
      const page = await admin.post('/admin/councils', {
        name: 'Et lokalråd',
        municipality_id: '',
        area_description: 'x'.repeat(1001),
      });
      assert.equal(page.status, 422);
      const text = textOf(page.text);
      assert.match(text, /Vælg en kommune/);
      assert.match(text, /højst 1000 tegn/);
    });

    it('edits a council, and deactivating it hides it from its officer', async () => {
      const id = one<number>("SELECT id FROM councils WHERE slug = 'haslev-aeroe-lokalraad'");
      app.deps.db
        .prepare('INSERT INTO officer_assignments (officer_id, council_id, created_at) VALUES (?, ?, ?)')
        .run(ids.officer, id, new Date().toISOString());
      assert.ok(app.deps.users.loadActor(ids.officer)?.officerCouncilIds.includes(id));
      const form = await admin.get(`/admin/councils/${id}/edit`);
      assert.match(form.text, /value="haslev-aeroe-lokalraad"/);
      assert.match(form.text, /value="2015-02-24"/);
      const saved = await admin.post(`/admin/councils/${id}`, {
        name: 'Haslev Lokalråd',
        slug: 'haslev',
        municipality_id: String(faxe()),
        area_description: 'Haslev.',
        agreement_signed_on: '',
      });
      assert.equal(saved.status, 303);
      const row = app.deps.db
        .prepare('SELECT name, slug, active, agreement_signed_on FROM councils WHERE id = ?')
        .get(id);
      assert.deepEqual(row, {
        name: 'Haslev Lokalråd',
        slug: 'haslev',
        active: 0,
        agreement_signed_on: null,
      });
      assert.ok(!app.deps.users.loadActor(ids.officer)?.officerCouncilIds.includes(id));
      const list = textOf((await admin.get(`/admin/councils?municipality_id=${faxe()}`)).text);
      assert.match(list, /Haslev Lokalråd haslev .*Inaktiv/);
    });
  });

  describe('departments', () => {
    it('creates, refuses a duplicate name and a bad email, and edits', async () => {
      await admin.get('/admin/departments/new');
      const created = await admin.post('/admin/departments', {
        name: 'Efterforskning',
        email: 'Efterforskning@Politi.example',
        active: '1',
      });
      assert.equal(created.status, 303);
      const id = one<number>("SELECT id FROM departments WHERE name = 'Efterforskning'");
      assert.equal(
        one<string>('SELECT email FROM departments WHERE id = ?', id),
        'efterforskning@politi.example',
      );

      const dup = await admin.post('/admin/departments', { name: 'ssp', email: 'ssp2@politi.example' });
      assert.equal(dup.status, 422);
      assert.match(textOf(dup.text), /Der findes allerede en afdeling med det navn/);
      const bad = await admin.post('/admin/departments', { name: 'Hundepatruljen', email: 'ikke en mail' });
      assert.equal(bad.status, 422);
      assert.match(textOf(bad.text), /Skriv en gyldig e-mail/);
      assert.match(bad.text, /value="ikke en mail"/);

      await admin.get(`/admin/departments/${id}/edit`);
      const edited = await admin.post(`/admin/departments/${id}`, {
        name: 'Efterforskning Syd',
        email: 'efterforskning@politi.example',
      });
      assert.equal(edited.status, 303);
      assert.deepEqual(app.deps.db.prepare('SELECT name, active FROM departments WHERE id = ?').get(id), {
        name: 'Efterforskning Syd',
        active: 0,
      });
      const list = textOf((await admin.get('/admin/departments')).text);
      assert.match(list, /Afdelingen er gemt/);
      assert.match(list, /Efterforskning Syd efterforskning@politi.example Inaktiv/);
    });
  });

  describe('categories', () => {
    it('creates a category with a suggested department and lists it', async () => {
      const form = await admin.get('/admin/categories/new');
      assert.match(form.text, /name="sort_order" value="9"/, 'the next free position is suggested');
      const created = await admin.post('/admin/categories', {
        slug: 'vejarbejde',
        label_da: 'Vejarbejde og afspærring',
        label_en: 'Road works',
        suggested_department_id: String(ids.department),
        sort_order: '20',
        active: '1',
      });
      assert.equal(created.status, 303);
      const list = textOf((await admin.get('/admin/categories')).text);
      assert.match(list, /20 vejarbejde Vejarbejde og afspærring Road works SSP Aktiv/);
    });

    it('refuses a taken slug, an invalid slug and a non-number order', async () => {
      await admin.get('/admin/categories/new');
      const taken = await admin.post('/admin/categories', {
        slug: 'trafik',
        label_da: 'Trafik igen',
        label_en: 'Traffic again',
        sort_order: '1',
      });
      assert.equal(taken.status, 422);
      assert.match(textOf(taken.text), /Der findes allerede en kategori med den kode/);
      const invalid = await admin.post('/admin/categories', {
        slug: 'Øl',
        label_da: '',
        label_en: 'Beer',
        sort_order: 'først',
      });
      assert.equal(invalid.status, 422);
      const text = textOf(invalid.text);
      assert.match(text, /Koden må kun have små bogstaver/);
      assert.match(text, /Skriv navnet på dansk/);
      assert.match(text, /helt tal/);
      assert.match(invalid.text, /value="først"/);
    });

    it('edits labels and order but never the slug', async () => {
      const id = one<number>("SELECT id FROM categories WHERE slug = 'vejarbejde'");
      const form = await admin.get(`/admin/categories/${id}/edit`);
      assert.doesNotMatch(form.text, /name="slug"/);
      assert.match(textOf(form.text), /vejarbejde \(kan ikke ændres\)/);
      const saved = await admin.post(`/admin/categories/${id}`, {
        slug: 'noget-andet',
        label_da: 'Vejarbejde',
        label_en: 'Road works',
        suggested_department_id: '',
        sort_order: '3',
      });
      assert.equal(saved.status, 303);
      assert.deepEqual(
        app.deps.db
          .prepare(
            'SELECT slug, label_da, suggested_department_id, active, sort_order FROM categories WHERE id = ?',
          )
          .get(id),
        {
          slug: 'vejarbejde',
          label_da: 'Vejarbejde',
          suggested_department_id: null,
          active: 0,
          sort_order: 3,
        },
      );
    });
  });

  describe('officers', () => {
    it('lists the officers with their councils', async () => {
      const text = textOf((await admin.get('/admin/officers')).text);
      assert.match(text, /Mads Holm betjent@politi.example .*Glumsø Lokalråd/);
    });

    it('invites an officer by mail; they accept, are assigned a council and see its members', async () => {
      const glumsoe = ids.council;
      await admin.get('/admin/officers/new');
      const invited = await admin.post('/admin/officers', {
        name: 'Sara Lund',
        email: 'Sara.Lund@politi.example',
      });
      assert.equal(invited.status, 303);
      const id = one<number>("SELECT id FROM users WHERE email = 'sara.lund@politi.example'");
      assert.equal(invited.location, `/admin/officers/${id}`);
      assert.deepEqual(app.deps.db.prepare('SELECT status, is_officer FROM users WHERE id = ?').get(id), {
        status: 'invited',
        is_officer: 1,
      });
      const page = await admin.get(invited.location ?? '');
      assert.match(textOf(page.text), /Invitationen er sendt til sara.lund@politi.example/);
      assert.match(textOf(page.text), /Inviteret/);

      await app.deliverMail();
      const mail = app.smtp.to('sara.lund@politi.example').at(-1);
      assert.ok(mail, 'the invitation arrived by SMTP');
      assert.match(mail.text, /Sydsjællands og Lolland-Falsters Politikreds/);
      const link = new URL(linkIn(mail, '/invitations/'));

      const officer = new Client(app.url);
      assert.equal((await officer.get(link.pathname)).status, 200);
      const accepted = await officer.post(link.pathname, {
        password: 'blå hjelme ved havnen',
        password_confirm: 'blå hjelme ved havnen',
        accept_privacy: '1',
      });
      assert.equal(accepted.status, 303);
      assert.match((await officer.get('/')).text, /Log ud/, 'accepting signed the officer in');

      await admin.get(`/admin/officers/${id}`);
      const assigned = await admin.post(`/admin/officers/${id}/councils`, { council_ids: [String(glumsoe)] });
      assert.equal(assigned.status, 303);
      assert.deepEqual(app.deps.users.loadActor(id)?.officerCouncilIds, [glumsoe]);
      const list = textOf((await admin.get('/admin/officers')).text);
      assert.match(list, /Sara Lund sara.lund@politi.example Glumsø Lokalråd Aktiv/);

      // The member list belongs to another feature; check it only once it exists.
      const adminView = await admin.get(`/councils/${glumsoe}/members`);
      if (adminView.status !== 404) {
        const members = await officer.get(`/councils/${glumsoe}/members`);
        assert.equal(members.status, 200);
        assert.match(textOf(members.text), /Jens Æbeltoft/);
      }

      const none = await admin.post(`/admin/officers/${id}/councils`, {});
      assert.equal(none.status, 303);
      assert.deepEqual(app.deps.users.loadActor(id)?.officerCouncilIds, []);
    });

    it('refuses inviting an email that already has an account, and an unknown council', async () => {
      await admin.get('/admin/officers/new');
      const taken = await admin.post('/admin/officers', { name: 'Jens', email: 'HAL@glumsoe.example' });
      assert.equal(taken.status, 422);
      assert.match(textOf(taken.text), /Der findes allerede en bruger med den e-mail/);
      assert.match(taken.text, /value="Jens"/);
      const unknown = await admin.post('/admin/officers', {
        name: 'Ny',
        email: 'ny@politi.example',
        council_ids: ['99999'],
      });
      assert.equal(unknown.status, 422);
      assert.match(textOf(unknown.text), /Vælg lokalråd fra listen/);
      assert.equal(one<number>("SELECT count(*) FROM users WHERE email = 'ny@politi.example'"), 0);
    });

    it('makes an existing user an officer, and removes the officer flag again', async () => {
      const hal = one<number>("SELECT id FROM users WHERE email = 'hal@glumsoe.example'");
      await admin.get('/admin/officers/new');
      const unknown = await admin.post('/admin/officers/promote', { existing_email: 'ingen@example.dk' });
      assert.equal(unknown.status, 422);
      assert.match(textOf(unknown.text), /Der findes ingen aktiv bruger med den e-mail/);
      const promoted = await admin.post('/admin/officers/promote', { existing_email: 'hal@glumsoe.example' });
      assert.equal(promoted.status, 303);
      assert.equal(promoted.location, `/admin/officers/${hal}`);
      const again = await admin.post('/admin/officers/promote', { existing_email: 'hal@glumsoe.example' });
      assert.equal(again.status, 422);
      assert.match(textOf(again.text), /allerede netværksbetjent/);

      await admin.get(`/admin/officers/${hal}`);
      await admin.post(`/admin/officers/${hal}/councils`, { council_ids: String(ids.council) });
      const removed = await admin.post(`/admin/officers/${hal}/remove`);
      assert.equal(removed.status, 303);
      assert.equal(removed.location, '/admin/officers');
      assert.equal(one<number>('SELECT is_officer FROM users WHERE id = ?', hal), 0);
      assert.equal(one<number>('SELECT count(*) FROM officer_assignments WHERE officer_id = ?', hal), 0);
      assert.match(
        textOf((await admin.get('/admin/officers')).text),
        /Jens Æbeltoft er ikke længere netværksbetjent/,
      );
      assert.equal((await admin.get(`/admin/officers/${hal}`)).status, 404);
    });

    it('sends a new invitation to an officer who has not accepted yet', async () => {
      await admin.get('/admin/officers/new');
      const invited = await admin.post('/admin/officers', {
        name: 'Ole Bro',
        email: 'ole.bro@politi.example',
      });
      const id = one<number>("SELECT id FROM users WHERE email = 'ole.bro@politi.example'");
      await admin.get(invited.location ?? '');
      const resent = await admin.post(`/admin/officers/${id}/resend`);
      assert.equal(resent.status, 303);
      await app.deliverMail();
      const mails = app.smtp.to('ole.bro@politi.example');
      assert.equal(mails.length, 2);
      const old = new URL(linkIn(mails[0] as never, '/invitations/'));
      assert.equal((await new Client(app.url).get(old.pathname)).status, 410);
      // An active officer has nothing to resend.
      assert.equal((await admin.post(`/admin/officers/${ids.officer}/resend`)).status, 404);
    });
  });

  describe('audit log', () => {
    it('lists the changes newest first with time, person, action and details', async () => {
      const page = await admin.get('/admin/audit');
      assert.equal(page.status, 200);
      const text = textOf(page.text);
      assert.match(text, /Anne Kjær/);
      assert.match(text, /Kommune oprettet/);
      assert.match(text, /Netværksbetjent inviteret/);
      assert.match(text, /Navn: Stevns → Stevns Kommune/);
      assert.match(text, /\d{1,2}\. [a-zæøå]+ \d{4} kl\. \d{2}\.\d{2}/, 'Danish date and time');
      assert.match(page.text, /class="table-wrapper/);
    });

    it('filters by entity and by person (email or user id)', async () => {
      // The lines only: the action filter's options name every action.
      const lines = (html: string) => textOf(/<tbody>[\s\S]*<\/tbody>/.exec(html)?.[0] ?? '');
      const stevns = one<number>("SELECT id FROM municipalities WHERE name = 'Stevns Kommune'");
      const byEntity = lines(
        (await admin.get(`/admin/audit?entity_type=municipality&entity_id=${stevns}`)).text,
      );
      assert.match(byEntity, /Kommune oprettet/);
      assert.match(byEntity, /Kommune ændret/);
      assert.doesNotMatch(byEntity, /Lokalråd oprettet/);

      const sara = one<number>("SELECT id FROM users WHERE email = 'sara.lund@politi.example'");
      const byEmail = lines((await admin.get('/admin/audit?person=sara.lund%40politi.example')).text);
      assert.match(byEmail, /Invitation accepteret/);
      assert.doesNotMatch(byEmail, /Kommune oprettet/);
      const byId = textOf((await admin.get(`/admin/audit?person=${sara}`)).text);
      assert.match(byId, /Invitation accepteret/);

      const unknown = await admin.get('/admin/audit?person=ingen%40example.dk');
      assert.equal(unknown.status, 422);
      assert.match(textOf(unknown.text), /Der findes ingen bruger med den e-mail/);
      const badId = await admin.get('/admin/audit?entity_id=abc');
      assert.equal(badId.status, 422);
      assert.match(textOf(badId.text), /Skriv nummeret som et helt tal/);
    });

    it('pages with a "Næste side" link that keeps the filters', async () => {
      const adminId = one<number>("SELECT id FROM users WHERE email = 'admin@politi.example'");
      for (let i = 0; i < 60; i++) {
        app.deps.audit.record({ id: adminId }, 'rollout.imported', i);
      }
      const first = await admin.get('/admin/audit?entity_type=rollout');
      assert.match(textOf(first.text), /Udrulning #59/);
      assert.doesNotMatch(textOf(first.text), /Udrulning #9 /);
      const next = /href="([^"]+)">Næste side</.exec(first.text)?.[1]?.replace(/&amp;/g, '&');
      assert.ok(next, 'a next-page link');
      assert.match(next, /entity_type=rollout/);
      const second = await admin.get(next);
      const text = textOf(second.text);
      assert.match(text, /Udrulning #9 /);
      assert.match(text, /Udrulning #0 /);
      assert.doesNotMatch(text, /Udrulning #10 /);
      assert.doesNotMatch(second.text, /Næste side/);
    });
  });
});
