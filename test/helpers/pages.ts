/**
 * Page objects for the pages several browser tests drive — the login form, the concern form and
 * the case page — each with a check that the browser is on it, and signed-in pages that reuse a
 * login. The plumbing (Chromium, axe, the page checks) is in test/helpers/browser.ts.
 */
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import type { TestApp } from './app.js';
import { newPage, type PageOptions, type PageProblems, type ViewportName, visibleText } from './browser.js';
import { DEMO_PASSWORD } from './client.js';

// ------------------------------------------------------------------ logging in and out

/** /login: the form, its error summary, and logging in as a person would. */
export class LoginPage {
  constructor(readonly page: Page) {}

  static async open(page: Page): Promise<LoginPage> {
    await page.goto('/login');
    const login = new LoginPage(page);
    await login.verifyOnPage();
    return login;
  }

  get email(): Locator {
    return this.page.locator('#field-email');
  }
  get password(): Locator {
    return this.page.locator('#field-password');
  }
  get submitButton(): Locator {
    return this.page.locator('main form[action="/login"] button[type="submit"]');
  }
  get errorSummary(): Locator {
    return this.page.locator('.error-summary');
  }

  async verifyOnPage(): Promise<void> {
    assert.equal(new URL(this.page.url()).pathname, '/login', 'on the login page');
    assert.equal(await this.submitButton.count(), 1, 'the login form is shown');
  }

  async fillIn(email: string, password: string): Promise<void> {
    await this.email.fill(email);
    await this.password.fill(password);
  }

  /** Sends the form and waits for the page it leads to (the same page again when refused). */
  async submit(): Promise<void> {
    await this.submitButton.click();
    await this.page.waitForLoadState('load');
  }

  /** Logs in and waits for the page after the login form. */
  async logIn(email: string, password = DEMO_PASSWORD): Promise<void> {
    await this.fillIn(email, password);
    await Promise.all([this.page.waitForURL((url) => url.pathname !== '/login'), this.submitButton.click()]);
  }
}

/** Logs in through the form, as a person would, and waits for the page after it. */
export async function login(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await (await LoginPage.open(page)).logIn(email, password);
}

/** Logs out with the header's Log ud button. */
export async function logout(page: Page): Promise<void> {
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/login'),
    page.locator('form.logout-form button[type="submit"]').click(),
  ]);
}

type Session = NonNullable<PageOptions['storageState']>;
const sessions = new WeakMap<TestApp, Map<string, Session>>();

/**
 * A fresh context (own page, own problem list) at the width, already signed in as `email`. The
 * first call for a person logs in through the form; later calls start with the session cookie
 * that login made, so a test about a page does not pay for a login each time. A test that ends
 * sessions (moves the clock past the idle time, logs out) logs in with `login` instead.
 */
export async function signedInPage(
  browser: Browser,
  app: TestApp,
  email: string,
  viewport: ViewportName = 'desktop',
  options: PageOptions = {},
): ReturnType<typeof newPage> {
  let known = sessions.get(app);
  if (!known) {
    known = new Map();
    sessions.set(app, known);
  }
  const session = known.get(email);
  if (session) return newPage(browser, app.url, viewport, { ...options, storageState: session });
  const opened = await newPage(browser, app.url, viewport, options);
  await login(opened.page, email);
  known.set(email, await opened.context.storageState());
  return opened;
}

/**
 * One browser context per person (null: not signed in) and width, kept for a describe block. A
 * test that only opens a page and checks it takes its page here instead of a fresh context: the
 * portal's assets are then cached and the person logged in once. Close them all in after().
 */
export class SharedPages {
  private readonly opened = new Map<string, ReturnType<typeof newPage>>();

  constructor(
    private readonly browser: () => Browser,
    private readonly app: () => TestApp,
  ) {}

  /** The person's page at the width, with an empty problem list. */
  async open(who: string | null, viewport: ViewportName): Promise<{ page: Page; problems: PageProblems }> {
    const key = `${who ?? ''} ${viewport}`;
    let opening = this.opened.get(key);
    if (!opening) {
      opening = who
        ? signedInPage(this.browser(), this.app(), who, viewport)
        : newPage(this.browser(), this.app().url, viewport);
      this.opened.set(key, opening);
    }
    const { page, problems } = await opening;
    problems.clear();
    return { page, problems };
  }

  async closeAll(): Promise<void> {
    for (const opening of this.opened.values()) await (await opening).context.close();
    this.opened.clear();
  }
}

// ------------------------------------------------------------------ concerns

export type ConcernInput = {
  category: string;
  title: string;
  description: string;
  location: string;
  /** A datetime-local value, "2015-02-24T18:30". */
  occurredAt: string;
  /** Path of a picture to attach. */
  photo: string;
};

/** /concerns/new, "Giv en bekymring videre": works with and without JavaScript. */
export class ConcernFormPage {
  constructor(readonly page: Page) {}

  static async open(page: Page): Promise<ConcernFormPage> {
    await page.goto('/concerns/new');
    const form = new ConcernFormPage(page);
    await form.verifyOnPage();
    return form;
  }

  get submitButton(): Locator {
    return this.page.locator('main form[action^="/concerns?"] button[type="submit"]');
  }

  async verifyOnPage(): Promise<void> {
    assert.equal(new URL(this.page.url()).pathname, '/concerns/new', 'on the concern form');
  }

  /** Sends the form empty and waits for the error summary the server answers with. */
  async submitEmpty(): Promise<void> {
    await this.submitButton.click();
    await this.page.locator('.error-summary').waitFor();
  }

  /** Fills in and sends the form, with a photo, and waits for the case page of the new concern. */
  async send(input: ConcernInput): Promise<CasePage> {
    await this.page.locator('#field-category').selectOption({ label: input.category });
    await this.page.locator('#field-title').fill(input.title);
    await this.page.locator('#field-description').fill(input.description);
    await this.page.locator('#field-location').fill(input.location);
    await this.page.locator('#field-occurred_at').fill(input.occurredAt);
    await this.page.locator('#field-photos').setInputFiles(input.photo);
    await Promise.all([
      this.page.waitForURL((url) => /^\/concerns\/\d+$/.test(url.pathname)),
      this.submitButton.click(),
    ]);
    return new CasePage(this.page);
  }
}

/** /concerns/:id, the case page, as its reporter or staff see it. */
export class CasePage {
  constructor(readonly page: Page) {}

  /** The concern's number, from the address. */
  get id(): number {
    return Number(new URL(this.page.url()).pathname.split('/').pop());
  }

  async verifyOnPage(): Promise<void> {
    assert.match(new URL(this.page.url()).pathname, /^\/concerns\/\d+$/, 'on a case page');
  }

  /** The green confirmation above the case ("Tak – vi har modtaget din bekymring #…"). */
  successText(): Promise<string> {
    return visibleText(this.page.locator('.alert-success'));
  }

  /** Every photo on the page has loaded as a real image (not a broken-image icon). */
  async assertPhotosLoaded(count: number): Promise<void> {
    const imgs = this.page.locator('main .concern-photos img');
    assert.equal(await imgs.count(), count, `${count} photo(s) shown`);
    for (let i = 0; i < count; i++) {
      const img = imgs.nth(i);
      await img.scrollIntoViewIfNeeded();
      const natural = await img.evaluate((el) => (el as HTMLImageElement).naturalWidth);
      assert.ok(natural > 0, `photo ${i + 1} loaded`);
    }
  }
}
