/**
 * The privacy page and the accessibility statement (issue 11, item 8) in a real browser: both
 * pages, for a visitor and a signed-in person, in Danish and English, at phone and desktop width
 * with zero axe WCAG 2.1 A/AA violations and no sideways scrolling; the footer's link reaches the
 * statement through /was.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TestApp } from '../helpers/app.js';
import {
  browserSkip,
  checkPage,
  closeBrowserAndApp,
  newPage,
  screenshot,
  startBrowserAndApp,
  type ViewportName,
  visibleText,
} from '../helpers/browser.js';
import { signedInPage } from '../helpers/pages.js';

const PAGES = [
  { path: '/privatliv', heading: 'Behandling af personoplysninger', english: 'Processing of personal data' },
  { path: '/tilgaengelighed', heading: 'Tilgængelighedserklæring', english: 'Accessibility statement' },
];
const VIEWPORT_NAMES: ViewportName[] = ['phone', 'desktop'];

describe('the privacy page and the accessibility statement in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
  });
  after(() => closeBrowserAndApp({ browser, app }));

  for (const { path, heading, english } of PAGES) {
    for (const viewport of VIEWPORT_NAMES) {
      it(`${path} passes axe and reflow for a visitor at ${viewport} width, in Danish and English`, async () => {
        const { context, page, problems } = await newPage(browser, app.url, viewport);
        try {
          await page.goto(path);
          // The Danish heading carries a soft hyphen so that it breaks well on a phone.
          assert.equal((await visibleText(page.locator('h1'))).replaceAll('\u00AD', ''), heading);
          await checkPage(page, problems, `${path} (${viewport})`);
          await screenshot(page, `privacy-pages${path.replace('/', '-')}-${viewport}`);
          await page.getByRole('button', { name: 'English' }).click();
          await page.waitForFunction(() => document.documentElement.lang === 'en');
          assert.equal(await visibleText(page.locator('h1')), english);
          problems.clear();
          await checkPage(page, problems, `${path} in English (${viewport})`);
          await screenshot(page, `privacy-pages${path.replace('/', '-')}-${viewport}-en`);
        } finally {
          await context.close();
        }
      });

      it(`${path} passes axe and reflow for a signed-in network person at ${viewport} width`, async () => {
        const { context, page, problems } = await signedInPage(browser, app, 'hal@glumsoe.example', viewport);
        try {
          await page.goto(path);
          if (path === '/privatliv') {
            assert.equal(
              await page.getByRole('link', { name: 'Hent mine data' }).getAttribute('href'),
              '/account/export',
            );
          }
          await checkPage(page, problems, `${path} signed in (${viewport})`);
        } finally {
          await context.close();
        }
      });
    }
  }

  it('the statement with its was.digst.dk address passes axe, and the footer link leads to the statement', async () => {
    const { context, page, problems } = await newPage(browser, app.url, 'phone');
    try {
      await page.goto('/');
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/tilgaengelighed'),
        page.locator('footer').getByRole('link', { name: 'Tilgængelighedserklæring' }).click(),
      ]);
      app.deps.settings.set('was_statement_url', 'https://www.was.digst.dk/naernet-politi-dk');
      await page.goto('/tilgaengelighed');
      assert.match(await visibleText(page.locator('main')), /www\.was\.digst\.dk\/naernet-politi-dk/);
      problems.clear();
      await checkPage(page, problems, '/tilgaengelighed with a was.digst.dk address (phone)');
    } finally {
      app.deps.settings.set('was_statement_url', '');
      await context.close();
    }
  });
});
