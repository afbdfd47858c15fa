/**
 * Issue 4 in a real browser: the newsletter pages in their states (draft with the framed mail
 * preview, sent with progress and recipients), the member's archive and the unsubscribe pages —
 * at phone and desktop width with zero axe WCAG 2.1 A/AA violations and no sideways scrolling.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { UnsubscribeTokens } from '../../src/features/newsletters/unsubscribe.js';
import type { TestApp } from '../helpers/app.js';
import {
  browserSkip,
  checkA11y,
  checkBothWidths,
  closeBrowserAndApp,
  startBrowserAndApp,
} from '../helpers/browser.js';
import { SharedPages } from '../helpers/pages.js';
import { actorOf } from '../helpers/world.js';

describe('newsletters in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;
  let draftId = 0;
  let sentId = 0;
  let unsubscribePath = '';

  const actor = (email: string) => actorOf(app, email);

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
    app.deps.settings.set('newsletter_rate_per_second', '0');
    const officer = actor('betjent@politi.example');
    const body = '## Nyt fra politiet\n\n- Færre **indbrud** i oktober\n- [Læs mere](https://politi.dk)';
    draftId = app.deps.services.newsletters.create(
      officer,
      {
        title: 'Kladde: tryghed i mørketiden',
        body,
        councilIds: officer.officerCouncilIds,
        wholeDistrict: false,
      },
      officer.officerCouncilIds,
    );
    sentId = app.deps.services.newsletters.create(
      officer,
      { title: 'Nyhedsbrev for november', body, councilIds: officer.officerCouncilIds, wholeDistrict: false },
      officer.officerCouncilIds,
    );
    app.deps.services.newsletters.schedule(officer, sentId, null);
    for (
      let i = 0;
      i < 20 && app.deps.services.newsletters.progress(officer, sentId).status !== 'sent';
      i++
    ) {
      await app.deps.scheduler.tick();
    }
    const hal = actor('hal@glumsoe.example');
    unsubscribePath = `/unsubscribe/${new UnsubscribeTokens(app.deps.config.sessionSecret).tokenFor(hal.id)}`;
  });
  /** The pages of the checks below, one context per person. */
  const shared = new SharedPages(
    () => browser,
    () => app,
  );
  after(async () => {
    await shared.closeAll();
    await closeBrowserAndApp({ browser, app });
  });

  const pages: { who: string | null; label: string; path: () => string }[] = [
    { who: 'betjent@politi.example', label: 'the list (staff)', path: () => '/newsletters' },
    {
      who: 'betjent@politi.example',
      label: 'a draft with the framed mail preview',
      path: () => `/newsletters/${draftId}`,
    },
    {
      who: 'betjent@politi.example',
      label: 'a sent newsletter with progress and recipients',
      path: () => `/newsletters/${sentId}`,
    },
    { who: 'hal@glumsoe.example', label: 'the archive list (member)', path: () => '/newsletters' },
    {
      who: 'hal@glumsoe.example',
      label: 'a newsletter in the archive',
      path: () => `/newsletters/${sentId}`,
    },
    { who: null, label: 'the unsubscribe confirmation', path: () => unsubscribePath },
  ];

  for (const entry of pages) {
    it(`${entry.who ?? 'anonymous'}: ${entry.label} passes axe and reflow at phone and desktop width`, async () => {
      const { page, problems } = await shared.open(entry.who, 'phone');
      const response = await page.goto(entry.path());
      assert.equal(response?.status(), 200, entry.path());
      await checkBothWidths(page, problems, `${entry.label} ${entry.path()}`);
    });
  }

  it('unsubscribes with the button on the confirmation page, without logging in', async () => {
    const { page } = await shared.open(null, 'phone');
    await page.goto(unsubscribePath);
    await Promise.all([page.waitForLoadState(), page.locator('main form button[type=submit]').click()]);
    await checkA11y(page);
    assert.equal(app.deps.users.findByEmail('hal@glumsoe.example')?.notify_newsletters, 0);
  });
});
