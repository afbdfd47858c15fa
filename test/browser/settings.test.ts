/**
 * /admin/settings in a real browser, at phone and desktop width: zero axe WCAG 2.1 A/AA violations
 * and no sideways scrolling, on the page as it opens and with the error summary after bad input
 * (which keeps what was typed); a good value is saved.
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
import { DEMO } from '../helpers/world.js';

describe('operator settings in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
  });
  after(() => closeBrowserAndApp({ browser, app }));

  it('the district admin reads, mistypes and saves the settings, each page at phone and desktop width', async () => {
    const { context, page, problems } = await signedInPage(browser, app, DEMO.admin, 'phone');
    try {
      await page.goto('/admin');
      await Promise.all([
        page.waitForURL('**/admin/settings'),
        page.getByRole('link', { name: 'Indstillinger' }).click(),
      ]);
      await checkBothWidths(page, problems, 'settings', 'settings');

      await page.getByLabel('Anonymisering af afsluttede bekymringer').fill('0');
      await page
        .getByLabel('Tilgængelighedserklæringens adresse på was.digst.dk')
        .fill('https://example.com/was');
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Gem' }).click()]);
      const summary = page.locator('.error-summary');
      assert.match(await visibleText(summary), /Skriv et helt antal måneder fra 1 til 120/);
      assert.match(await visibleText(summary), /https:\/\/www\.was\.digst\.dk\//);
      assert.equal(await page.locator('#field-retention_months').inputValue(), '0');
      assert.equal(await page.locator('#field-was_statement_url').inputValue(), 'https://example.com/was');
      await checkBothWidths(page, problems, 'settings with errors', 'settings-errors');

      // The summary's link takes the keyboard to the field.
      await summary.getByRole('link', { name: /fra 1 til 120/ }).click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'field-retention_months');

      await page.locator('#field-retention_months').fill('18');
      await page.locator('#field-was_statement_url').fill('');
      await Promise.all([
        page.waitForURL('**/admin/settings'),
        page.getByRole('button', { name: 'Gem' }).click(),
      ]);
      assert.match(await visibleText(page.locator('main')), /Indstillingerne er gemt/);
      assert.equal(await page.locator('#field-retention_months').inputValue(), '18');
      assert.equal(app.deps.settings.get('retention_months'), '18');
      await checkBothWidths(page, problems, 'settings saved');
    } finally {
      await context.close();
    }
  });
});
