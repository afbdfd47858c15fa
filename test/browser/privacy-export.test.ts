/**
 * A person's own data in a real browser: the account page's download link, and the district
 * admin's people pages and erase confirmation — axe clean at phone and desktop width, and the
 * erase form keeping its input with the DKFDS error summary.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TestApp } from '../helpers/app.js';
import {
  browserSkip,
  checkBothWidths,
  checkPage,
  closeBrowserAndApp,
  screenshot,
  startBrowserAndApp,
} from '../helpers/browser.js';
import { SharedPages } from '../helpers/pages.js';
import { DEMO, userId } from '../helpers/world.js';

describe('a person’s own data in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;
  let pages: SharedPages;

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
    pages = new SharedPages(
      () => browser,
      () => app,
    );
  });
  after(async () => {
    await pages?.closeAll();
    await closeBrowserAndApp({ browser, app });
  });

  it('the account page offers the download, and passes at phone and desktop width', async () => {
    const { page, problems } = await pages.open(DEMO.hal, 'phone');
    await page.goto('/account');
    const link = page.getByRole('link', { name: 'Hent mine data' });
    assert.equal(await link.getAttribute('href'), '/account/export');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.match(download.suggestedFilename(), /^naernet-mine-data-\d{4}-\d{2}-\d{2}\.json$/);
    await checkBothWidths(page, problems, '/account');
  });

  it('the people pages and the erase confirmation are accessible at phone and desktop width', async () => {
    const { page, problems } = await pages.open(DEMO.admin, 'phone');
    const vest = userId(app, DEMO.vest);
    // The last one is refused (oneself): the page says why instead of showing the form.
    const self = `/admin/people/${userId(app, DEMO.admin)}/erase`;
    for (const path of [
      '/admin/people',
      '/admin/people?q=glumsoe',
      `/admin/people/${vest}`,
      `/admin/people/${vest}/erase`,
      self,
    ]) {
      const res = await page.goto(path);
      assert.equal(res?.status(), 200, path);
      await checkBothWidths(page, problems, path, `people${path.replaceAll(/[/?=]/g, '-')}`);
    }
  });

  it('the erase form keeps the reason and shows the error summary without the confirmation', async () => {
    const { page, problems } = await pages.open(DEMO.admin, 'phone');
    const vest = userId(app, DEMO.vest);
    await page.goto(`/admin/people/${vest}/erase`);
    // A person with an open concern cannot be erased yet: the page says so and shows no form.
    const open = await page.getByRole('alert').count();
    if (open > 0) {
      assert.match((await page.getByRole('alert').textContent()) ?? '', /åbne bekymringer/);
      app.deps.db
        .prepare(
          "UPDATE concerns SET status = 'closed', closed_at = ?, resolution = 'resolved' WHERE reporter_id = ?",
        )
        .run(new Date().toISOString(), vest);
      await page.reload();
    }
    await page.getByLabel('Begrundelse').fill('Skriftlig anmodning 3.12.2026');
    await page.getByRole('button', { name: 'Slet personen' }).click();
    await page.getByRole('heading', { name: 'Der er problemer' }).waitFor();
    assert.equal(await page.getByLabel('Begrundelse').inputValue(), 'Skriftlig anmodning 3.12.2026');
    await checkPage(page, problems, 'erase with errors');
    await screenshot(page, 'people-erase-errors-phone');
    assert.equal(app.deps.users.findById(vest)?.status, 'active');
  });
});
