/**
 * Invitations that need the invitee's consent (issue 11, item 2) in a real browser: the invitee
 * follows the start page's notice to /invitations, declines one and accepts another; the council
 * admin's list and edit page of a pending invitation; a new address declining on its link page —
 * each at phone and desktop width with zero axe WCAG 2.1 A/AA violations and no sideways scrolling.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
import { signedInPage } from '../helpers/pages.js';
import { actorOf, councilId, DEMO, lastMailTo, linkIn } from '../helpers/world.js';

describe('invitations that need consent, in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;

  const invite = (by: string, slug: string, name: string, email: string, title = '') =>
    app.deps.services.members.invite(actorOf(app, by), councilId(app, slug), {
      name,
      email,
      title,
      role: 'network_person',
    });

  /** The person who answers, and the second council that invites them. */
  const invitee = { email: DEMO.vest, other: 'Fladså Lokalråd', otherSlug: 'fladsaa' };

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
    invite(DEMO.formand, 'glumsoe', 'Typet Navn', invitee.email, 'kasserer');
    invite(DEMO.admin, invitee.otherSlug, 'Andet Navn', invitee.email);
    invite(DEMO.formand, 'glumsoe', 'Betjent Typet', DEMO.officer, 'kontaktperson');
  });
  after(() => closeBrowserAndApp({ browser, app }));

  it("the invitee follows the start page's notice, declines one invitation and accepts the other, each page at phone and desktop width", async () => {
    const { email, other } = invitee;
    const { context, page, problems } = await signedInPage(browser, app, email, 'phone');
    try {
      await page.goto('/');
      assert.match(
        await visibleText(page.locator('.invitation-notice')),
        /2 lokalråd vil gerne have dig med/,
      );
      await checkBothWidths(page, problems, 'start page with the invitation notice', 'invitation-notice');
      await Promise.all([
        page.waitForURL('**/invitations'),
        page.getByRole('link', { name: 'Se invitationen og svar' }).click(),
      ]);
      const list = await visibleText(page.locator('main'));
      assert.match(list, /Glumsø Lokalråd\s+Birgit Sørensen inviterede dig den/);
      assert.match(list, /Rolle: Netværksperson \(kasserer\)/);
      await checkBothWidths(page, problems, 'invitations', 'invitations');

      await Promise.all([
        page.waitForURL((url) => url.pathname === '/'),
        page.getByRole('button', { name: `Afvis – ${other}` }).click(),
      ]);
      assert.match(
        await visibleText(page.locator('.alert-success')),
        new RegExp(`afvist invitationen fra ${other}`),
      );
      await page.goto('/invitations');
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/'),
        page.getByRole('button', { name: 'Accepter – Glumsø Lokalråd' }).click(),
      ]);
      assert.match(await visibleText(page.locator('.alert-success')), /Du er nu medlem af Glumsø Lokalråd/);
      assert.match(
        await visibleText(page.locator('.role-list')),
        /Netværksperson, Glumsø Lokalråd \(kasserer\)/,
      );
      assert.equal(await page.locator('.invitation-notice').count(), 0);
      await checkBothWidths(page, problems, 'start page after accepting', 'invitation-accepted');

      await page.goto('/invitations');
      assert.match(
        await visibleText(page.locator('main')),
        /Du har ingen invitationer, der venter på dit svar/,
      );
      await checkBothWidths(page, problems, 'invitations, none left');
    } finally {
      await context.close();
    }
  });

  it('the council admin sees a pending invitation only as typed, and can withdraw it, at phone and desktop width', async () => {
    const { context, page, problems } = await signedInPage(browser, app, DEMO.formand, 'phone');
    try {
      await page.goto(`/councils/${councilId(app, 'glumsoe')}/members`);
      const table = await visibleText(page.locator('main table'));
      assert.match(table, /Betjent Typet/);
      assert.doesNotMatch(table, /Mads Holm/);
      await checkBothWidths(page, problems, 'member list with a pending invitation', 'members-pending');
      await page.getByRole('link', { name: /Betjent Typet/ }).click();
      await page.waitForURL('**/edit');
      const main = await visibleText(page.locator('main'));
      assert.match(main, /Rediger Betjent Typet/);
      assert.match(main, /Træk invitationen tilbage/);
      assert.doesNotMatch(main, /Mads Holm|55 12 34 10/);
      await checkBothWidths(page, problems, 'edit page of a pending invitation', 'members-pending-edit');
    } finally {
      await context.close();
    }
  });

  it('a new address can decline from its link page, each page at phone and desktop width', async () => {
    const email = 'nej@example.dk';
    invite(DEMO.formand, 'glumsoe', 'Nej Tak', email);
    const path = new URL(linkIn(await lastMailTo(app, email), '/invitations/')).pathname;
    const { context, page, problems } = await newPage(browser, app.url, 'phone');
    try {
      await page.goto(path);
      assert.match(await visibleText(page.locator('main')), /Vil du ikke være med\?/);
      await checkBothWidths(page, problems, 'invitation link page', 'invitation-link');
      await Promise.all([
        page.waitForURL('**/decline'),
        page.getByRole('link', { name: 'Afvis invitationen' }).click(),
      ]);
      assert.match(await visibleText(page.locator('main')), /sendt til Nej Tak/);
      await checkBothWidths(page, problems, 'decline confirmation', 'invitation-decline');
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/'),
        page.getByRole('button', { name: 'Afvis invitationen' }).click(),
      ]);
      assert.match(await visibleText(page.locator('.alert-success')), /Du har afvist invitationen/);
      await checkBothWidths(page, problems, 'welcome page after declining');
    } finally {
      await context.close();
    }
  });
});
