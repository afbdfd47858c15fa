/**
 * Issue 6, item 5 in a real browser: "Opret lokalråd" (empty, with errors, and the page after it),
 * the CSV import form and its preview (with row errors, and ready to import) — each at phone and
 * desktop width with zero axe WCAG 2.1 A/AA violations, no sideways scrolling and nothing the
 * browser complains about. The import is also clicked through to the end once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { TestApp } from '../helpers/app.js';
import {
  assertNoHorizontalScroll,
  browserSkip,
  checkA11y,
  checkPage,
  closeBrowserAndApp,
  type PageProblems,
  screenshot,
  startBrowserAndApp,
  VIEWPORTS,
  type ViewportName,
  visibleText,
} from '../helpers/browser.js';
import { signedInPage } from '../helpers/pages.js';

const MIXED_CSV = [
  'navn;kommune;administrator;email',
  'Herlufmagle Lokalråd;Næstved;Kirsten Holm;kirsten.holm-andersen@herlufmagle-lokalraad.example',
  'Rønnede Lokalråd;Næsved;Ole Berg;ole@roennede.example',
  'Glumsø Lokalråd;Næstved;Gitte;ikke-en-email',
  'Dalmose Lokalråd;Slagelse;Formanden;formand@glumsoe.example',
].join('\n');

const GOOD_CSV = [
  'navn;kommune;administrator;email',
  'Fensmark Lokalråd;Næstved;Ole Berg;ole@fensmark.example',
  'Dalmose Lokalråd;Slagelse;Formanden;formand@glumsoe.example',
].join('\n');

describe('roll-out pages in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
  });
  after(() => closeBrowserAndApp({ browser, app }));

  async function check(page: Page, problems: PageProblems, name: string, viewport: ViewportName) {
    await checkPage(page, problems, name);
    await screenshot(page, `rollout-${name}-${viewport}`);
  }

  const asAdmin = (viewport: ViewportName) => signedInPage(browser, app, 'admin@politi.example', viewport);

  async function previewOf(page: Page, csv: string) {
    await page.goto('/admin/rollout/import');
    await page.locator('#field-csv_text').fill(csv);
    await Promise.all([
      page.waitForURL('**/admin/rollout/import'),
      page.locator('main form button[type="submit"]').click(),
    ]);
  }

  for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
    it(`Opret lokalråd, empty and with errors, at ${viewport} width passes axe and reflow`, async () => {
      const { context, page, problems } = await asAdmin(viewport);
      try {
        const response = await page.goto('/admin/rollout/new');
        assert.equal(response?.status(), 200);
        await check(page, problems, 'new', viewport);

        await page.locator('#field-municipality_id').selectOption({ label: 'Næstved' });
        await page.locator('#field-name').fill('Glumsø Lokalråd');
        await page.locator('#field-admin_email').fill('ikke en adresse');
        await page.locator('main form button[type="submit"]').click();
        await page.waitForSelector('.error-summary');
        assert.match(await visibleText(page.locator('.error-summary')), /administratorens navn/);
        await check(page, problems, 'new-errors', viewport);
      } finally {
        await context.close();
      }
    });

    it(`the import form and a preview with row errors at ${viewport} width pass axe and reflow`, async () => {
      const { context, page, problems } = await asAdmin(viewport);
      try {
        const response = await page.goto('/admin/rollout/import');
        assert.equal(response?.status(), 200);
        await check(page, problems, 'import', viewport);

        await previewOf(page, MIXED_CSV);
        const text = await visibleText(page.locator('main'));
        assert.match(text, /Række 3: Kommunen 'Næsved' findes ikke/);
        assert.match(text, /Række 4: E-mailadressen 'ikke-en-email' er ikke gyldig/);
        assert.equal(await page.locator('form[action^="/admin/rollout/import/confirm"]').count(), 0);
        await check(page, problems, 'preview-errors', viewport);
      } finally {
        await context.close();
      }
    });
  }

  it('imports a good file through the preview and lands on the councils list with the count', async () => {
    const { context, page, problems } = await asAdmin('phone');
    try {
      await previewOf(page, GOOD_CSV);
      assert.match(await visibleText(page.locator('main')), /Alle 2 rækker er i orden/);
      await check(page, problems, 'preview-ready', 'phone');
      await Promise.all([
        page.waitForURL('**/admin/councils'),
        page.getByRole('button', { name: 'Importér 2 lokalråd' }).click(),
      ]);
      assert.match(await visibleText(page.locator('main')), /2 lokalråd er oprettet/);
      await checkA11y(page);
      await assertNoHorizontalScroll(page);
    } finally {
      await context.close();
    }
  });

  it('creates a council from the one page and shows what now exists', async () => {
    const { context, page, problems } = await asAdmin('phone');
    try {
      await page.goto('/admin/rollout/new');
      await page.locator('#field-new_municipality').fill('Ringsted');
      await page.locator('#field-name').fill('Benløse Lokalråd');
      await page.locator('#field-is_pilot').check();
      await page.locator('#field-officer_id').selectOption({ index: 1 });
      await page.locator('#field-admin_name').fill('Birthe Lund');
      await page.locator('#field-admin_email').fill('birthe@benloese.example');
      await Promise.all([
        page.waitForURL(/\/admin\/rollout\/councils\/\d+$/),
        page.locator('main form button[type="submit"]').click(),
      ]);
      const text = await visibleText(page.locator('main'));
      assert.match(text, /Benløse Lokalråd er oprettet/);
      assert.match(text, /Ringsted/);
      await check(page, problems, 'created', 'phone');
    } finally {
      await context.close();
    }
  });
});
