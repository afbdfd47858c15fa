/**
 * Issue 13 items 6 and 9 in a real browser, at phone and desktop width with axe: the organiser
 * cancels a borgermøde (a refused empty reason first, then reason and confirmation), the member's
 * start page and the public /borgermoeder say "Aflyst" with the reason; the calendar feed page's
 * webcal link, copy button (with JavaScript) and read-only address (without), and the confirmation
 * before the address is replaced.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { localDate, parseLocalDateTime } from '../../src/web/dates.js';
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
import { login, signedInPage } from '../helpers/pages.js';
import { actorOf, councilId, DAY, DEMO } from '../helpers/world.js';

/** Checks the page at phone width, then widened to desktop width (no reload). */
async function checkBothWidths(page: Page, problems: PageProblems, label: string): Promise<void> {
  for (const viewport of ['phone', 'desktop'] as const) {
    await page.setViewportSize(VIEWPORTS[viewport]);
    await checkPage(page, problems, `${label} (${viewport})`);
    await screenshot(page, `meetings-cancel-${label.replace(/\W+/g, '-')}-${viewport}`);
    problems.clear();
  }
  await page.setViewportSize(VIEWPORTS.phone);
}

describe('cancelling a meeting and the calendar feed, in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;
  let meetingId = 0;

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
    const at = (daysAhead: number, time: string) =>
      parseLocalDateTime(
        `${localDate(new Date(app.deps.now().getTime() + daysAhead * DAY))}T${time}`,
      ) as string;
    meetingId = app.deps.services.meetings.create(actorOf(app, DEMO.officer), {
      kind: 'borgermoede',
      title: 'Borgermøde om trafik ved Glumsø Skole',
      council_ids: [councilId(app, 'glumsoe')],
      starts_at: at(2, '19:00'),
      ends_at: at(2, '21:00'),
      location: 'Glumsø Skole, aulaen',
      agenda: 'Alle er velkomne.',
      capacity: null,
    });
  });
  after(() => closeBrowserAndApp({ browser, app }));

  it('the organiser cancels with a reason and a confirmation; the meeting says Aflyst and why', async () => {
    const { context, page, problems } = await signedInPage(browser, app, DEMO.officer, 'phone');
    try {
      await page.goto(`/meetings/${meetingId}`);
      await Promise.all([
        page.waitForURL(`**/meetings/${meetingId}/cancel`),
        page.getByRole('link', { name: 'Aflys mødet' }).click(),
      ]);
      await checkBothWidths(page, problems, 'cancel page');

      const form = page.locator(`main form[action="/meetings/${meetingId}/cancel"]`);
      await form.getByLabel('Ja, aflys mødet og giv de inviterede besked').check();
      await form.getByRole('button', { name: 'Aflys mødet' }).click();
      await page.locator('.error-summary').waitFor();
      assert.match(await visibleText(page.locator('.error-summary')), /Skriv hvorfor mødet aflyses/);
      assert.ok(await form.getByLabel('Ja, aflys mødet og giv de inviterede besked').isChecked());
      await checkBothWidths(page, problems, 'cancel refused');

      await form.getByLabel('Hvorfor aflyses mødet?').fill('Skolen er lukket på grund af stormvarsel');
      await Promise.all([
        page.waitForURL(`**/meetings/${meetingId}`),
        form.getByRole('button', { name: 'Aflys mødet' }).click(),
      ]);
      const main = await visibleText(page.locator('main'));
      assert.match(main, /Mødet er aflyst/);
      assert.match(main, /Årsag: Skolen er lukket på grund af stormvarsel/);
      await checkBothWidths(page, problems, 'cancelled meeting');
    } finally {
      await context.close();
    }

    // A citizen finds it on the public list, marked as cancelled.
    const citizen = await newPage(browser, app.url, 'phone');
    try {
      await citizen.page.goto('/borgermoeder');
      const entry = citizen.page.locator('main li', { hasText: 'Borgermøde om trafik ved Glumsø Skole' });
      assert.match(await visibleText(entry), /Aflyst Årsag: Skolen er lukket på grund af stormvarsel/);
      await checkBothWidths(citizen.page, citizen.problems, 'borgermoeder with a cancelled meeting');
    } finally {
      await citizen.context.close();
    }

    // And an invited member on the start page, without "Du har ikke svaret".
    const member = await signedInPage(browser, app, DEMO.hal, 'phone');
    try {
      await member.page.goto('/');
      const entry = member.page.locator('section[aria-labelledby="dash-meetings"] li', {
        hasText: 'Borgermøde om trafik ved Glumsø Skole',
      });
      const text = await visibleText(entry);
      assert.match(text, /Aflyst Årsag: Skolen er lukket på grund af stormvarsel/);
      assert.doesNotMatch(text, /Du har ikke svaret/);
      await checkBothWidths(member.page, member.problems, 'start page with a cancelled meeting');
    } finally {
      await member.context.close();
    }
  });

  it('the feed page: webcal link, a copy button that copies, and a confirmation before a new address', async () => {
    const { context, page, problems } = await signedInPage(browser, app, DEMO.hal, 'phone');
    try {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
      await page.goto('/meetings/feed');
      await Promise.all([
        page.waitForURL('**/meetings/feed'),
        page.getByRole('button', { name: 'Opret kalenderadresse' }).click(),
      ]);
      const field = page.getByLabel('Din kalenderadresse');
      const address = await field.inputValue();
      assert.match(address, /\/calendar\/[A-Za-z0-9_-]+\.ics$/);
      const webcal = page.getByRole('link', { name: 'Abonnér i din kalender' });
      assert.equal(await webcal.getAttribute('href'), address.replace(/^https?:/, 'webcal:'));

      await page.getByRole('button', { name: 'Kopiér adressen' }).click();
      await page.locator('#feed-copy-status', { hasText: 'Kopieret' }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), address);
      await checkBothWidths(page, problems, 'feed page with the new address');

      await page.reload();
      await page.getByRole('link', { name: 'Lav en ny adresse' }).click();
      await page.waitForURL('**/meetings/feed/replace');
      await checkBothWidths(page, problems, 'replace the feed address');
      await Promise.all([
        page.waitForURL('**/meetings/feed'),
        page.getByRole('button', { name: 'Ja, lav en ny adresse' }).click(),
      ]);
      const replaced = await page.getByLabel('Din kalenderadresse').inputValue();
      assert.notEqual(replaced, address);
    } finally {
      await context.close();
    }
  });

  it('without JavaScript the address stands in a read-only field to select, and no copy button shows', async () => {
    const { context, page, problems } = await newPage(browser, app.url, 'phone', {
      javaScriptEnabled: false,
    });
    try {
      await login(page, DEMO.brugs);
      await page.goto('/meetings/feed');
      await Promise.all([
        page.waitForURL('**/meetings/feed'),
        page.getByRole('button', { name: 'Opret kalenderadresse' }).click(),
      ]);
      const field = page.getByLabel('Din kalenderadresse');
      assert.ok(await field.isVisible());
      assert.equal(await field.getAttribute('readonly'), '');
      assert.match(await field.inputValue(), /\/calendar\/[A-Za-z0-9_-]+\.ics$/);
      await field.selectText();
      assert.equal(await page.getByRole('button', { name: 'Kopiér adressen' }).isVisible(), false);
      assert.ok(await page.getByRole('link', { name: 'Abonnér i din kalender' }).isVisible());
      assert.deepEqual(problems.list, []);
    } finally {
      await context.close();
    }
  });
});
