/**
 * The browser layer's plumbing: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), axe with the WCAG 2.1 A/AA tags, and the checks every page must pass.
 *
 * Without Chromium the suites are skipped with one line saying how to install it — unless
 * REQUIRE_BROWSER=1 (as in .ci/run), where the absence fails the run (DESIGN §5).
 */
import assert from 'node:assert/strict';
import { accessSync, constants, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { startTestApp, type TestApp, type TestAppOptions } from './app.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const REQUIRE_BROWSER = process.env.REQUIRE_BROWSER === '1';

export const VIEWPORTS = {
  phone: { width: 375, height: 740 },
  desktop: { width: 1280, height: 900 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function chromiumPresent(): boolean {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const MISSING_MESSAGE = `Browser-tests sprunget over: Chromium mangler (${CHROMIUM_PATH}). Installér med: apt-get install -y chromium — eller sæt CHROMIUM_PATH.`;

/**
 * `false` when the browser suites should run, else the skip reason for describe({ skip }).
 * The explanation is printed once per test run, not once per file: every browser test file runs in
 * its own process under the same `node --test` parent, so a marker file keyed by that parent decides.
 */
export const browserSkip: string | false = (() => {
  if (chromiumPresent() || REQUIRE_BROWSER) return false;
  try {
    openSync(path.join(tmpdir(), `naernet-browser-skip-${process.ppid}`), 'wx');
    console.log(MISSING_MESSAGE);
  } catch {
    // Another browser test file of this run has already said it.
  }
  return 'Chromium mangler';
})();

/** Starts Chromium; with REQUIRE_BROWSER=1 and no Chromium this throws, so the run fails. */
export async function launchBrowser(): Promise<Browser> {
  if (!chromiumPresent()) throw new Error(MISSING_MESSAGE.replace('sprunget over', 'kan ikke køre'));
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: LAUNCH_ARGS });
}

/** Chromium and a fresh test app, for a describe block's before(). */
export async function startBrowserAndApp(
  options?: TestAppOptions,
): Promise<{ browser: Browser; app: TestApp }> {
  return { browser: await launchBrowser(), app: await startTestApp(options) };
}

/** Closes what startBrowserAndApp started; either may be missing when before() failed. */
export async function closeBrowserAndApp(started: { browser?: Browser; app?: TestApp }): Promise<void> {
  await started.browser?.close();
  await started.app?.close();
}

export type PageOptions = {
  javaScriptEnabled?: boolean;
  /** Cookies to start with, e.g. a session a login made earlier (test/helpers/pages.ts). */
  storageState?: Awaited<ReturnType<BrowserContext['storageState']>>;
};

/** A fresh context (own cookies) and page at the given width, with its problems recorded. */
export async function newPage(
  browser: Browser,
  baseURL: string,
  viewport: ViewportName = 'desktop',
  options: PageOptions = {},
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext({
    baseURL,
    viewport: VIEWPORTS[viewport],
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    locale: 'da-DK',
    storageState: options.storageState,
  });
  const page = await context.newPage();
  return { context, page, problems: watchProblems(page) };
}

/**
 * What the browser complained about: CSP violations, script errors, and failed subresources
 * (a missing stylesheet is a broken page even if axe is happy). The main document's own status
 * (a 404 page) is not a problem.
 */
export type PageProblems = { list: string[]; clear(): void };

export function watchProblems(page: Page): PageProblems {
  const list: string[] = [];
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(text)) list.push(`CSP: ${text}`);
    else if (msg.type() === 'error' && !/Failed to load resource/.test(text)) list.push(`console: ${text}`);
  });
  page.on('pageerror', (err) => list.push(`script error: ${err.message}`));
  page.on('requestfailed', (req) => {
    // ERR_ABORTED is Chromium cancelling a load it no longer needs (a CSS image whose rule stopped
    // matching, a navigation); a missing asset shows up as a 4xx response below instead.
    const error = req.failure()?.errorText ?? '';
    if (req.resourceType() !== 'document' && error !== 'net::ERR_ABORTED')
      list.push(`failed: ${req.url()} (${error})`);
  });
  page.on('response', (res) => {
    if (res.request().resourceType() !== 'document' && res.status() >= 400)
      list.push(`${res.status()}: ${res.url()}`);
  });
  return {
    list,
    clear() {
      list.length = 0;
    },
  };
}

/** The text a person sees in the element (rendered text: hidden parts left out, unlike textContent). */
export function visibleText(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text, which is what is asserted.
  return locator.innerText();
}

/**
 * axe-core's own source, run only where the page has no axe yet: @axe-core/playwright evaluates
 * it once to look and once more to inject, and on a portal page the second run is a fifth of the
 * check's time.
 */
const AXE_SOURCE = `if (!window.axe) {\n${readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')}\n}`;

/** axe with the WCAG 2.1 A and AA rules: zero violations, listed readably when there are some. */
export async function checkA11y(page: Page, label = page.url()): Promise<void> {
  // Legacy mode runs axe once inside the page instead of per frame plus a finishing run in a new
  // blank page: about half the time. It reaches only same-origin frames, and the newsletter
  // preview is framed with an opaque origin (sandbox), so a page with any frame gets the full run.
  const framed = page.frames().length > 1;
  const results = await new AxeBuilder({ page, axeSource: AXE_SOURCE })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    // Only violations are reported in detail: the passes are not needed and cost time on every page.
    .options({ resultTypes: ['violations'] })
    .setLegacyMode(!framed)
    .analyze();
  if (results.violations.length === 0) return;
  const report = results.violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 5)
        .map(
          (n) =>
            `      ${n.target.join(' ')}\n        ${n.html.slice(0, 200)}\n        ${n.failureSummary?.replace(/\n/g, ' ') ?? ''}`,
        )
        .join('\n');
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} element(s))\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
  assert.fail(`axe found ${results.violations.length} WCAG 2.1 A/AA violation(s) on ${label}:\n${report}`);
}

/** Nothing may force the reader to scroll sideways (WCAG 1.4.10 Reflow at 320 CSS px and up). */
export async function assertNoHorizontalScroll(page: Page, label = page.url()): Promise<void> {
  const { scrollWidth, clientWidth, culprits } = await page.evaluate(() => {
    const doc = document.documentElement;
    const width = doc.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 1)
      .slice(0, 5)
      .map(
        (el) =>
          `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} (right ${Math.round(el.getBoundingClientRect().right)})`,
      );
    return { scrollWidth: doc.scrollWidth, clientWidth: width, culprits: wide };
  });
  assert.ok(
    scrollWidth <= clientWidth,
    `${label} scrolls sideways: scrollWidth ${scrollWidth} > clientWidth ${clientWidth}; widest: ${culprits.join(', ')}`,
  );
}

/** Every check a page must pass: axe, no sideways scrolling, nothing the browser complained about. */
export async function checkPage(page: Page, problems: PageProblems, label = page.url()): Promise<void> {
  await checkA11y(page, label);
  await assertNoHorizontalScroll(page, label);
  assert.deepEqual(problems.list, [], `${label}: the browser reported problems`);
}

/**
 * A screenshot for a person to look at, under /tmp/shots (never in the repository), taken only
 * with SCREENSHOTS=1: nobody looks at the ones an ordinary run would write.
 */
export async function screenshot(page: Page, name: string): Promise<string | undefined> {
  if (process.env.SCREENSHOTS !== '1') return undefined;
  const dir = '/tmp/shots';
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * checkPage on the page as it is loaded, at phone width and then resized to desktop width: the
 * resize re-applies every media query (and DKFDS's resize handlers) without a second load or a
 * second axe injection. What the browser reported before the phone check counts against it; the
 * list is cleared between the widths. With `shot`, a screenshot `${shot}-phone` and
 * `${shot}-desktop` (written only with SCREENSHOTS=1). The page is left at the width it had, so
 * the steps after the check act at that width.
 */
export async function checkBothWidths(
  page: Page,
  problems: PageProblems,
  label: string,
  shot?: string,
): Promise<void> {
  const sameSize = (a: { width: number; height: number } | null, b: { width: number; height: number }) =>
    a?.width === b.width && a.height === b.height;
  const start = page.viewportSize();
  try {
    for (const viewport of ['phone', 'desktop'] as const) {
      if (viewport === 'desktop') problems.clear();
      if (!sameSize(page.viewportSize(), VIEWPORTS[viewport]))
        await page.setViewportSize(VIEWPORTS[viewport]);
      await checkPage(page, problems, `${label} (${viewport})`);
      if (shot) await screenshot(page, `${shot}-${viewport}`);
    }
  } finally {
    if (start && !sameSize(page.viewportSize(), start)) await page.setViewportSize(start);
  }
}
