/**
 * Issue 6 in a real browser: /stats and the printable /stats/report as the district admin (axe
 * clean and no sideways scrolling at phone and desktop width, charts with text alternatives), the
 * council admin's view of their own council only, the network person's 404 — and the report
 * printed to PDF by Chromium on A4 pages.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TestApp } from '../helpers/app.js';
import {
  assertNoHorizontalScroll,
  browserSkip,
  checkA11y,
  checkBothWidths,
  closeBrowserAndApp,
  startBrowserAndApp,
  VIEWPORTS,
  type ViewportName,
  visibleText,
} from '../helpers/browser.js';
import { SharedPages, signedInPage } from '../helpers/pages.js';

const PDFTOTEXT = '/usr/bin/pdftotext';
const DAY = 86_400_000;

describe('the evaluation in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
    // Concerns spread over the last months, so every chart has bars to draw.
    const db = app.deps.db;
    const councils = db.prepare('SELECT id FROM councils ORDER BY id').pluck().all() as number[];
    const categories = db.prepare('SELECT id FROM categories ORDER BY id').pluck().all() as number[];
    const insert = db.prepare(
      `INSERT INTO concerns (council_id, category_id, title, description, status, first_response_at,
         resolution, feedback, created_at, updated_at, closed_at)
       VALUES (?, ?, 'Seed', 'Seed', ?, ?, ?, ?, ?, ?, ?)`,
    );
    const iso = (ms: number) => new Date(ms).toISOString();
    db.transaction(() => {
      for (let i = 0; i < 60; i++) {
        const created = Date.now() - ((i * 5) % 300) * DAY - 3_600_000;
        const closed = i % 3 === 0;
        insert.run(
          councils[i % councils.length],
          categories[i % categories.length],
          closed ? 'closed' : 'in_progress',
          iso(created + (i % 7) * 3_600_000),
          closed ? 'resolved' : null,
          closed && i % 2 === 0 ? 'Tak' : null,
          iso(created),
          iso(created),
          closed ? iso(created + (i % 5) * DAY) : null,
        );
      }
    })();
  });

  /** The district admin's page, kept for the block. */
  const shared = new SharedPages(
    () => browser,
    () => app,
  );
  after(async () => {
    await shared.closeAll();
    await closeBrowserAndApp({ browser, app });
  });

  it('shows the district admin /stats and the report with charts and tables, axe clean, at phone and desktop width', async () => {
    const { page, problems } = await shared.open('admin@politi.example', 'phone');
    const response = await page.goto('/stats');
    assert.equal(response?.status(), 200);
    assert.equal(await visibleText(page.locator('h1')), 'Evaluering');
    // Every chart is an image with a text alternative, and a table with the numbers beside it.
    const charts = page.locator('main svg[role="img"]');
    assert.ok((await charts.count()) >= 4);
    for (const chart of await charts.all()) {
      const labelledBy = (await chart.getAttribute('aria-labelledby')) ?? '';
      assert.ok(labelledBy.split(' ').length === 2);
      assert.ok((await chart.locator('desc').textContent())?.includes(':'));
    }
    assert.ok((await page.locator('main .stats-figure table').count()) >= 4);
    // The downloads and the survey link are visible at both widths.
    const linksVisible = async (viewport: ViewportName) => {
      for (const link of [
        'a[href^="/stats/concerns.csv?"]',
        'a[href^="/stats/figures.csv?"]',
        'a[href="/surveys"]',
      ])
        assert.ok(await page.locator(link).isVisible(), `${link} is visible at ${viewport} width`);
    };
    await linksVisible('phone');
    await checkBothWidths(page, problems, '/stats');
    await page.setViewportSize(VIEWPORTS.desktop);
    await linksVisible('desktop');
    await page.setViewportSize(VIEWPORTS.phone);

    await page.goto('/stats/report');
    assert.match(await visibleText(page.locator('h1')), /fællesmøde for lokalrådene/);
    assert.ok((await page.locator('main svg[role="img"]').count()) >= 4);
    await checkBothWidths(page, problems, '/stats/report');
  });

  it('keeps the filter and shows the error summary for a bad period, axe clean', async () => {
    const { page } = await shared.open('admin@politi.example', 'phone');
    const response = await page.goto('/stats?from=2026-05-01&to=2026-04-01');
    assert.equal(response?.status(), 400);
    assert.ok(await page.locator('.error-summary a[href="#field-to"]').isVisible());
    assert.equal(await page.locator('#field-from').inputValue(), '2026-05-01');
    await checkA11y(page, '/stats with errors');
    await assertNoHorizontalScroll(page);
  });

  it("shows a council admin their own council's figures only, without the concerns export", async () => {
    const { context, page } = await signedInPage(browser, app, 'formand@glumsoe.example', 'phone');
    try {
      const response = await page.goto('/stats');
      assert.equal(response?.status(), 200);
      const main = await visibleText(page.locator('main'));
      assert.match(main, /Glumsø/);
      for (const other of ['Fladså', 'Vestegn']) assert.doesNotMatch(main, new RegExp(other));
      assert.equal(await page.locator('a[href^="/stats/concerns.csv"]').count(), 0);
      // The survey list shows a council admin their own council's totals (never the comments).
      assert.equal(await page.locator('a[href="/surveys"]').count(), 1);
      await checkA11y(page, '/stats as council admin');
      await assertNoHorizontalScroll(page);
    } finally {
      await context.close();
    }
  });

  it('gives a network person no statistics: /stats is 404', async () => {
    const { context, page } = await signedInPage(browser, app, 'hal@glumsoe.example', 'desktop');
    try {
      const response = await page.goto('/stats');
      assert.equal(response?.status(), 404);
      assert.equal((await page.goto('/stats/report'))?.status(), 404);
    } finally {
      await context.close();
    }
  });

  it('prints the report to A4 PDF pages with the title on them', async () => {
    const { page } = await shared.open('admin@politi.example', 'phone');
    const dir = mkdtempSync(path.join(tmpdir(), 'naernet-report-'));
    try {
      await page.setViewportSize(VIEWPORTS.desktop);
      await page.goto('/stats/report');
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      assert.equal(pdf.subarray(0, 4).toString('latin1'), '%PDF');
      const raw = pdf.toString('latin1');
      const pages = raw.match(/\/Type\s*\/Page(?!s)/g)?.length ?? 0;
      assert.ok(pages >= 1, 'at least one page');
      // A4 is 595 × 842 points.
      assert.match(raw, /\/MediaBox\s*\[\s*0 0 59[45](\.\d+)? 84[12](\.\d+)?\s*\]/);
      // The text check needs poppler's pdftotext; CI installs it (.ci/run) and must not skip it.
      if (!existsSync(PDFTOTEXT) && process.env.REQUIRE_BROWSER === '1') {
        assert.fail(`${PDFTOTEXT} is missing: apt-get install -y poppler-utils`);
      }
      if (existsSync(PDFTOTEXT)) {
        const file = path.join(dir, 'report.pdf');
        writeFileSync(file, pdf);
        const text = execFileSync(PDFTOTEXT, ['-layout', file, '-'], { encoding: 'utf8' });
        const flat = text.replace(/\s+/g, ' ');
        assert.match(flat, /Evaluering af Nærnet – fællesmøde for lokalrådene/);
        assert.match(flat, /Sydsjællands og Lolland-Falsters/);
        assert.match(flat, /Bekymringer pr\. måned/);
        // The screen-only parts are left off the paper.
        assert.doesNotMatch(flat, /Log ud|Hent tallene som CSV|Udskriv rapporten/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await page.setViewportSize(VIEWPORTS.phone);
    }
  });
});
