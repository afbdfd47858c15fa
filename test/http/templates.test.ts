import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import { loggedIn as loggedInTo } from '../helpers/world.js';

const OFFICER = 'betjent@politi.example';
const ADMIN = 'admin@politi.example';

describe('tekstskabeloner (/templates)', () => {
  let app: TestApp;

  const loggedIn = (email: string) => loggedInTo(app, email);

  const templateByTitle = (title: string) =>
    app.deps.db.prepare('SELECT * FROM response_templates WHERE title = ?').get(title) as
      | { id: number; title: string; body: string; active: number; created_by: number }
      | undefined;

  const auditActions = (entityId: number) =>
    app.deps.db
      .prepare(
        "SELECT action FROM audit_log WHERE entity_type = 'response_template' AND entity_id = ? ORDER BY id",
      )
      .pluck()
      .all(entityId);

  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  describe('access', () => {
    let existingId: number;
    before(() => {
      existingId = Number(
        app.deps.db
          .prepare(
            "INSERT INTO response_templates (title, body, created_at, updated_at) VALUES ('Adgangstest', 'Tekst', ?, ?)",
          )
          .run(new Date().toISOString(), new Date().toISOString()).lastInsertRowid,
      );
    });

    for (const email of [OFFICER, ADMIN]) {
      it(`${email} may open the list, the new form and the edit form`, async () => {
        const client = await loggedIn(email);
        for (const path of ['/templates', '/templates/new', `/templates/${existingId}/edit`]) {
          assert.equal((await client.get(path)).status, 200, path);
        }
      });
    }

    for (const email of ['formand@glumsoe.example', 'hal@glumsoe.example', 'brugs@fladsaa.example']) {
      it(`${email} gets 404 for every template page and form`, async () => {
        const client = await loggedIn(email);
        for (const path of ['/templates', '/templates/new', `/templates/${existingId}/edit`]) {
          assert.equal((await client.get(path)).status, 404, path);
        }
        assert.equal((await client.post('/templates', { title: 'X', body: 'Y' })).status, 404);
        assert.equal((await client.post(`/templates/${existingId}`, { title: 'X', body: 'Y' })).status, 404);
        // Even invalid input answers 404, never a validation message that reveals the form.
        assert.equal((await client.post('/templates', { title: '', body: '' })).status, 404);
        assert.equal(templateByTitle('X'), undefined);
      });
    }

    it('an anonymous visitor is sent to log in', async () => {
      const page = await new Client(app.url).get('/templates');
      assert.equal(page.status, 303);
      assert.equal(page.location, '/login?next=%2Ftemplates');
    });

    it('an unknown or malformed id is 404', async () => {
      const client = await loggedIn(OFFICER);
      assert.equal((await client.get('/templates/999999/edit')).status, 404);
      assert.equal((await client.get('/templates/abc/edit')).status, 404);
      assert.equal((await client.post('/templates/999999', { title: 'X', body: 'Y' })).status, 404);
    });
  });

  describe('create and edit', () => {
    it('an officer creates a template: 303 to the list with a flash, stored, audited', async () => {
      const client = await loggedIn(OFFICER);
      await client.get('/templates/new');
      const done = await client.post('/templates', {
        title: 'Tak for henvendelsen',
        body: 'Tak for din bekymring. Vi har modtaget den og vender tilbage.',
      });
      assert.equal(done.status, 303);
      assert.equal(done.location, '/templates');
      const list = await client.get('/templates');
      assert.match(textOf(list.text), /Tekstskabelonen "Tak for henvendelsen" er oprettet/);
      assert.match(textOf(list.text), /Tak for henvendelsen .* Aktiv/);
      const row = templateByTitle('Tak for henvendelsen');
      assert.ok(row);
      assert.equal(row.active, 1);
      assert.equal(row.created_by, app.deps.users.findByEmail(OFFICER)?.id);
      assert.deepEqual(auditActions(row.id), ['template.created']);
    });

    it('shows the DKFDS error summary with the input kept when a field is empty or too long', async () => {
      const client = await loggedIn(OFFICER);
      await client.get('/templates/new');
      const empty = await client.post('/templates', { title: '', body: 'Brødtekst bevares' });
      assert.equal(empty.status, 422);
      assert.match(empty.text, /Der er problemer/);
      assert.match(empty.text, /<a href="#field-title">Skriv en titel<\/a>/);
      assert.match(empty.text, /Brødtekst bevares/);

      const long = await client.post('/templates', { title: 't'.repeat(101), body: 'b'.repeat(5001) });
      assert.equal(long.status, 422);
      assert.match(long.text, /Skriv en titel på højst 100 tegn/);
      assert.match(long.text, /Skriv en tekst på højst 5\.000 tegn/);
      assert.match(long.text, new RegExp(`value="${'t'.repeat(101)}"`));

      const wrongTypes = await client.post('/templates', { title: ['a', 'b'], body: ['c'] });
      assert.equal(wrongTypes.status, 422);
      assert.equal(
        app.deps.db
          .prepare('SELECT count(*) FROM response_templates WHERE title IN (?, ?)')
          .pluck()
          .get('', 'a'),
        0,
      );
    });

    it('escapes markup in titles and texts', async () => {
      const client = await loggedIn(ADMIN);
      await client.get('/templates/new');
      const done = await client.post('/templates', {
        title: '<script>alert(1)</script>',
        body: '<b>fed</b>',
      });
      assert.equal(done.status, 303);
      const list = await client.get('/templates');
      assert.doesNotMatch(list.text, /<script>alert\(1\)<\/script>/);
      assert.match(list.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    });

    it('edits title, text and active: unticking active hides it from the case page’s choices', async () => {
      const client = await loggedIn(OFFICER);
      const row = templateByTitle('Tak for henvendelsen');
      assert.ok(row);
      const form = await client.get(`/templates/${row.id}/edit`);
      assert.match(form.text, /value="Tak for henvendelsen"/);
      assert.match(form.text, /name="active" value="1" class="form-checkbox" checked/);

      const invalid = await client.post(`/templates/${row.id}`, { title: '', body: 'Ny tekst', active: '1' });
      assert.equal(invalid.status, 422);
      assert.match(invalid.text, /Ny tekst/);

      const done = await client.post(`/templates/${row.id}`, { title: 'Tak – ny titel', body: 'Ny tekst' });
      assert.equal(done.status, 303);
      assert.equal(done.location, '/templates');
      const updated = templateByTitle('Tak – ny titel');
      assert.ok(updated);
      assert.equal(updated.id, row.id);
      assert.equal(updated.body, 'Ny tekst');
      assert.equal(updated.active, 0);
      const officer = app.deps.users.loadActor(row.created_by);
      assert.ok(officer);
      assert.ok(!app.deps.services.templates.active(officer).some((t) => t.id === row.id));
      assert.match(textOf((await client.get('/templates')).text), /Tak – ny titel .* Ikke aktiv/);
      assert.deepEqual(auditActions(row.id), ['template.created', 'template.updated']);

      const again = await client.post(`/templates/${row.id}`, {
        title: 'Tak – ny titel',
        body: 'Ny tekst',
        active: '1',
      });
      assert.equal(again.status, 303);
      assert.equal(templateByTitle('Tak – ny titel')?.active, 1);
    });
  });
});
