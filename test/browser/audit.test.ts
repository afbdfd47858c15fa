/**
 * /admin/audit in a real browser (issue 11): the filter with its period, lines in words with a
 * collapsed read, the CSV link and the pages — and the refused period with its error summary —
 * axe clean and without sideways scrolling at phone and desktop width.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TestApp } from '../helpers/app.js';
import {
  browserSkip,
  checkBothWidths,
  closeBrowserAndApp,
  startBrowserAndApp,
  visibleText,
} from '../helpers/browser.js';
import { signedInPage } from '../helpers/pages.js';
import { actorOf, councilId, DEMO, logConcern } from '../helpers/world.js';

describe('the audit log in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
    // Something to read: an officer reads a case twice, searches, closes it as not a police matter.
    const { services } = app.deps;
    const officer = actorOf(app, DEMO.officer);
    const id = logConcern(app, DEMO.hal, {
      title: 'Knallerter på stien',
      councilId: councilId(app, 'glumsoe'),
    });
    services.concerns.view(officer, id, { ip: '127.0.0.1' });
    services.concerns.view(officer, id, { ip: '127.0.0.1' });
    for (let i = 0; i < 55; i++)
      app.deps.audit.record(officer, 'concern.searched', null, {}, { list: 'triage', q: `søgning ${i}` });
    services.concerns.close(
      officer,
      id,
      { resolution: 'not_police', feedback: 'Kontakt kommunen.' },
      { ip: '127.0.0.1' },
    );
  });
  after(() => closeBrowserAndApp({ browser, app }));

  it('shows the district admin the log in words, filters by period and pages, axe clean at phone and desktop width', async () => {
    const { context, page, problems } = await signedInPage(browser, app, DEMO.admin, 'phone');
    try {
      const response = await page.goto('/admin/audit');
      assert.equal(response?.status(), 200);
      assert.equal(await visibleText(page.locator('h1')), 'Revisionsspor');
      const table = await visibleText(page.locator('main table'));
      assert.match(table, /Udfald: Ikke en politisag/);
      assert.match(table, /Søgetekst: søgning 54/);
      assert.ok(await page.locator('main a[rel="next"]').count(), 'a next page');
      assert.ok(await page.locator('main a[href^="/admin/audit.csv"]').count(), 'the CSV link');
      await checkBothWidths(page, problems, '/admin/audit', 'audit');

      await page.goto('/admin/audit?action=concern.viewed');
      assert.match(await visibleText(page.locator('main table')), /2 gange, sidst kl\. \d{2}\.\d{2}/);
      await checkBothWidths(page, problems, '/admin/audit?action=concern.viewed');

      // The period filter through the form, refused when it ends before it starts.
      await page.goto('/admin/audit');
      await page.locator('#field-from').fill('2026-02-01');
      await page.locator('#field-to').fill('2026-01-01');
      await Promise.all([
        page.waitForURL(/to=2026-01-01/),
        page.locator('main form.audit-filter button[type="submit"]').click(),
      ]);
      assert.match(
        await visibleText(page.locator('.error-summary')),
        /Til-datoen skal være samme dag som eller efter/,
      );
      assert.equal(await page.locator('#field-to').inputValue(), '2026-01-01');
      await checkBothWidths(page, problems, '/admin/audit refused period', 'audit-refused');
    } finally {
      await context.close();
    }
  });
});
