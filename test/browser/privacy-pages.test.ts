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
  checkBothWidths,
  checkPage,
  closeBrowserAndApp,
  startBrowserAndApp,
  visibleText,
} from '../helpers/browser.js';
import { SharedPages } from '../helpers/pages.js';

const PAGES = [
  { path: '/privatliv', heading: 'Behandling af personoplysninger', english: 'Processing of personal data' },
  { path: '/tilgaengelighed', heading: 'Tilgængelighedserklæring', english: 'Accessibility statement' },
];

describe('the privacy page and the accessibility statement in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
  });
  /** One page per person (null: a visitor), kept for the checks below. */
  const shared = new SharedPages(
    () => browser,
    () => app,
  );
  after(async () => {
    await shared.closeAll();
    await closeBrowserAndApp({ browser, app });
  });

  /** The visitor's page with its cookies cleared: Danish, as a first visit is. */
  async function visitor() {
    const opened = await shared.open(null, 'phone');
    await opened.page.context().clearCookies();
    return opened;
  }

  for (const { path, heading, english } of PAGES) {
    it(`${path} passes axe and reflow for a visitor at phone and desktop width, in Danish and English`, async () => {
      const { page, problems } = await visitor();
      const shot = `privacy-pages${path.replace('/', '-')}`;
      await page.goto(path);
      // The Danish heading carries a soft hyphen so that it breaks well on a phone.
      assert.equal((await visibleText(page.locator('h1'))).replaceAll('\u00AD', ''), heading);
      await checkBothWidths(page, problems, path, shot);
      await page.getByRole('button', { name: 'English' }).click();
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      assert.equal(await visibleText(page.locator('h1')), english);
      await checkBothWidths(page, problems, `${path} in English`, `${shot}-en`);
    });

    it(`${path} passes axe and reflow for a signed-in network person at phone and desktop width`, async () => {
      const { page, problems } = await shared.open('hal@glumsoe.example', 'phone');
      await page.goto(path);
      if (path === '/privatliv') {
        assert.equal(
          await page.getByRole('link', { name: 'Hent mine data' }).getAttribute('href'),
          '/account/export',
        );
      }
      await checkBothWidths(page, problems, `${path} signed in`);
    });
  }

  it('the statement with its was.digst.dk address passes axe, and the footer link leads to the statement', async () => {
    const { page, problems } = await visitor();
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
    }
  });
});
