/**
 * The page for a form over the size limit (issue 12, item 5), in a real browser at phone and
 * desktop width: zero axe WCAG 2.1 A/AA violations, no sideways scrolling, the limit named.
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

describe('a form over the size limit in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
  });
  after(() => closeBrowserAndApp({ browser, app }));

  it('a crime picture of 300 kB gets the page that names the limit, at phone and desktop width', async () => {
    const { context, page, problems } = await signedInPage(browser, app, DEMO.officer, 'phone');
    try {
      await page.goto('/posts/new');
      await page.getByLabel('Titel').fill('Kriminalitetsbilledet');
      // The field's maxlength stops typing; a pasted or scripted text can still be this long.
      await page.locator('#field-body').evaluate((el) => {
        const area = el as HTMLTextAreaElement;
        area.removeAttribute('maxlength');
        area.value = 'x'.repeat(300_000);
      });
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.locator('main form button[type="submit"]').first().click(),
      ]);
      await page.waitForLoadState('load');
      assert.equal(response.status(), 413);
      const main = await visibleText(page.locator('main'));
      assert.match(main, /Formularen er for stor/);
      assert.match(main, /højst 200 kB tekst i én formular/);
      await checkBothWidths(page, problems, '413', 'form-too-large');
    } finally {
      await context.close();
    }
  });
});
