/**
 * Issue 5 in a real browser: the meeting page (before and after minutes, with answers), the
 * public /borgermoeder page, the personal calendar feed page, and a crime-picture post with its
 * chart, comments and a hidden comment — each at phone and desktop width with zero axe WCAG 2.1
 * A/AA violations, no sideways scrolling and nothing the browser complains about.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { localDate, parseLocalDateTime } from '../../src/web/dates.js';
import type { TestApp } from '../helpers/app.js';
import {
  browserSkip,
  checkBothWidths,
  closeBrowserAndApp,
  startBrowserAndApp,
  visibleText,
} from '../helpers/browser.js';
import { SharedPages, signedInPage } from '../helpers/pages.js';
import { actorOf, categoryId, councilId as councilIdOf } from '../helpers/world.js';

describe('meetings and the crime picture in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;
  let meetingId = 0;
  let publicMeetingId = 0;
  let postId = 0;
  const DAY = 86_400_000;

  const actor = (email: string) => actorOf(app, email);
  const councilId = (slug: string) => councilIdOf(app, slug);
  const at = (daysAhead: number, time: string) =>
    parseLocalDateTime(`${localDate(new Date(Date.now() + daysAhead * DAY))}T${time}`) as string;

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
    const officer = actor('betjent@politi.example');
    const hal = actor('hal@glumsoe.example');
    meetingId = app.deps.services.meetings.create(officer, {
      kind: 'netvaerksmoede',
      title: 'Netværksmøde i Glumsø – "tryghed" & <fart>',
      council_ids: [councilId('glumsoe')],
      starts_at: at(3, '19:00'),
      ends_at: at(3, '21:00'),
      location: 'Glumsø Bibliotek',
      agenda: '1. Siden sidst\n2. **Knallertkørsel** ved hallen\n3. Eventuelt',
      capacity: 20,
    });
    app.deps.services.meetings.respond(hal, meetingId, 'yes');
    publicMeetingId = app.deps.services.meetings.create(officer, {
      kind: 'borgermoede',
      title: 'Borgermøde om tryghed',
      council_ids: [councilId('fladsaa')],
      starts_at: at(10, '19:30'),
      ends_at: at(10, '21:00'),
      location: 'Mogenstrup Forsamlingshus',
      agenda: 'Alle er velkomne.',
      capacity: null,
    });
    const category = (slug: string) => categoryId(app, slug);
    postId = app.deps.services.posts.create(
      officer,
      {
        council_id: councilId('glumsoe'),
        title: 'Kriminalitetsbilledet i oktober',
        period: 'Oktober 2026',
        body: 'Færre **indbrud**.',
      },
      [
        { categoryId: category('indbrud'), current: 3, previous: 6 },
        { categoryId: category('trafik'), current: 12, previous: 4 },
        { categoryId: category('narko'), current: 0, previous: 1 },
      ],
    );
    const comment = app.deps.services.posts.comment(hal, postId, {
      body: 'Tak! <script>alert(1)</script>',
      parent_id: null,
    });
    app.deps.services.posts.comment(actor('formand@glumsoe.example'), postId, {
      body: 'Enig.',
      parent_id: comment,
    });
    const second = app.deps.services.posts.comment(hal, postId, {
      body: 'En kommentar der skjules',
      parent_id: null,
    });
    app.deps.services.posts.hide(officer, postId, second, 'Indeholder personoplysninger');
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
    { who: 'hal@glumsoe.example', label: 'the network meeting', path: () => `/meetings/${meetingId}` },
    {
      who: 'betjent@politi.example',
      label: 'the network meeting (organiser)',
      path: () => `/meetings/${meetingId}`,
    },
    { who: 'hal@glumsoe.example', label: 'the meeting list', path: () => '/meetings' },
    { who: 'hal@glumsoe.example', label: 'the calendar feed page', path: () => '/meetings/feed' },
    { who: null, label: '/borgermoeder', path: () => '/borgermoeder' },
    { who: null, label: 'a public borgermøde', path: () => `/meetings/${publicMeetingId}` },
    { who: 'hal@glumsoe.example', label: 'a crime-picture post', path: () => `/posts/${postId}` },
    {
      who: 'betjent@politi.example',
      label: 'a crime-picture post (officer)',
      path: () => `/posts/${postId}`,
    },
    { who: 'hal@glumsoe.example', label: 'the post list', path: () => '/posts' },
    { who: 'hal@glumsoe.example', label: 'the start page', path: () => '/' },
  ];

  for (const entry of pages) {
    it(`${entry.who ?? 'anonymous'}: ${entry.label} passes axe and reflow at phone and desktop width`, async () => {
      const { page, problems } = await shared.open(entry.who, 'phone');
      const response = await page.goto(entry.path());
      assert.equal(response?.status(), 200, entry.path());
      await checkBothWidths(page, problems, `${entry.label} ${entry.path()}`);
      // Titles and comments are text, never markup.
      assert.equal(await page.locator('script:not([src])').count(), 0);
    });
  }

  it('shows the hidden comment as hidden to others and the reason to its author', async () => {
    const { context, page } = await signedInPage(browser, app, 'formand@glumsoe.example', 'phone');
    try {
      await page.goto(`/posts/${postId}`);
      const text = await visibleText(page.locator('main'));
      assert.match(text, /skjult af politiet/);
      assert.doesNotMatch(text, /En kommentar der skjules/);
      assert.match(text, /Tak! <script>alert\(1\)<\/script>/, 'the comment is shown as text');
    } finally {
      await context.close();
    }
  });
});
