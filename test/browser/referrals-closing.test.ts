/**
 * Issue 13, items 3–5 in a real browser: the close form warning about an open referral, clicked
 * through; the department's page with whom to call, and its withdrawn page; the refused merge with
 * its error summary; and the duplicate's reporter following the original. Each page is checked at
 * phone and desktop width (axe WCAG 2.1 A/AA, no sideways scrolling, no browser complaints) by
 * resizing the same page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { TestApp } from '../helpers/app.js';
import {
  browserSkip,
  checkPage,
  closeBrowserAndApp,
  newPage,
  type PageProblems,
  screenshot,
  startBrowserAndApp,
  VIEWPORTS,
  visibleText,
} from '../helpers/browser.js';
import { signedInPage } from '../helpers/pages.js';
import { actorOf, DEMO, departmentId, lastMailTo, linkPathIn, logConcern } from '../helpers/world.js';

/** The page as it is now, at both widths: checked, and photographed with SCREENSHOTS=1. */
async function checkBothWidths(page: Page, problems: PageProblems, name: string): Promise<void> {
  for (const viewport of ['desktop', 'phone'] as const) {
    await page.setViewportSize(VIEWPORTS[viewport]);
    await checkPage(page, problems, `${name} (${viewport})`);
    await screenshot(page, `referrals-closing-${name}-${VIEWPORTS[viewport].width}`);
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

describe('closing with referrals, the department page and the merge in the browser', {
  skip: browserSkip,
}, () => {
  let app: TestApp;
  let browser: Browser;

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
  });
  after(() => closeBrowserAndApp({ browser, app }));

  it('warns of the open referral in the close form, withdraws it on closing, and shows the department a closed page; a refused merge and the followed original pass axe', async () => {
    const concerns = app.deps.services.concerns;
    const staff = actorOf(app, DEMO.officer);
    const id = logConcern(app, DEMO.hal, {
      title: 'Unge samles ved hallen om aftenen',
      category: 'unge',
      description: 'Larm og knallerter efter kl. 22.',
      location: 'Bag Glumsø Hallen',
    });
    app.deps.services.referrals.refer(staff, id, {
      department_id: departmentId(app, 'SSP'),
      note: 'Kan SSP tage en snak med de unge ved hallen?',
    });
    const other = logConcern(app, DEMO.hal, { title: 'Også larm ved hallen', category: 'unge' });
    const link = linkPathIn(await lastMailTo(app, 'ssp@politi.example', `#${id} `), '/referrals/');

    // The department's page: the note and whom to call.
    const department = await newPage(browser, app.url, 'desktop');
    const { page: departmentPage, problems: departmentProblems } = department;
    await departmentPage.goto(link);
    assert.match(await visibleText(departmentPage.locator('main')), /Kontakt netværksbetjenten\s+Mads Holm/);
    await checkBothWidths(departmentPage, departmentProblems, 'department-page');

    // The officer closes the concern: the form lists the open referral first.
    const { page, problems, context } = await signedInPage(browser, app, DEMO.officer, 'desktop');
    try {
      await page.goto(`/concerns/${id}`);
      const warning = page.locator('.referral-close-warning').first();
      assert.match(await visibleText(warning), /Afslutningen trækker de åbne henvisninger tilbage/);
      assert.match(await visibleText(warning), /SSP – sendt/);
      await warning.scrollIntoViewIfNeeded();
      await checkBothWidths(page, problems, 'close-form');
      await page.locator('#field-resolution').selectOption('resolved');
      await page.locator('#field-feedback').fill('Vi har talt med de unge, og SSP følger op på skolen.');
      await Promise.all([
        page.waitForURL((url) => url.pathname === `/concerns/${id}`),
        page.getByRole('button', { name: 'Afslut bekymringen' }).click(),
      ]);
      assert.match(await visibleText(page.locator('.alert-success')), /er afsluttet/);
      assert.match(await visibleText(page.locator('main')), /Henvisningen til SSP er trukket tilbage/);

      // The department's link now shows the closed page.
      const closed = await departmentPage.goto(link);
      assert.equal(closed?.status(), 410);
      assert.match(await visibleText(departmentPage.locator('h1')), /Sagen er lukket/);
      assert.equal(
        await departmentPage.locator('main textarea, main button[type="submit"]').count(),
        0,
        'no form',
      );
      await checkBothWidths(departmentPage, departmentProblems, 'withdrawn-page');

      // A merge into the closed concern is refused on the field, with the input kept.
      await page.goto(`/concerns/${other}`);
      await page.locator('#field-duplicate_of').fill(`#${id}`);
      await Promise.all([
        page.waitForLoadState('load'),
        page.getByRole('button', { name: 'Marker som dublet' }).click(),
      ]);
      await page.locator('.error-summary').waitFor();
      assert.match(await visibleText(page.locator('.error-summary')), /Den bekymring er afsluttet/);
      assert.equal(await page.locator('#field-duplicate_of').inputValue(), `#${id}`);
      await checkBothWidths(page, problems, 'refused-merge');

      // Merged into an open one instead: its reporter follows the original on their own page.
      const open = logConcern(app, DEMO.formand, { title: 'Uro ved hallen', category: 'unge' });
      concerns.addNote(staff, open, { body: 'Vi kører forbi i aften.', visibility: 'public' });
      concerns.share(staff, open, 'Politiet har øget opmærksomheden ved hallen om aftenen.');
      concerns.markDuplicate(staff, other, open);
    } finally {
      await context.close();
    }
    const reporter = await signedInPage(browser, app, DEMO.hal, 'desktop');
    try {
      await reporter.page.goto(`/concerns/${other}#original`);
      const followed = await visibleText(reporter.page.locator('#original'));
      assert.match(followed, /som din følger/);
      assert.match(followed, /Politiet har øget opmærksomheden/);
      assert.doesNotMatch(followed, /Uro ved hallen|Birgit Sørensen/);
      await checkBothWidths(reporter.page, reporter.problems, 'followed-original');
    } finally {
      await reporter.context.close();
      await department.context.close();
    }
  });
});
