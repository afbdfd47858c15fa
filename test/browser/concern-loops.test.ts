/**
 * The loops of issue 13 items 1 and 2 in a real browser, at phone and desktop width with axe: the
 * reporter adds information and a photo through the case page's form, the officer's queue flags the
 * concern until the officer opens it, and the network's start page shows what the officer shared.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TestApp } from '../helpers/app.js';
import {
  browserSkip,
  checkBothWidths,
  closeBrowserAndApp,
  startBrowserAndApp,
  VIEWPORTS,
  visibleText,
} from '../helpers/browser.js';
import { signedInPage } from '../helpers/pages.js';
import { rgbPng } from '../helpers/png.js';
import { actorOf, DEMO, logConcern } from '../helpers/world.js';

describe('what the reporter adds and what the officer shares, in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;
  let concern: number;
  let photoFile: string;

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
    concern = logConcern(app, DEMO.hal, { title: 'Knallerter på cykelstien ved skolen' });
    app.deps.services.concerns.share(
      actorOf(app, DEMO.officer),
      logConcern(app, DEMO.hal, { title: 'Indbrud i skure' }),
      'Flere skure er brudt op i Glumsø i november. Lås dit skur.',
    );
    photoFile = path.join(mkdtempSync(path.join(tmpdir(), 'naernet-photo-')), 'knallert.png');
    writeFileSync(
      photoFile,
      rgbPng(8, 8, () => [200, 40, 40]),
    );
  });
  after(() => closeBrowserAndApp({ browser, app }));

  it('the reporter adds text and a photo to an open concern; a refused addition keeps the text', async () => {
    const { context, page, problems } = await signedInPage(browser, app, DEMO.hal, 'phone');
    try {
      await page.goto(`/concerns/${concern}`);
      const form = page.locator(`main form[action^="/concerns/${concern}/info"]`);
      await form.getByLabel('Nye oplysninger').fill('Nummerpladen begyndte med AB.');
      await form.locator('input[type=file]').setInputFiles([photoFile, photoFile, photoFile, photoFile]);
      await form.getByRole('button', { name: 'Send' }).click();
      await page.locator('.error-summary').waitFor();
      assert.match(await visibleText(page.locator('.error-summary')), /Vælg højst 3 billeder/);
      assert.equal(await form.getByLabel('Nye oplysninger').inputValue(), 'Nummerpladen begyndte med AB.');
      await checkBothWidths(page, problems, 'addition refused', 'loops-addition-refused');

      await page.setViewportSize(VIEWPORTS.phone);
      await form.locator('input[type=file]').setInputFiles([photoFile]);
      await Promise.all([
        page.waitForURL(`**/concerns/${concern}`),
        form.getByRole('button', { name: 'Send' }).click(),
      ]);
      const main = await visibleText(page.locator('main'));
      assert.match(main, /Oplysninger og 1 billede\(r\) tilføjet af indberetteren/);
      assert.match(main, /Nummerpladen begyndte med AB\./);
      assert.equal(await page.locator(`main img[src^="/concerns/${concern}/photos/"]`).count(), 1);
      await checkBothWidths(page, problems, 'addition saved', 'loops-addition-saved');
    } finally {
      await context.close();
    }
  });

  it("the officer's queue flags the addition until the officer opens the concern", async () => {
    const { context, page, problems } = await signedInPage(browser, app, DEMO.officer, 'phone');
    try {
      const row = () =>
        page.locator('main tr', { has: page.locator(`a[href="/concerns/${concern}"]`) }).first();
      await page.goto('/triage');
      assert.match(await visibleText(row()), /Ny oplysning fra indmelder/);
      await checkBothWidths(
        page,
        problems,
        'triage with new information',
        'loops-triage-with-new-information',
      );

      await page.goto(`/concerns/${concern}`);
      await page.goto('/triage');
      assert.doesNotMatch(await visibleText(row()), /Ny oplysning fra indmelder/);
    } finally {
      await context.close();
    }
  });

  it('a network member sees "Nyt fra netværksbetjenten" on the start page and follows it', async () => {
    const { context, page, problems } = await signedInPage(browser, app, DEMO.formand, 'phone');
    try {
      await page.goto('/');
      const section = page.locator('section[aria-labelledby="dash-shared"]');
      assert.match(await visibleText(section), /Nyt fra netværksbetjenten[\s\S]*Flere skure er brudt op/);
      await checkBothWidths(
        page,
        problems,
        'start page with shared news',
        'loops-start-page-with-shared-news',
      );
      await Promise.all([
        page.waitForURL('**/concerns/*'),
        section.getByRole('link', { name: /Flere skure/ }).click(),
      ]);
      assert.doesNotMatch(await visibleText(page.locator('main')), /Indbrud i skure|Jens Æbeltoft/);
    } finally {
      await context.close();
    }
  });
});
