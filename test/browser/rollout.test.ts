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
  checkBothWidths,
  checkPage,
  closeBrowserAndApp,
  type PageProblems,
  screenshot,
  startBrowserAndApp,
  visibleText,
} from '../helpers/browser.js';
import { SharedPages } from '../helpers/pages.js';

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
  /** The district admin's page at phone width, one context for the whole block. */
  const shared = new SharedPages(
    () => browser,
    () => app,
  );
  after(async () => {
    await shared.closeAll();
    await closeBrowserAndApp({ browser, app });
  });

  async function check(page: Page, problems: PageProblems, name: string) {
    await checkPage(page, problems, name);
    await screenshot(page, `rollout-${name}-phone`);
  }

  const asAdmin = () => shared.open('admin@politi.example', 'phone');

  async function previewOf(page: Page, csv: string) {
    await page.goto('/admin/rollout/import');
    await page.locator('#field-csv_text').fill(csv);
    await Promise.all([
      page.waitForURL('**/admin/rollout/import'),
      page.locator('main form button[type="submit"]').click(),
    ]);
  }

  it('Opret lokalråd, empty and with errors, passes axe and reflow at phone and desktop width', async () => {
    const { page, problems } = await asAdmin();
    const response = await page.goto('/admin/rollout/new');
    assert.equal(response?.status(), 200);
    await checkBothWidths(page, problems, 'new', 'rollout-new');

    await page.locator('#field-municipality_id').selectOption({ label: 'Næstved' });
    await page.locator('#field-name').fill('Glumsø Lokalråd');
    await page.locator('#field-admin_email').fill('ikke en adresse');
    await page.locator('main form button[type="submit"]').click();
    await page.waitForSelector('.error-summary');
    assert.match(await visibleText(page.locator('.error-summary')), /administratorens navn/);
    await checkBothWidths(page, problems, 'new-errors', 'rollout-new-errors');
  });

  it('the import form and a preview with row errors pass axe and reflow at phone and desktop width', async () => {
    const { page, problems } = await asAdmin();
    const response = await page.goto('/admin/rollout/import');
    assert.equal(response?.status(), 200);
    await checkBothWidths(page, problems, 'import', 'rollout-import');

    await previewOf(page, MIXED_CSV);
    const text = await visibleText(page.locator('main'));
    assert.match(text, /Række 3: Kommunen 'Næsved' findes ikke/);
    assert.match(text, /Række 4: E-mailadressen 'ikke-en-email' er ikke gyldig/);
    assert.equal(await page.locator('form[action^="/admin/rollout/import/confirm"]').count(), 0);
    await checkBothWidths(page, problems, 'preview-errors', 'rollout-preview-errors');
  });

  it('imports a good file through the preview and lands on the councils list with the count', async () => {
    const { page, problems } = await asAdmin();
    await previewOf(page, GOOD_CSV);
    assert.match(await visibleText(page.locator('main')), /Alle 2 rækker er i orden/);
    await check(page, problems, 'preview-ready');
    await Promise.all([
      page.waitForURL('**/admin/councils'),
      page.getByRole('button', { name: 'Importér 2 lokalråd' }).click(),
    ]);
    assert.match(await visibleText(page.locator('main')), /2 lokalråd er oprettet/);
    await checkA11y(page);
    await assertNoHorizontalScroll(page);
  });

  it('creates a council from the one page and shows what now exists', async () => {
    const { page, problems } = await asAdmin();
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
    await check(page, problems, 'created');
  });
});
