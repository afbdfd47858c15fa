/**
 * The survey of network persons (issue 6, item 4; issue 11, item 3) in a real browser: a network
 * person follows the start page's notice and answers; staff and a council admin read the list and
 * the results — a council with fewer than 5 answers shows no figure to anyone, one with 5 does once
 * the survey is over — and the new-survey form, each at phone and desktop width with zero axe WCAG
 * 2.1 A/AA violations and no sideways scrolling.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TestApp } from '../helpers/app.js';
import {
  browserSkip,
  checkBothWidths,
  closeBrowserAndApp,
  startBrowserAndApp,
  visibleText,
} from '../helpers/browser.js';
import { signedInPage } from '../helpers/pages.js';
import { actorOf, addPerson, councilId as councilIdOf } from '../helpers/world.js';

describe('surveys in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;
  let surveyId = 0;
  /** Closed, with 5 answers from Glumsø (figures shown) and 1 from Fladså (no figure). */
  let closedId = 0;

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

    const glumsoe = [{ councilId: councilId('glumsoe') }];
    for (const n of [3, 4, 5, 6]) {
      addPerson(app, { email: `g${n}@glumsoe.example`, name: `Glumsø ${n}`, memberOf: glumsoe });
    }
    closedId = surveys.create(actor('betjent@politi.example'), {
      title: 'Første runde',
      intro: '',
      opens_on: surveys.today(),
      closes_on: '2099-12-31',
      council_ids: [councilId('glumsoe'), councilId('fladsaa')],
      whole_district: false,
    });
    const answers: [string, number, string][] = [
      ['formand@glumsoe.example', 4, 'Gode faste møder med betjenten.'],
      ['hal@glumsoe.example', 3, ''],
      ['g3@glumsoe.example', 3, 'Hurtigere svar, tak.'],
      ['g4@glumsoe.example', 2, ''],
      ['g5@glumsoe.example', 1, ''],
      ['brugs@fladsaa.example', 4, 'Den eneste kommentar fra Fladså.'],
    ];
    for (const [email, rating, comment] of answers) {
      surveys.respond(actor(email), closedId, { rating, comment, council_id: null });
    }
    surveys.close(actor('betjent@politi.example'), closedId);
  });
  after(() => closeBrowserAndApp({ browser, app }));

  it("a network person answers through the start page's notice, each step at phone and desktop width", async () => {
    const { context, page, problems } = await signedInPage(browser, app, 'hal@glumsoe.example', 'phone');
    try {
      await page.goto('/');
      await checkBothWidths(page, problems, 'start page with the survey notice', 'survey-notice');
      await Promise.all([
        page.waitForURL(`**/surveys/${surveyId}`),
        page.getByRole('link', { name: /Svar på "Tilfredshed med Nærnet/ }).click(),
      ]);
      await checkBothWidths(page, problems, 'answer form', 'survey-form');
      assert.match(
        await visibleText(page.locator('main')),
        /Nærnet viser hverken tal eller kommentarer fra et lokalråd, hvor færre end 5 har svaret – heller ikke til politiet/,
      );

      // Without a rating: the error summary, and the form is still accessible.
      await page.locator('#field-comment').fill('Det lokale samarbejde fungerer.');
      await Promise.all([
        page.waitForLoadState('load'),
        page.getByRole('button', { name: 'Send svar' }).click(),
      ]);
      assert.match(await visibleText(page.locator('.error-summary')), /Vælg, hvor tilfreds du er/);
      assert.equal(await page.locator('#field-comment').inputValue(), 'Det lokale samarbejde fungerer.');
      await checkBothWidths(page, problems, 'answer form with an error');

      await page.getByLabel('4 – Meget tilfreds').check();
      await Promise.all([
        page.waitForURL(`**/surveys/${surveyId}`),
        page.getByRole('button', { name: 'Send svar' }).click(),
      ]);
      const main = await visibleText(page.locator('main'));
      assert.match(main, /Tak for dit svar/);
      assert.match(main, /Tak, du har svaret/);
      assert.equal(await page.locator('input[name="rating"]').count(), 0);
      await checkBothWidths(page, problems, 'thank-you page', 'survey-answered');

      await page.goto('/');
      assert.equal(await page.locator(`a[href="/surveys/${surveyId}"]`).count(), 0);
    } finally {
      await context.close();
    }
  });

  it('staff read the list, the results under the rule of 5 and the new-survey form, at phone and desktop width', async () => {
    const { context, page, problems } = await signedInPage(browser, app, 'betjent@politi.example', 'phone');
    try {
      await page.goto('/surveys');
      await checkBothWidths(page, problems, 'survey list', 'survey-list');
      const list = await visibleText(page.locator('main'));
      assert.match(list, /Tal vises kun for lokalråd, hvor mindst 5 har svaret/);
      assert.match(list, /Færre end 5 svar i hvert lokalråd – vises ikke/);
      assert.match(list, /5 af 6 \(i 1 af 2 lokalråd\)/);

      // Open, 1–2 answers per council: no figure, no comment.
      await page.goto(`/surveys/${surveyId}`);
      await checkBothWidths(page, problems, 'results, no council with 5 answers', 'survey-results-hidden');
      const hidden = await visibleText(page.locator('main'));
      assert.match(hidden, /Tal vises kun for mindst 5 svar/);
      assert.match(hidden, /Færre end 5 svar i hvert lokalråd – vises ikke/);
      assert.doesNotMatch(hidden, /\d+ af \d+|\d+ %|Godt med faste møder/);
      assert.match(hidden, /Kommentarerne vises, når undersøgelsen er slut/);

      // Closed, 5 from Glumsø and 1 from Fladså: Glumsø's figures and comments, Fladså nothing.
      await page.goto(`/surveys/${closedId}`);
      await checkBothWidths(page, problems, 'results of a closed survey', 'survey-results-closed');
      const closed = await visibleText(page.locator('main'));
      assert.match(closed, /Har svaret\s+5 af 6 \(83 %\)/);
      assert.match(closed, /Kun de 1 af 2 lokalråd med mindst 5 svar er talt med/);
      assert.match(closed, /2,6 på en skala/);
      assert.match(closed, /Hurtigere svar, tak\./);
      assert.doesNotMatch(closed, /Den eneste kommentar fra Fladså/);
      const fladsaaRow = await visibleText(page.locator('tr', { hasText: 'Fladså Lokalråd' }));
      assert.match(fladsaaRow, /Færre end 5 svar – vises ikke/);
      assert.doesNotMatch(fladsaaRow.replace('Færre end 5 svar', ''), /\d/, 'no number besides the rule');

      // The evaluation report states the same rule for the same surveys.
      await page.goto('/stats');
      const stats = await visibleText(page.locator('#stats-surveys-heading').locator('..'));
      assert.match(stats, /Første runde[\s\S]*5 af 6 spurgte har svaret[\s\S]*Kun de 1 af 2 lokalråd/);
      assert.match(stats, /Færre end 5 svar i hvert lokalråd – vises ikke/);
      assert.doesNotMatch(stats, /Den eneste kommentar fra Fladså/);
      await checkBothWidths(page, problems, 'evaluation with surveys', 'survey-stats');

      await page.goto('/surveys/new');
      await checkBothWidths(page, problems, 'new survey form', 'survey-new');
      assert.match(
        await visibleText(page.locator('main')),
        /vises kun, når mindst 5 har svaret i lokalrådet\. Det gælder alle, også dig/,
      );
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
      await checkBothWidths(page, problems, 'new survey form with errors', 'survey-new-errors');
    } finally {
      await context.close();
    }
  });

  it("a council admin sees no figure below 5 answers, their council's figures from 5 once it is over, and no comments, at phone and desktop width", async () => {
    const { context, page, problems } = await signedInPage(browser, app, 'formand@glumsoe.example', 'phone');
    try {
      await page.goto(`/surveys/${surveyId}`);
      const open = await visibleText(page.locator('main'));
      assert.match(open, /Du ser tallene for dit eget lokalråd/);
      assert.match(open, /Færre end 5 svar – vises ikke/);
      assert.doesNotMatch(open, /\d+ af \d+|Godt med faste møder/);
      await checkBothWidths(page, problems, 'council admin, open survey', 'survey-council-admin-open');

      await page.goto(`/surveys/${closedId}`);
      const closed = await visibleText(page.locator('main'));
      assert.match(closed, /2,6 på en skala/);
      assert.doesNotMatch(closed, /Hurtigere svar|Den eneste kommentar/);
      await checkBothWidths(page, problems, 'council admin, closed survey', 'survey-council-admin-closed');

      await page.goto('/surveys');
      await checkBothWidths(page, problems, 'council admin list');
    } finally {
      await context.close();
    }
  });
});
