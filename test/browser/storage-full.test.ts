/**
 * What a person sees when Nærnet cannot save (a full disk), in a real browser at phone and desktop
 * width: the concern form again with the text kept and the alert, and the 503 page — zero axe
 * WCAG 2.1 A/AA violations, no sideways scrolling.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TestApp } from '../helpers/app.js';
import {
  browserSkip,
  checkBothWidths,
  closeBrowserAndApp,
  newPage,
  startBrowserAndApp,
  visibleText,
} from '../helpers/browser.js';
import { LoginPage, signedInPage } from '../helpers/pages.js';
import { fillDatabase, freeSpace, longText } from '../helpers/storage.js';
import { DEMO } from '../helpers/world.js';

describe('a full disk in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
  });
  afterEach(() => freeSpace(app.deps.db));
  after(() => closeBrowserAndApp({ browser, app }));

  it('the concern form comes back with the text and an alert that nothing was saved, at phone and desktop width', async () => {
    const { context, page, problems } = await signedInPage(browser, app, DEMO.hal, 'phone');
    try {
      await page.goto('/concerns/new');
      const description = longText('Hver aften kører knallerter stærkt på stien ved Glumsø Skole. ', 4500);
      await page.locator('#field-category').selectOption({ label: 'Trafik og fart' });
      await page.locator('#field-title').fill('Knallerter på stien');
      await page.locator('#field-description').fill(description);
      fillDatabase(app.deps.db);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.locator('main form button[type="submit"]').first().click(),
      ]);
      await page.waitForLoadState('load');
      assert.equal(response.status(), 503);
      const summary = await visibleText(page.locator('.error-summary'));
      assert.match(summary, /Nærnet kunne ikke gemme lige nu, så intet er gemt/);
      assert.equal(await page.locator('#field-title').inputValue(), 'Knallerter på stien');
      assert.equal(await page.locator('#field-description').inputValue(), description);
      await checkBothWidths(page, problems, 'concern form not saved', 'not-saved-form');
    } finally {
      await context.close();
    }
  });

  it('a login while the disk is full gets the 503 page, at phone and desktop width', async () => {
    const { context, page, problems } = await newPage(browser, app.url, 'phone');
    try {
      fillDatabase(app.deps.db);
      const login = await LoginPage.open(page);
      await login.fillIn(DEMO.brugs, 'naestved-2015');
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        login.submitButton.click(),
      ]);
      await page.waitForLoadState('load');
      assert.equal(response.status(), 503);
      const main = await visibleText(page.locator('main'));
      assert.match(main, /Nærnet kan ikke gemme lige nu/);
      assert.match(main, /ring 112/);
      await checkBothWidths(page, problems, '503', 'cannot-save');
    } finally {
      await context.close();
    }
  });
});
