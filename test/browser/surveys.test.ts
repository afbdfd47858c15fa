/**
 * The survey of network persons (issue 6, item 4) in a real browser: a network person follows the
 * start page's notice and answers; staff read the list, the results and the new-survey form — each
 * at phone and desktop width with zero axe WCAG 2.1 A/AA violations and no sideways scrolling.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TestApp } from '../helpers/app.js';
import {
  browserSkip,
  checkPage,
  closeBrowserAndApp,
  screenshot,
  startBrowserAndApp,
  type ViewportName,
  visibleText,
} from '../helpers/browser.js';
import { signedInPage } from '../helpers/pages.js';
import { actorOf, councilId as councilIdOf } from '../helpers/world.js';

describe('surveys in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;
  let surveyId = 0;

  const actor = (email: string) => actorOf(app, email);
  const councilId = (slug: string) => councilIdOf(app, slug);

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
    const surveys = app.deps.services.surveys;
    surveyId = surveys.create(actor('betjent@politi.example'), {
      title: 'Tilfredshed med Nærnet efter pilotperioden',
      intro: 'Politiet vil gerne vide, hvordan samarbejdet går.\nDet tager et minut.',
      opens_on: surveys.today(),
      closes_on: '2099-12-31',
      council_ids: [councilId('glumsoe'), councilId('fladsaa'), councilId('vestegn')],
      whole_district: false,
    });
    surveys.respond(actor('formand@glumsoe.example'), surveyId, {
      rating: 3,
      comment:
        'Godt med faste møder.\nMen svarene på bekymringer kommer for sent – især om sommeren, hvor der er travlt på stationen.',
      council_id: null,
    });
  });
  after(() => closeBrowserAndApp({ browser, app }));

  const respondents: Record<ViewportName, string> = {
    phone: 'hal@glumsoe.example',
    desktop: 'brugs@fladsaa.example',
  };

  for (const viewport of ['phone', 'desktop'] as ViewportName[]) {
    it(`${viewport}: a network person answers through the start page's notice`, async () => {
      const { context, page, problems } = await signedInPage(browser, app, respondents[viewport], viewport);
      try {
        await page.goto('/');
        await checkPage(page, problems, `${viewport} start page with the survey notice`);
        await screenshot(page, `survey-notice-${viewport}`);
        await Promise.all([
          page.waitForURL(`**/surveys/${surveyId}`),
          page.getByRole('link', { name: /Svar på "Tilfredshed med Nærnet/ }).click(),
        ]);
        await checkPage(page, problems, `${viewport} answer form`);
        await screenshot(page, `survey-form-${viewport}`);

        // Without a rating: the error summary, and the form is still accessible.
        await page.locator('#field-comment').fill('Det lokale samarbejde fungerer.');
        await Promise.all([
          page.waitForLoadState('load'),
          page.getByRole('button', { name: 'Send svar' }).click(),
        ]);
        assert.match(await visibleText(page.locator('.error-summary')), /Vælg, hvor tilfreds du er/);
        assert.equal(await page.locator('#field-comment').inputValue(), 'Det lokale samarbejde fungerer.');
        await checkPage(page, problems, `${viewport} answer form with an error`);

        await page.getByLabel('4 – Meget tilfreds').check();
        await Promise.all([
          page.waitForURL(`**/surveys/${surveyId}`),
          page.getByRole('button', { name: 'Send svar' }).click(),
        ]);
        const main = await visibleText(page.locator('main'));
        assert.match(main, /Tak for dit svar/);
        assert.match(main, /Tak, du har svaret/);
        assert.equal(await page.locator('input[name="rating"]').count(), 0);
        await checkPage(page, problems, `${viewport} thank-you page`);
        await screenshot(page, `survey-answered-${viewport}`);

        await page.goto('/');
        assert.equal(await page.locator(`a[href="/surveys/${surveyId}"]`).count(), 0);
      } finally {
        await context.close();
      }
    });
  }

  for (const viewport of ['phone', 'desktop'] as ViewportName[]) {
    it(`${viewport}: staff read the list, the results and the new-survey form`, async () => {
      const { context, page, problems } = await signedInPage(
        browser,
        app,
        'betjent@politi.example',
        viewport,
      );
      try {
        await page.goto('/surveys');
        await checkPage(page, problems, `${viewport} survey list`);
        await screenshot(page, `survey-list-${viewport}`);

        await page.goto(`/surveys/${surveyId}`);
        await checkPage(page, problems, `${viewport} results`);
        await screenshot(page, `survey-results-${viewport}`);
        const results = await visibleText(page.locator('main'));
        assert.match(results, /Godt med faste møder/);
        assert.match(results, /Du ser de præcise tal/);
        assert.match(results, /i alfabetisk orden – ikke i den rækkefølge, de kom ind/);

        await page.goto('/surveys/new');
        await checkPage(page, problems, `${viewport} new survey form`);
        await screenshot(page, `survey-new-${viewport}`);
        await page.locator('#field-title').fill('Ny runde');
        await page.locator('#field-opens_on').fill('2099-06-10');
        await page.locator('#field-closes_on').fill('2099-06-01');
        await Promise.all([
          page.waitForLoadState('load'),
          page.getByRole('button', { name: 'Opret og send invitationer' }).click(),
        ]);
        assert.match(
          await visibleText(page.locator('.error-summary')),
          /Lukkedatoen skal være samme dag som eller efter åbningsdatoen/,
        );
        await checkPage(page, problems, `${viewport} new survey form with errors`);
        await screenshot(page, `survey-new-errors-${viewport}`);
      } finally {
        await context.close();
      }
    });
  }

  it('a council admin sees how many of their council answered, no distribution below 5 answers, and no comments', async () => {
    const { context, page, problems } = await signedInPage(browser, app, 'formand@glumsoe.example', 'phone');
    try {
      await page.goto(`/surveys/${surveyId}`);
      const main = await visibleText(page.locator('main'));
      assert.match(main, /Du ser tallene for dit lokalråd/);
      assert.match(main, /Resultatet vises, når undersøgelsen er slut og mindst 5 har svaret/);
      assert.match(main, /Vises, når undersøgelsen er slut og mindst 5 har svaret/);
      assert.doesNotMatch(main, /Godt med faste møder/);
      await checkPage(page, problems, 'council admin results');
      await page.goto('/surveys');
      await checkPage(page, problems, 'council admin list');
    } finally {
      await context.close();
    }
  });
});
