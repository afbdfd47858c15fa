/**
 * /admin/settings: only district admins see or change the operator settings; bad input comes back
 * as typed with the DKFDS error summary; a save is one audit line with each change, and takes
 * effect at once (the retention job reads the new period on its next tick).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SETTING_DEFAULTS } from '../../src/db/settings.repository.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import { actorOf, DAY, DEMO, logConcern, loggedIn } from '../helpers/world.js';

/** Every setting as the form sends it: the defaults, with `changes`. */
const form = (changes: Partial<Record<keyof typeof SETTING_DEFAULTS, string>> = {}) => ({
  ...SETTING_DEFAULTS,
  ...changes,
});

describe('operator settings at /admin/settings', () => {
  let app: TestApp;
  let admin: Client;

  const db = () => app.deps.db;
  const auditLines = () =>
    db().prepare("SELECT * FROM audit_log WHERE action = 'settings.updated' ORDER BY id").all() as {
      actor_user_id: number;
      entity_type: string;
      entity_id: number | null;
      details: string;
    }[];
  const stored = (key: string) => db().prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key);

  before(async () => {
    app = await startTestApp();
    admin = await loggedIn(app, DEMO.admin);
  });
  after(() => app.close());

  for (const role of ['officer', 'formand', 'hal'] as const) {
    it(`answers 404 to the ${role}, also for a post, and changes nothing`, async () => {
      const client = await loggedIn(app, DEMO[role]);
      assert.equal((await client.get('/admin/settings')).status, 404);
      const posted = await client.post('/admin/settings', form({ retention_months: '2' }));
      assert.equal(posted.status, 404);
      assert.equal(stored('retention_months'), undefined);
      assert.equal(auditLines().length, 0);
    });
  }

  it('sends an anonymous visitor to the login page', async () => {
    const anonymous = new Client(app.url);
    const page = await anonymous.get('/admin/settings');
    assert.equal(page.status, 303);
    assert.match(page.location ?? '', /^\/login/);
  });

  it('shows the district admin every setting in its group, with its current value, unit and default', async () => {
    const overview = await admin.get('/admin');
    assert.match(overview.text, /href="\/admin\/settings"/);
    const page = await admin.get('/admin/settings');
    assert.equal(page.status, 200);
    const text = textOf(page.text);
    for (const group of [
      'Myndighed og kontakt',
      'Databeskyttelse og opbevaring',
      'Sager og frister',
      'Post og nyhedsbreve',
      'Møder',
      'Session',
    ]) {
      assert.ok(text.includes(group), group);
    }
    for (const [key, value] of Object.entries(SETTING_DEFAULTS)) {
      assert.match(
        page.text,
        new RegExp(`name="${key}" value="${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`),
        key,
      );
    }
    assert.match(text, /Måneder efter afslutningen, fra 1 til 120\..*Standard: 24 måneder\./);
    assert.match(text, /Standard: 60 måneder \(5 år\)/);
    assert.match(text, /Standard: 30 dage\./);
  });

  it('refuses bad values with 422, the error summary and every value as typed, and saves nothing', async () => {
    await admin.get('/admin/settings');
    const typed = form({
      retention_months: '0',
      mail_body_retention_days: 'tredive',
      audit_retention_months: '6',
      digest_hour: '24',
      authority_email: 'politi-at-example',
      authority_name: '',
      was_statement_url: 'http://www.was.digst.dk/naernet-dk',
      accessibility_statement_date: '30.2.2027',
      due_working_days_high: '5',
      due_working_days_normal: '3',
    });
    const page = await admin.post('/admin/settings', typed);
    assert.equal(page.status, 422);
    const text = textOf(page.text);
    assert.match(text, /Der er problemer/);
    for (const [field, message] of [
      ['retention_months', 'Skriv et helt antal måneder fra 1 til 120'],
      ['mail_body_retention_days', 'Skriv et helt antal dage fra 1 til 365'],
      ['audit_retention_months', 'Skriv et helt antal måneder fra 12 til 120'],
      ['digest_hour', 'Skriv en time fra 0 til 23'],
      ['authority_email', 'Skriv en e-mailadresse i det rigtige format'],
      ['authority_name', 'Skriv myndighedens navn'],
      ['was_statement_url', 'Skriv en adresse, der begynder med https://www.was.digst.dk/'],
      ['accessibility_statement_date', 'Skriv en gyldig dato'],
      ['due_working_days_normal', 'mindst lige så lang som ved den højere prioritet'],
    ]) {
      assert.match(page.text, new RegExp(`href="#field-${field}"`), `the summary links to ${field}`);
      assert.ok(text.includes(message as string), message);
    }
    for (const key of ['retention_months', 'mail_body_retention_days', 'digest_hour', 'was_statement_url']) {
      assert.match(
        page.text,
        new RegExp(`name="${key}" value="${typed[key as keyof typeof typed]}"`),
        `${key} kept`,
      );
    }
    assert.match(page.text, /name="accessibility_statement_date" value="30.2.2027"/);
    assert.equal(stored('retention_months'), undefined);
    assert.equal(app.deps.settings.get('retention_months'), '24');
    assert.equal(auditLines().length, 0);
  });

  it('saves the changes with one audit line listing each, and the retention job uses the new period at once', async () => {
    // A concern closed 13 months ago: inside the default 24 months, so the job leaves it.
    const reporter = 'hal@glumsoe.example';
    const id = logConcern(app, reporter, { title: 'Gammel bekymring om gadelys' });
    app.deps.services.concerns.close(actorOf(app, DEMO.officer), id, {
      resolution: 'resolved',
      feedback: 'Kommunen har skiftet pæren',
    });
    const closedAt = new Date(app.deps.now().getTime() - 13 * 31 * DAY).toISOString();
    db().prepare('UPDATE concerns SET closed_at = ? WHERE id = ?').run(closedAt, id);
    const anonymised = () => db().prepare('SELECT anonymised_at FROM concerns WHERE id = ?').pluck().get(id);
    await app.deps.scheduler.tick();
    assert.equal(anonymised(), null);

    await admin.get('/admin/settings');
    const saved = await admin.post(
      '/admin/settings',
      form({
        retention_months: ' 012 ',
        was_statement_url: 'https://www.was.digst.dk/naernet-dk',
        accessibility_statement_date: '1.3.2027',
        authority_name: 'Sydsjællands og\r\nLolland-Falsters Politi',
      }),
    );
    assert.equal(saved.status, 303);
    assert.equal(saved.location, '/admin/settings');
    const after = await admin.get('/admin/settings');
    assert.match(textOf(after.text), /Indstillingerne er gemt\./);
    assert.match(after.text, /name="retention_months" value="12"/);
    assert.match(after.text, /name="accessibility_statement_date" value="2027-03-01"/);

    assert.equal(stored('retention_months'), '12');
    assert.equal(stored('authority_name'), undefined, 'a line break folds back into the same name');
    const lines = auditLines();
    assert.equal(lines.length, 1);
    const [line] = lines;
    assert.ok(line);
    assert.equal(line.entity_type, 'setting');
    assert.equal(line.actor_user_id, actorOf(app, DEMO.admin).id);
    assert.deepEqual(JSON.parse(line.details), {
      was_statement_url: { from: '', to: 'https://www.was.digst.dk/naernet-dk' },
      accessibility_statement_date: { from: '2026-12-05', to: '2027-03-01' },
      retention_months: { from: '24', to: '12' },
    });

    await app.deps.scheduler.tick();
    assert.ok(anonymised(), 'anonymised with the new period, without a restart');
  });

  it('says so when nothing changed, and writes no audit line', async () => {
    await admin.get('/admin/settings');
    const current = Object.fromEntries(
      Object.keys(SETTING_DEFAULTS).map((key) => [
        key,
        app.deps.settings.get(key as keyof typeof SETTING_DEFAULTS),
      ]),
    );
    const saved = await admin.post('/admin/settings', current);
    assert.equal(saved.status, 303);
    assert.match(textOf((await admin.get('/admin/settings')).text), /Der var ingen ændringer at gemme\./);
    assert.equal(auditLines().length, 1);
  });

  it('applies a shorter idle period to sessions at once, without a restart', async () => {
    const hal = await loggedIn(app, DEMO.hal);
    const saved = await admin.post('/admin/settings', form({ session_idle_minutes: '5' }));
    assert.equal(saved.status, 303);
    const page = await hal.get('/account');
    assert.equal(page.status, 200);
    const expires = /Expires=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const lifetime = new Date(expires).getTime() - Date.now();
    assert.ok(Math.abs(lifetime - 300_000) < 10_000, `the cookie lives 5 minutes, not ${lifetime} ms`);
    app.advanceClock(6 * 60_000);
    assert.equal((await hal.get('/account')).status, 303, 'signed out after 5 idle minutes');
    app.deps.settings.set('session_idle_minutes', SETTING_DEFAULTS.session_idle_minutes);
  });
});
