import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { councilId, DEMO, loggedIn, postConcern } from '../helpers/world.js';

/**
 * Single-line fields are single lines: a name, a title or a council name pasted with line breaks
 * or control characters is stored as one clean line, so it cannot break a mail header, a CSV row
 * or a calendar line.
 */
describe('single-line fields', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  const one = (sql: string, ...args: unknown[]) =>
    app.deps.db
      .prepare(sql)
      .pluck()
      .get(...args);

  it('a concern title and place fold line breaks; the description keeps them', async () => {
    const hal = await loggedIn(app, DEMO.hal);
    const id = await postConcern(hal, {
      council_id: String(councilId(app, 'glumsoe')),
      category: 'trafik',
      title: 'Bilist\r\nBcc: alle@example.dk',
      description: 'Første linje\r\nAnden linje',
      location: 'Hovedgaden\t3\u0000',
      occurred_at: '',
    });
    assert.equal(one('SELECT title FROM concerns WHERE id = ?', id), 'Bilist Bcc: alle@example.dk');
    assert.equal(one('SELECT location FROM concerns WHERE id = ?', id), 'Hovedgaden 3');
    assert.equal(one('SELECT description FROM concerns WHERE id = ?', id), 'Første linje\r\nAnden linje');
  });

  it('a member invited with a two-line name is stored with one', async () => {
    const formand = await loggedIn(app, DEMO.formand);
    const glumsoe = councilId(app, 'glumsoe');
    await formand.get(`/councils/${glumsoe}/members/new`);
    const res = await formand.post(`/councils/${glumsoe}/members`, {
      name: 'Ny\nPerson\u0007',
      email: 'ny.person@example.dk',
      role: 'network_person',
    });
    assert.equal(res.status, 303);
    assert.equal(one('SELECT name FROM users WHERE email = ?', 'ny.person@example.dk'), 'Ny Person');
  });

  it('a council name of only line breaks is refused on its form', async () => {
    const admin = await loggedIn(app, DEMO.admin);
    const council = councilId(app, 'glumsoe');
    const edit = await admin.get(`/admin/councils/${council}/edit`);
    assert.equal(edit.status, 200);
    const res = await admin.post(`/admin/councils/${council}`, {
      name: '\r\n\r\n',
      slug: 'glumsoe',
      municipality_id: String(one('SELECT municipality_id FROM councils WHERE id = ?', council)),
      area_description: '',
      agreement_signed_on: '',
      active: '1',
    });
    assert.equal(res.status, 422);
    assert.match(res.text, /href="#field-name"/);
  });
});
