/**
 * What people are told (issue 13, items 7 and 8) in a real browser: the member's start page with
 * "Din netværksbetjent", and the login page of a closed account signing in with its own password —
 * each at phone width, then the same page widened to desktop, with zero axe WCAG 2.1 A/AA
 * violations and no sideways scrolling.
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
  VIEWPORTS,
  visibleText,
} from '../helpers/browser.js';
import { DEMO_PASSWORD } from '../helpers/client.js';
import { LoginPage, login } from '../helpers/pages.js';
import { actorOf, addPerson, councilId, DEMO, membershipId, testPasswordHash } from '../helpers/world.js';

const CLOSED = 'lukket@example.dk';

describe('what people are told, in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
    const glumsoe = councilId(app, 'glumsoe');
    addPerson(app, {
      email: CLOSED,
      name: 'Lukket Konto',
      passwordHash: await testPasswordHash(),
      privacyAccepted: true,
      memberOf: [{ councilId: glumsoe }],
    });
    app.deps.services.members.deactivate(
      actorOf(app, DEMO.formand),
      glumsoe,
      membershipId(app, CLOSED, 'glumsoe'),
    );
  });
  after(() => closeBrowserAndApp({ browser, app }));

  it("a member's start page names their network officer with links to call and write", async () => {
    const { context, page, problems } = await newPage(browser, app.url, 'phone');
    try {
      await login(page, DEMO.hal);
      const card = page.locator('.officer-card');
      assert.match(await visibleText(card), /Din netværksbetjent\s+Glumsø Lokalråd\s+Mads Holm/);
      assert.equal(
        await card.getByRole('link', { name: '55 12 34 10' }).getAttribute('href'),
        'tel:55123410',
      );
      assert.equal(
        await card.getByRole('link', { name: 'betjent@politi.example' }).getAttribute('href'),
        'mailto:betjent@politi.example',
      );
      await checkPage(page, problems, 'phone: start page with the officer card');
      await screenshot(page, 'officer-card-phone');
      await page.setViewportSize(VIEWPORTS.desktop);
      await checkPage(page, problems, 'desktop: start page with the officer card');
      await screenshot(page, 'officer-card-desktop');
    } finally {
      await context.close();
    }
  });

  it('a closed account signing in with its own password is told so, and whom to contact', async () => {
    const { context, page, problems } = await newPage(browser, app.url, 'phone');
    try {
      const form = await LoginPage.open(page);
      await form.fillIn(CLOSED, DEMO_PASSWORD);
      await form.submit();
      await form.verifyOnPage();
      assert.match(await visibleText(form.errorSummary), /Din adgang til Nærnet er lukket/);
      await Promise.all([
        page.waitForURL('**#access-closed'),
        form.errorSummary.getByRole('link', { name: /Din adgang til Nærnet er lukket/ }).click(),
      ]);
      const closed = await visibleText(page.locator('#access-closed'));
      assert.match(closed, /Din adgang er lukket/);
      assert.match(closed, /Glumsø Lokalråd: Birgit Sørensen, formand@glumsoe\.example/);
      assert.match(closed, /Sydsjællands og Lolland-Falsters Politi/);
      await checkPage(page, problems, 'phone: login of a closed account');
      await screenshot(page, 'access-closed-phone');
      await page.setViewportSize(VIEWPORTS.desktop);
      await checkPage(page, problems, 'desktop: login of a closed account');
      await screenshot(page, 'access-closed-desktop');
    } finally {
      await context.close();
    }
  });
});
