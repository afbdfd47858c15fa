/**
 * The main journeys clicked through in a real browser, as the people in DESIGN §2 would:
 * logging in and out, switching language, a council admin inviting and deactivating members.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestApp } from '../helpers/app.js';
import {
  browserSkip,
  checkA11y,
  closeBrowserAndApp,
  newPage,
  screenshot,
  startBrowserAndApp,
  VIEWPORTS,
  visibleText,
} from '../helpers/browser.js';
import { DEMO_PASSWORD } from '../helpers/client.js';
import { LoginPage, login, logout, SharedPages } from '../helpers/pages.js';
import { councilId, linkIn } from '../helpers/world.js';

const COUNCIL_ADMIN = 'formand@glumsoe.example';

describe('journeys in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;
  let glumsoeId: number;
  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
    glumsoeId = councilId(app, 'glumsoe');
  });
  /** One browser per person, kept for the block: the portal's assets are loaded once. */
  const shared = new SharedPages(
    () => browser,
    () => app,
  );
  after(async () => {
    await shared.closeAll();
    await closeBrowserAndApp({ browser, app });
  });

  /**
   * A browser at phone width (the journeys are what a network person does on the go) with its
   * cookies cleared: no session, no choice of language — as fresh as a new one to the portal.
   */
  async function phone(): Promise<{ context: BrowserContext; page: Page }> {
    const { page } = await shared.open(null, 'phone');
    await page.context().clearCookies();
    return { context: page.context(), page };
  }

  it('a network person logs in with the form, sees their name, and logs out again', async () => {
    const { page } = await phone();
    await page.goto('/');
    await page.getByRole('link', { name: 'Log ind' }).first().click();
    await page.waitForURL('**/login');
    await page.getByLabel('E-mail').fill('hal@glumsoe.example');
    await page.getByLabel('Adgangskode').fill(DEMO_PASSWORD);
    await page.locator('main').getByRole('button', { name: 'Log ind' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    assert.match(await visibleText(page.locator('header')), /Jens Æbeltoft/);
    assert.match(await visibleText(page.locator('h1')), /Jens Æbeltoft/);
    await page.getByRole('button', { name: 'Log ud' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    assert.doesNotMatch(await visibleText(page.locator('header')), /Jens Æbeltoft/);
    await page.goto('/');
    assert.doesNotMatch(await visibleText(page.locator('body')), /Jens Æbeltoft/, 'signed out for real');
  });

  it('a wrong password keeps the email, shows the error summary and moves focus to it', async () => {
    const { page } = await phone();
    await page.goto('/login');
    await page.getByLabel('E-mail').fill('hal@glumsoe.example');
    await page.getByLabel('Adgangskode').fill('not-the-password');
    await page.locator('main').getByRole('button', { name: 'Log ind' }).click();
    await page.locator('.error-summary').waitFor();
    assert.match(await visibleText(page.locator('.error-summary')), /E-mail eller adgangskode er forkert/);
    assert.equal(await page.getByLabel('E-mail').inputValue(), 'hal@glumsoe.example');
    assert.equal(
      await page.evaluate(() => document.activeElement?.classList.contains('error-summary')),
      true,
    );
    await page.locator('.error-summary a').first().click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'field-email');
  });

  it('the language switch turns the page into English and back into Danish', async () => {
    const { page } = await phone();
    await page.goto('/privatliv');
    const danishHeading = await visibleText(page.locator('h1'));
    assert.equal(await page.locator('html').getAttribute('lang'), 'da');
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.equal(new URL(page.url()).pathname, '/privatliv', 'stays on the same page');
    const englishHeading = await visibleText(page.locator('h1'));
    assert.notEqual(englishHeading, danishHeading);
    assert.match(await visibleText(page.locator('header')), /Log in/);
    await checkA11y(page, '/privatliv in English');
    await page.getByRole('button', { name: 'Dansk' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'da');
    assert.equal(await visibleText(page.locator('h1')), danishHeading);
    assert.match(await visibleText(page.locator('header')), /Log ind/);
  });

  it("a signed-in user's choice of English follows them to their next login", async () => {
    const { context, page } = await phone();
    await login(page, 'brugs@fladsaa.example');
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await context.clearCookies();
    await login(page, 'brugs@fladsaa.example');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await page.getByRole('button', { name: 'Dansk' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'da');
  });

  /** The council admin, signed in, at phone width. */
  const councilAdmin = () => shared.open(COUNCIL_ADMIN, 'phone');

  it('on a phone the main menu is visible and leads to the pages of the role', async () => {
    const { page } = await councilAdmin();
    const menu = page.getByRole('navigation', { name: 'Hovedmenu' });
    assert.ok(
      await menu.getByRole('link', { name: 'Forside' }).isVisible(),
      '"Forside" is visible in the menu',
    );
    // With JavaScript, DKFDS folds the items that do not fit into a "Mere" menu; without it they wrap.
    const account = menu.getByRole('link', { name: 'Min konto' });
    if (!(await account.isVisible())) await menu.getByRole('button', { name: /Mere/ }).click();
    assert.ok(await account.isVisible(), '"Min konto" is reachable from the menu');
    await menu.getByRole('link', { name: 'Min konto' }).click();
    await page.waitForURL((url) => url.pathname === '/account');
  });

  /** The members feature: detected at runtime so the journeys run the moment it is merged. */
  async function openMemberList(t: TestContext, page: Page): Promise<boolean> {
    const response = await page.goto(`/councils/${glumsoeId}/members`);
    if (response?.status() === 404) {
      t.skip('members feature not merged yet');
      return false;
    }
    assert.equal(response?.status(), 200);
    return true;
  }

  it('a council admin invites a member, who sets a password from the mail and logs in', async (t) => {
    const admin = await councilAdmin();
    const invitee = await phone();
    if (!(await openMemberList(t, admin.page))) return;
    const { page } = admin;
    // The invitation form: on the list itself or behind a link to it (GET …/members/new).
    if ((await page.locator(`main form[action$="/councils/${glumsoeId}/members"]`).count()) === 0) {
      const newForm = await page.goto(`/councils/${glumsoeId}/members/new`);
      assert.equal(newForm?.status(), 200, 'the invitation form');
    }
    await checkA11y(page, 'the invitation form');
    await page.locator('#field-name').fill('Karen Brugsen');
    await page.locator('#field-email').fill('karen@glumsoe.example');
    await page.locator('#field-title').fill('kasserer');
    const roleSelect = page.locator('select#field-role');
    if ((await roleSelect.count()) > 0) await roleSelect.selectOption('network_person');
    else await page.locator('input[name="role"][value="network_person"]').check();
    await page.locator(`main form[action$="/councils/${glumsoeId}/members"] button[type="submit"]`).click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('.error-summary').count(), 0, 'the invitation was accepted');
    assert.match(await visibleText(page.locator('main')), /Karen Brugsen/);

    await app.deliverMail();
    const [mail] = app.smtp.to('karen@glumsoe.example');
    assert.ok(mail, 'the invitation mail arrived');
    const link = linkIn(mail, '/invitations/');

    const p = invitee.page;
    await p.goto(link);
    assert.match(await visibleText(p.locator('main')), /Karen Brugsen/);
    await checkA11y(p, 'the invitation page');
    // First without accepting the privacy notice: the form says so and keeps nothing secret.
    await p.locator('#field-password').fill('lokal-tryghed-2015');
    await p.locator('#field-password_confirm').fill('lokal-tryghed-2015');
    await p.locator('main button[type="submit"]').click();
    await p.locator('.error-summary').waitFor();
    await checkA11y(p, 'the invitation page with errors');
    await p.locator('#field-password').fill('lokal-tryghed-2015');
    await p.locator('#field-password_confirm').fill('lokal-tryghed-2015');
    await p.locator('#field-accept_privacy').check();
    await p.locator('main button[type="submit"]').click();
    // Accepting signs the new member in on the start page.
    await p.waitForURL((url) => url.pathname === '/');
    assert.match(await visibleText(p.locator('header')), /Karen Brugsen/);

    // The link was single-use.
    const again = await p.goto(link);
    assert.ok(again && again.status() >= 400, 'the invitation link cannot be used twice');
  });

  it('a council admin deactivates a member, who can then no longer log in', async (t) => {
    const { page } = await councilAdmin();
    if (!(await openMemberList(t, page))) return;
    await page
      .locator('main')
      .getByRole('link', { name: /Jens Æbeltoft/ })
      .first()
      .click();
    await page.waitForLoadState('load');
    // A deactivate button, possibly followed by a confirmation page with another one.
    for (let step = 0; step < 3; step++) {
      const button = page.locator('main').getByRole('button', { name: /^Deaktiv/i });
      if ((await button.count()) === 0) break;
      await checkA11y(page, `deactivation step ${step + 1}`);
      await Promise.all([page.waitForLoadState('load'), button.first().click()]);
      await page.waitForLoadState('load');
    }
    assert.equal(await page.locator('.error-summary').count(), 0);
    assert.match(
      await visibleText(page.locator('main')),
      /deaktiv/i,
      'the page says the member is deactivated',
    );

    const gone = await phone();
    const form = await LoginPage.open(gone.page);
    await form.fillIn('hal@glumsoe.example', DEMO_PASSWORD);
    await form.submit();
    assert.equal(new URL(gone.page.url()).pathname, '/login', 'a deactivated member cannot log in');
    assert.equal(await form.errorSummary.count(), 1);
  });
});

/**
 * Screenshots for a person to look at (SCREENSHOTS=1): the start page, the login form with errors
 * and the signed-in start page at both widths, written to /tmp/shots. SCREENSHOT_USER and
 * SCREENSHOT_PATHS (comma-separated) add the pages of another user.
 */
describe('screenshots for review', {
  skip: browserSkip || (process.env.SCREENSHOTS !== '1' && 'set SCREENSHOTS=1'),
}, () => {
  let app: TestApp;
  let browser: Browser;
  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
  });
  after(() => closeBrowserAndApp({ browser, app }));

  for (const viewport of Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[]) {
    it(`writes /tmp/shots/*-${VIEWPORTS[viewport].width}.png`, async () => {
      const { context, page } = await newPage(browser, app.url, viewport);
      const w = VIEWPORTS[viewport].width;
      try {
        await page.goto('/');
        await screenshot(page, `start-${w}`);
        const form = await LoginPage.open(page);
        await form.submitButton.click();
        await form.errorSummary.waitFor();
        await screenshot(page, `login-errors-${w}`);
        await login(page, process.env.SCREENSHOT_USER ?? COUNCIL_ADMIN);
        await screenshot(page, `dashboard-${w}`);
        for (const path of (process.env.SCREENSHOT_PATHS ?? '').split(',').filter(Boolean)) {
          await page.goto(path);
          await screenshot(page, `${path.replace(/\W+/g, '_')}-${w}`);
        }
        await logout(page);
      } finally {
        await context.close();
      }
    });
  }
});
