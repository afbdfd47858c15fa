/**
 * Every page each demo user can reach, found by following the links a person would follow from
 * the navigation (so new pages are checked as soon as they are linked), at phone and desktop width:
 * zero axe WCAG 2.1 A/AA violations, no sideways scrolling, no CSP violations, no broken assets.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { TestApp } from '../helpers/app.js';
import {
  browserSkip,
  checkPage,
  closeBrowserAndApp,
  newPage,
  type PageProblems,
  startBrowserAndApp,
  VIEWPORTS,
  type ViewportName,
  visibleText,
} from '../helpers/browser.js';
import { LoginPage, login, logout } from '../helpers/pages.js';

/** `kind`: users of the same kind see the same templates, so a page shape is checked once per kind. */
const ROLES = [
  { email: 'admin@politi.example', name: 'Anne Kjær', kind: 'district_admin' },
  { email: 'betjent@politi.example', name: 'Mads Holm', kind: 'officer' },
  { email: 'formand@glumsoe.example', name: 'Birgit Sørensen', kind: 'council_admin' },
  { email: 'hal@glumsoe.example', name: 'Jens Æbeltoft', kind: 'network_person' },
  { email: 'brugs@fladsaa.example', name: 'Lise Østergaard', kind: 'network_person' },
  { email: 'vest@vestegn.example', name: 'Peter Ågård', kind: 'network_person' },
];

const PUBLIC_PAGES = ['/', '/login', '/password/forgot', '/tilgaengelighed', '/privatliv'];
const MISSING_PAGE = '/findes-ikke';

/**
 * Links that are not pages to check: downloads, machine endpoints, actions. Links marked
 * `download` (the personal data exports) are not collected at all.
 */
const NOT_A_PAGE = /^\/(assets\/|healthz|logout|language|unsubscribe\/)|\.(ics|csv|json|txt|pdf)(\?|$)/;
/** A safety stop for the crawl of one user. */
const PAGES_PER_ROLE_LIMIT = 80;

/** Pages of one shape (/admin/councils/:id/edit) share a template: one of each is checked per kind of user. */
const shapeOf = (p: string) => p.replace(/\?.*$/, '').replace(/\/\d+(?=\/|$)/g, '/:id');

/**
 * Checks `path` at the width and returns where the page links to. The page is loaded once, at the
 * first width; the second width resizes the same page, as a person turning a tablet would, which
 * re-applies every media query without paying for a second load and a second axe injection.
 */
async function checkPageAt(
  page: Page,
  problems: PageProblems,
  path: string,
  viewport: ViewportName,
  expectedStatus: number,
  load: boolean,
): Promise<string[]> {
  await page.setViewportSize(VIEWPORTS[viewport]);
  problems.clear();
  if (load) {
    const response = await page.goto(path, { waitUntil: 'load' });
    assert.ok(response, `no response for ${path}`);
    const landed = `${path} (landed on ${new URL(page.url()).pathname})`;
    assert.equal(response.status(), expectedStatus, `${landed} answered ${response.status()}`);
    assert.match(response.headers()['content-type'] ?? '', /text\/html/, `${landed} is not HTML`);
  }
  await checkPage(page, problems, `${path} (${viewport}, on ${new URL(page.url()).pathname})`);
  return page.$$eval(
    'header nav a[href]:not([download]), main a[href]:not([download]), footer a[href]:not([download])',
    (anchors) => anchors.map((a) => a.getAttribute('href') ?? ''),
  );
}

function samePageLinks(links: string[], base: string): string[] {
  const out: string[] = [];
  for (const href of links) {
    if (!href || href.startsWith('#') || href.startsWith('mailto:') || href.startsWith('tel:')) continue;
    const url = new URL(href, base);
    if (url.origin !== new URL(base).origin) continue;
    const p = url.pathname + url.search;
    if (!NOT_A_PAGE.test(p)) out.push(p);
  }
  return out;
}

type CrawlScope = {
  who: string;
  /** Shapes already checked for users of the same kind: visited only to follow their links. */
  checkedShapes: Set<string>;
  /** Paths already checked for everyone (the public pages): not checked again signed in. */
  skip: (path: string) => boolean;
};

/**
 * Breadth-first over the links of the navigation and the pages' own links, each new page shape at
 * both widths as its own subtest. Returns the paths checked, for the form-error pass afterwards.
 */
async function crawl(
  t: TestContext,
  page: Page,
  problems: PageProblems,
  base: string,
  seeds: string[],
  scope: CrawlScope,
): Promise<string[]> {
  const seen = new Set<string>(seeds);
  const queue = [...seen];
  const shapesThisRole = new Set<string>();
  const checked: string[] = [];
  let visits = 0;
  while (queue.length > 0 && visits < PAGES_PER_ROLE_LIMIT) {
    const path = queue.shift() as string;
    const shape = shapeOf(path);
    if (shapesThisRole.has(shape) || scope.skip(path)) continue;
    shapesThisRole.add(shape);
    visits++;
    let links: string[] = [];
    if (scope.checkedShapes.has(shape)) {
      await page.goto(path);
      links = await page.$$eval('header nav a[href]:not([download]), main a[href]:not([download])', (as) =>
        as.map((a) => a.getAttribute('href') ?? ''),
      );
    } else {
      scope.checkedShapes.add(shape);
      checked.push(path);
      const expected = path === MISSING_PAGE ? 404 : 200;
      let loaded = false;
      for (const viewport of ['phone', 'desktop'] as const) {
        await t.test(`${scope.who}: ${path} at ${viewport} width`, async () => {
          links = await checkPageAt(page, problems, path, viewport, expected, !loaded);
          loaded = true;
        });
      }
    }
    for (const next of samePageLinks(links, base)) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return checked;
}

/** Submits the page's forms with their text fields emptied: the 4xx page with errors is checked too. */
async function checkFormErrors(
  t: TestContext,
  page: Page,
  problems: PageProblems,
  path: string,
  who: string,
) {
  await page.goto(path);
  const count = await page.locator('main form[method="post"]').count();
  for (let i = 0; i < count; i++) {
    await page.goto(path);
    const form = page.locator('main form[method="post"]').nth(i);
    // Only forms that demand input: an empty submit of a plain action button (deactivate, delete)
    // would change the data the rest of the crawl looks at.
    const required = form.locator(
      'input[required]:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea[required]',
    );
    if ((await required.count()) === 0) continue;
    const action = (await form.getAttribute('action')) ?? path;
    await t.test(`${who}: ${action} submitted empty shows its errors`, async () => {
      const fields = form.locator(
        'input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=submit]):not([type=file]), textarea',
      );
      for (let f = 0; f < (await fields.count()); f++) await fields.nth(f).fill('');
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        form.locator('button[type="submit"], input[type="submit"]').first().click(),
      ]);
      await page.waitForLoadState('load');
      assert.ok(
        [400, 401, 422].includes(response.status()),
        `${action} with empty fields answered ${response.status()}, expected 400/422 with the form again`,
      );
      assert.equal(await page.locator('.error-summary').count(), 1, 'an error summary above the form');
      for (const viewport of ['phone', 'desktop'] as const) {
        await page.setViewportSize(VIEWPORTS[viewport]);
        problems.clear();
        await checkPage(page, problems, `${action} with errors (${viewport})`);
      }
    });
  }
}

describe('every page at phone and desktop width', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;
  const shapesByKind = new Map<string, Set<string>>();
  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
  });
  after(() => closeBrowserAndApp({ browser, app }));

  it('the public pages, the 404 page and the login form with errors pass axe and reflow', async (t) => {
    const { context, page, problems } = await newPage(browser, app.url, 'phone');
    try {
      await crawl(t, page, problems, app.url, [...PUBLIC_PAGES, MISSING_PAGE], {
        who: 'anonymous',
        checkedShapes: new Set(),
        skip: () => false,
      });
      await checkFormErrors(t, page, problems, '/login', 'anonymous');
      await checkFormErrors(t, page, problems, '/password/forgot', 'anonymous');
    } finally {
      await context.close();
    }
  });

  for (const role of ROLES) {
    it(`every page ${role.email} can reach passes axe and reflow`, async (t) => {
      const { context, page, problems } = await newPage(browser, app.url, 'phone');
      try {
        await login(page, role.email);
        const nav = samePageLinks(
          await page.$$eval('header nav a[href]', (as) => as.map((a) => a.getAttribute('href') ?? '')),
          app.url,
        );
        const checkedShapes = shapesByKind.get(role.kind) ?? new Set<string>();
        shapesByKind.set(role.kind, checkedShapes);
        const checked = await crawl(t, page, problems, app.url, ['/', ...nav], {
          who: role.email,
          checkedShapes,
          skip: (path) => path !== '/' && PUBLIC_PAGES.includes(path),
        });
        for (const path of checked) {
          if (path !== '/') await checkFormErrors(t, page, problems, path, role.email);
        }
        // Still signed in after all that: nothing on the way logged the user out.
        await page.goto('/');
        await assert.doesNotReject(page.locator('.portal-user-name', { hasText: role.name }).waitFor());
        await logout(page);
      } finally {
        await context.close();
      }
    });
  }
});

describe('without JavaScript', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;
  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
  });
  after(() => closeBrowserAndApp({ browser, app }));

  it('a browser with JavaScript turned off can log in, see its name, switch language and log out', async () => {
    const { context, page } = await newPage(browser, app.url, 'phone', { javaScriptEnabled: false });
    try {
      await login(page, 'hal@glumsoe.example');
      assert.equal(new URL(page.url()).pathname, '/');
      assert.match(await visibleText(page.locator('.portal-user-name')), /Jens Æbeltoft/);
      await page.locator('form.language-switch button').click();
      await page.waitForLoadState('load');
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      await page.locator('form.language-switch button').click();
      await page.waitForLoadState('load');
      assert.equal(await page.locator('html').getAttribute('lang'), 'da');
      await logout(page);
      assert.equal(await page.locator('.portal-user-name').count(), 0);
      const dashboard = await page.goto('/');
      assert.equal(dashboard?.status(), 200);
      assert.equal(
        await page.locator('.portal-user-name').count(),
        0,
        'the start page is the public one again',
      );
    } finally {
      await context.close();
    }
  });

  it('a browser with JavaScript turned off sees the error summary after an empty login', async () => {
    const { context, page } = await newPage(browser, app.url, 'desktop', { javaScriptEnabled: false });
    try {
      await (await LoginPage.open(page)).submit();
      assert.equal(await page.locator('.error-summary a[href="#field-email"]').count(), 1);
      assert.equal(await page.locator('#field-email[aria-invalid="true"]').count(), 1);
    } finally {
      await context.close();
    }
  });
});

describe('Content Security Policy', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;
  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
  });
  after(() => closeBrowserAndApp({ browser, app }));

  it('the CSP header allows scripts only from the portal itself, never inline', async () => {
    for (const path of ['/', '/login', MISSING_PAGE]) {
      const res = await fetch(new URL(path, app.url));
      const csp = res.headers.get('content-security-policy') ?? '';
      const scriptSrc = /(?:^|;)\s*script-src ([^;]*)/.exec(csp)?.[1] ?? '';
      assert.match(scriptSrc, /'self'/, `${path}: script-src is "${scriptSrc}"`);
      assert.doesNotMatch(scriptSrc, /unsafe-inline|unsafe-eval|\*/, `${path}: script-src is "${scriptSrc}"`);
      assert.doesNotMatch(csp, /(?:^|;)\s*style-src [^;]*unsafe-inline/, `${path}: style-src allows inline`);
    }
  });

  it('the browser refuses an inline script on a portal page and reports the violation', async () => {
    const { context, page, problems } = await newPage(browser, app.url, 'desktop');
    try {
      await page.goto('/');
      problems.clear();
      await page
        .addScriptTag({ content: 'window.__inlineRan = true;' })
        .catch(() => undefined /* refused: that is the point */);
      assert.equal(await page.evaluate(() => (window as { __inlineRan?: boolean }).__inlineRan), undefined);
      await page.waitForTimeout(50);
      assert.ok(
        problems.list.some((p) => p.startsWith('CSP:')),
        `expected a CSP violation, got ${JSON.stringify(problems.list)}`,
      );
    } finally {
      await context.close();
    }
  });
});
