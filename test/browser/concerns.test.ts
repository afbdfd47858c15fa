/**
 * Issue 3 in a real browser: the journey network person → officer → SSP → officer → reporter
 * clicked through with real mail, the reporter's part once more without JavaScript, and every new
 * page in its interesting states at phone and desktop width: zero axe WCAG 2.1 A/AA violations,
 * no sideways scrolling, nothing the browser complains about (CSP, failed assets).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Actor } from '../../src/auth/policy.js';
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
import { CasePage, ConcernFormPage, type ConcernInput, login, signedInPage } from '../helpers/pages.js';
import { rgbPng, seededPhoto } from '../helpers/png.js';
import {
  actorOf as actorFor,
  councilId,
  departmentId,
  lastMailTo,
  linkIn,
  linkPathIn,
  logConcern,
} from '../helpers/world.js';

const REPORTER = 'hal@glumsoe.example';
const COUNCIL_ADMIN = 'formand@glumsoe.example';
const OFFICER = 'betjent@politi.example';
const SSP = 'ssp@politi.example';
const DAY = 86_400_000;
const SHOTS_DIR = '/tmp/shots-concerns';

// ------------------------------------------------------------------ a real PNG

/** A small valid RGB PNG (a gradient, so it is visibly a picture in the screenshots). */
const tinyPng = (width = 64, height = 48) =>
  rgbPng(width, height, (x, y) => [Math.round((x / width) * 255), Math.round((y / height) * 255), 160]);

/** "2015-02-24T18:30" for an <input type="datetime-local">, `daysAgo` before now (local clock). */
function localDateTime(daysAgo: number): string {
  const d = new Date(Date.now() - daysAgo * DAY);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T18:30`;
}

// ------------------------------------------------------------------ shared helpers

const upload = seededPhoto;

/** The newest mail to `address` whose subject mentions concern #id. */
const newestMailAbout = (app: TestApp, address: string, id: number) => lastMailTo(app, address, `#${id}`);

/** The form as these tests fill it: a group of young people, two days ago, with a photo. */
const youngPeople = (
  input: Pick<ConcernInput, 'title' | 'description' | 'location' | 'photo'>,
): ConcernInput => ({
  category: 'Unge og grupperinger',
  occurredAt: localDateTime(2),
  ...input,
});

describe('concerns in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;
  let workDir: string;
  let pngPath: string;

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
    workDir = mkdtempSync(path.join(tmpdir(), 'naernet-png-'));
    pngPath = path.join(workDir, 'knallert.png');
    writeFileSync(pngPath, tinyPng());
  });
  after(async () => {
    await closeBrowserAndApp({ browser, app });
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('a concern goes from the network person to the officer, to SSP and back, and ends with feedback to the reporter', async () => {
    const reporter = await newPage(browser, app.url, 'phone');
    const officer = await newPage(browser, app.url, 'desktop');
    const department = await newPage(browser, app.url, 'desktop');
    try {
      // --- the network person logs a concern with a photo
      const hal = reporter.page;
      await login(hal, REPORTER);
      const menu = hal.getByRole('navigation', { name: 'Hovedmenu' });
      const concernsLink = menu.getByRole('link', { name: 'Bekymringer' });
      if (!(await concernsLink.isVisible())) await menu.getByRole('button', { name: /Mere/ }).click();
      await concernsLink.click();
      await hal.waitForURL((url) => url.pathname === '/concerns');
      await hal.locator('main').getByRole('link', { name: 'Giv en bekymring videre' }).click();
      await hal.waitForURL((url) => url.pathname === '/concerns/new');
      assert.match(await visibleText(hal.locator('main')), /112/, 'the emergency notice is on the form');
      assert.equal(
        await hal.locator('#field-council_id').inputValue(),
        String(councilId(app, 'glumsoe')),
        'the council is preselected',
      );
      const halsCase = await new ConcernFormPage(hal).send(
        youngPeople({
          title: 'Knallerter ved hallen om aftenen',
          description: 'Fire knallerter kører stærkt på stien ved hallen, når børnene går hjem fra træning.',
          location: 'Stien bag Glumsø Hallen',
          photo: pngPath,
        }),
      );
      const id = halsCase.id;
      assert.match(
        await visibleText(hal.locator('.alert-success')),
        new RegExp(`vi har modtaget din bekymring #${id}`),
        'the receipt on screen',
      );
      assert.match(await visibleText(hal.locator('h1')), /Knallerter ved hallen om aftenen/);
      await halsCase.assertPhotosLoaded(1);
      assert.deepEqual(reporter.problems.list, [], 'the browser reported no problems for the reporter');
      const receipt = await newestMailAbout(app, REPORTER, id);
      assert.ok(receipt, 'the receipt mail arrived');

      // --- the officer creates a reply template, finds the concern in the inbox and answers
      const o = officer.page;
      await login(o, OFFICER);
      await o.goto('/templates');
      await o.locator('main').getByRole('link', { name: 'Opret tekstskabelon' }).click();
      await o.waitForURL((url) => url.pathname === '/templates/new');
      await o.locator('#field-title').fill('Tak – patrulje sendes forbi');
      await o.locator('#field-body').fill('Tak for din henvendelse. Vi sender en patrulje forbi.');
      await Promise.all([
        o.waitForURL((url) => url.pathname === '/templates'),
        o.locator('main form button[type="submit"]').click(),
      ]);
      assert.match(await visibleText(o.locator('main')), /Tak – patrulje sendes forbi/);

      await o.getByRole('navigation', { name: 'Hovedmenu' }).getByRole('link', { name: 'Indbakke' }).click();
      await o.waitForURL((url) => url.pathname === '/triage');
      await o.locator('main table').getByRole('link', { name: 'Knallerter ved hallen om aftenen' }).click();
      await o.waitForURL((url) => url.pathname === `/concerns/${id}`);
      assert.match(await visibleText(o.locator('main')), /Jens Æbeltoft/, 'staff see the reporter');
      await new CasePage(o).assertPhotosLoaded(1);

      await o.locator('#field-template').selectOption({ label: 'Tak – patrulje sendes forbi' });
      await Promise.all([
        o.waitForURL((url) => url.searchParams.has('template')),
        o.getByRole('button', { name: 'Indsæt skabelon' }).click(),
      ]);
      const body = o.locator('#field-body');
      assert.equal(await body.inputValue(), 'Tak for din henvendelse. Vi sender en patrulje forbi.');
      await body.fill(`${await body.inputValue()} I hører fra mig igen, når jeg ved mere.`);
      await o.locator('#field-visibility-public').check();
      await Promise.all([
        o.waitForURL((url) => url.pathname === `/concerns/${id}` && !url.search),
        o.locator(`main form[action="/concerns/${id}/notes"] button[type="submit"]`).click(),
      ]);
      assert.match(await visibleText(o.locator('.alert-success')), /Svaret er gemt/);
      assert.match(await visibleText(o.locator('main .concern-timeline')), /I hører fra mig igen/);

      // --- and refers it to SSP
      await o.locator('main').getByRole('link', { name: 'Henvis til en afdeling' }).click();
      await o.waitForURL((url) => url.pathname === `/concerns/${id}/referrals/new`);
      await o.locator('#field-department_id').selectOption({ label: 'SSP' });
      await o.locator('#field-note').fill('Kender I gruppen med knallerter ved hallen? Kan I tage kontakt?');
      await Promise.all([
        o.waitForURL((url) => url.pathname === `/concerns/${id}`),
        o.getByRole('button', { name: 'Send henvisning' }).click(),
      ]);
      assert.match(await visibleText(o.locator('.alert-success')), /Henvisningen er sendt til SSP/);
      assert.match(await visibleText(o.locator('main .referral-panel')), /SSP\s+sendt/);

      // --- SSP opens the link from the mail, acknowledges and answers, without an account
      const sspMail = await newestMailAbout(app, SSP, id);
      assert.doesNotMatch(sspMail.text, /Jens Æbeltoft|Stien bag Glumsø Hallen/, 'no reporter, no place');
      const link = linkIn(sspMail, '/referrals/');
      const d = department.page;
      await d.goto(link);
      assert.match(await visibleText(d.locator('h1')), new RegExp(`#${id}`));
      assert.match(await visibleText(d.locator('main')), /Kender I gruppen med knallerter/);
      assert.doesNotMatch(await visibleText(d.locator('main')), /Knallerter ved hallen om aftenen|Jens/);
      await d.getByRole('button', { name: 'Kvittér for modtagelse' }).click();
      await d.locator('.alert-success').waitFor();
      assert.match(await visibleText(d.locator('.alert-success')), /har modtaget henvisningen/);
      await d
        .locator('#field-answer')
        .fill('Vi kender gruppen og tager en snak med dem på skolen i næste uge.');
      await d.getByRole('button', { name: 'Send svar' }).click();
      await d.locator('.alert-success').waitFor();
      assert.match(await visibleText(d.locator('.alert-success')), /Jeres svar er sendt/);
      assert.match(await visibleText(d.locator('main')), /tager en snak med dem på skolen/);
      assert.deepEqual(department.problems.list, [], 'the browser reported no problems for SSP');

      // --- the officer sees the answer and closes the concern with feedback
      await o.reload();
      assert.match(await visibleText(o.locator('main .referral-panel')), /besvaret/);
      assert.match(await visibleText(o.locator('main .referral-panel')), /tager en snak med dem på skolen/);
      await o.locator('#field-resolution').selectOption('resolved');
      await o
        .locator('#field-feedback')
        .fill('SSP har talt med de unge, og patruljen har været forbi. Sig til, hvis det sker igen.');
      await Promise.all([
        o.waitForURL((url) => url.pathname === `/concerns/${id}`),
        o.getByRole('button', { name: 'Afslut bekymringen' }).click(),
      ]);
      assert.match(await visibleText(o.locator('.alert-success')), new RegExp(`#${id} er afsluttet`));
      assert.deepEqual(officer.problems.list, [], 'the browser reported no problems for the officer');

      // --- the reporter reloads and sees how it ended
      await hal.reload();
      const main = await visibleText(hal.locator('main'));
      assert.match(main, /Afsluttet/);
      assert.match(main, /Løst/);
      assert.match(main, /SSP har talt med de unge/);
      assert.match(main, /Tak for din henvendelse\. Vi sender en patrulje forbi\./, 'the public reply');
      assert.doesNotMatch(main, /tager en snak med dem på skolen/, "the department's answer is internal");
      const closedMail = await newestMailAbout(app, REPORTER, id);
      assert.match(closedMail.text, /SSP har talt med de unge/, 'the feedback reached the reporter by mail');
    } finally {
      await reporter.context.close();
      await officer.context.close();
      await department.context.close();
    }
  });

  it('without JavaScript a network person logs a concern with a photo and gets the receipt', async () => {
    const { context, page, problems } = await newPage(browser, app.url, 'phone', {
      javaScriptEnabled: false,
    });
    try {
      await login(page, REPORTER);
      const form = await ConcernFormPage.open(page);
      // An empty submit first: the errors come back from the server, nothing needs scripts.
      await form.submitEmpty();
      assert.match(await visibleText(page.locator('.error-summary')), /\S/);
      const concern = await form.send(
        youngPeople({
          title: 'Graffiti på transformerstationen',
          description: 'Nyt graffiti på transformerstationen ved stationen, også på skiltet.',
          location: 'Glumsø Station',
          photo: pngPath,
        }),
      );
      const id = concern.id;
      assert.match(await visibleText(page.locator('.alert-success')), new RegExp(`bekymring #${id}`));
      await concern.assertPhotosLoaded(1);
      const occurred = app.deps.db.prepare('SELECT occurred_at FROM concerns WHERE id = ?').pluck().get(id);
      assert.ok(occurred, 'the time from the datetime-local field was stored');
      assert.deepEqual(problems.list, []);
    } finally {
      await context.close();
    }
  });
});

// ------------------------------------------------------------------ every new page, both widths

describe('the concern pages pass axe and reflow at phone and desktop width', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;
  const ids: Record<string, number> = {};
  const tokens: Record<'sent' | 'acknowledged' | 'answered' | 'expired', string> = {
    sent: '',
    acknowledged: '',
    answered: '',
    expired: '',
  };

  /** A referral to SSP through the service; returns the link's token from the real mail. */
  async function referToSsp(concernId: number, note: string): Promise<string> {
    app.deps.services.referrals.refer(actorFor(app, OFFICER), concernId, {
      department_id: departmentId(app, 'SSP'),
      note,
    });
    return linkPathIn(await newestMailAbout(app, SSP, concernId), '/referrals/')
      .split('/')
      .pop() as string;
  }

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
    const concerns = app.deps.services.concerns;
    const hal = actorFor(app, REPORTER);
    const formand = actorFor(app, COUNCIL_ADMIN);
    const officer = actorFor(app, OFFICER);
    const glumsoe = councilId(app, 'glumsoe');
    const log = (who: Actor, title: string, category: string, photos: Buffer[] = []) =>
      logConcern(
        app,
        who,
        {
          councilId: glumsoe,
          category,
          title,
          description: `${title}.\n\nDet har stået på i et par uger, mest om aftenen efter kl. 21, og flere naboer har bemærket det.`,
          location: 'Ved Glumsø Hallen',
          occurredAt: new Date(Date.now() - 2 * DAY).toISOString(),
        },
        photos.map(upload),
      );

    // The main case: notes, a public reply, referrals in every state, a shared summary, a duplicate.
    ids.main = log(hal, 'Unge samles ved hallen og larmer sent om aftenen', 'unge', [
      tinyPng(),
      tinyPng(80, 60),
    ]);
    concerns.updateTriage(officer, ids.main, { priority: 'high' });
    concerns.addNote(officer, ids.main, { body: 'Kendt gruppe; tal med SSP.', visibility: 'internal' });
    concerns.addNote(officer, ids.main, {
      body: 'Tak for din henvendelse. Vi kigger forbi i weekenden.',
      visibility: 'public',
    });
    concerns.share(
      officer,
      ids.main,
      'Politiet og SSP er opmærksomme på unge ved hallen om aftenen.\nVi følger op.',
    );
    tokens.sent = await referToSsp(ids.main, 'Kender I gruppen ved hallen?');
    tokens.acknowledged = await referToSsp(ids.main, 'Anden henvisning: kvitteret, ikke besvaret.');
    app.deps.services.referrals.acknowledge(tokens.acknowledged);
    tokens.answered = await referToSsp(ids.main, 'Tredje henvisning: besvaret.');
    app.deps.services.referrals.answer(tokens.answered, 'Vi kender dem og tager kontakt via skolen.');
    tokens.expired = await referToSsp(ids.main, 'Fjerde henvisning: linket er udløbet.');
    app.deps.db
      .prepare('UPDATE referrals SET token_expires_at = ? WHERE note LIKE ?')
      .run(new Date(Date.now() - DAY).toISOString(), 'Fjerde henvisning%');

    ids.duplicate = log(formand, 'Larm fra unge ved hallen', 'unge');
    concerns.markDuplicate(officer, ids.duplicate, ids.main);

    // Closed with feedback, for the reporter's closed view.
    ids.closed = log(hal, 'Graffiti på busskuret ved torvet', 'haervaerk');
    concerns.close(officer, ids.closed, {
      resolution: 'not_police',
      feedback: 'Graffiti på busskure fjernes af kommunen. Kontakt Næstved Kommune, Vej og Park.',
    });

    // A concern of the council admin shared with the network: hal's list has a shared section.
    ids.shared = log(formand, 'Indbrud i haveskure på Møllevej', 'indbrud');
    concerns.share(officer, ids.shared, 'Der har været indbrud i haveskure; husk at låse.');

    // A low-priority concern in Fladså for the officer's filters.
    logConcern(app, 'brugs@fladsaa.example', {
      councilId: councilId(app, 'fladsaa'),
      category: 'trafik',
      title: 'Biler kører for stærkt forbi skolen',
      description: 'Om morgenen kører biler langt over 50 km/t forbi skolen.',
      location: 'Skolevej, Mogenstrup',
    });
    app.deps.services.templates.create(officer, {
      title: 'Tak – vi kigger på det',
      body: 'Tak for din henvendelse. Jeg vender tilbage, når jeg ved mere.',
      active: true,
    });
    await app.deliverMail();
  });
  after(() => closeBrowserAndApp({ browser, app }));

  /**
   * Opens the page with `open` once, at phone width, and runs every check (status, axe, no sideways
   * scroll, no browser problems) there and again after widening the same page to desktop width —
   * the media queries apply anew without paying for a second load or a second POST.
   */
  async function checkBoth(
    page: Page,
    problems: PageProblems,
    label: string,
    open: () => Promise<number | undefined>,
    expectedStatus = 200,
  ): Promise<void> {
    await page.setViewportSize(VIEWPORTS.phone);
    problems.clear();
    const status = await open();
    assert.equal(status, expectedStatus, `${label} answered ${status}`);
    for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
      await page.setViewportSize(VIEWPORTS[viewport]);
      await checkPage(page, problems, `${label} (${viewport})`);
      problems.clear();
    }
  }

  const visit = (page: Page, url: string) => async () => (await page.goto(url))?.status();

  /** Submits the form with the button and returns the status of the page it lands on. */
  const submitEmpty = (page: Page, url: string, button: string) => async () => {
    await page.goto(url);
    const [response] = await Promise.all([
      page.waitForResponse(
        (r) => r.request().method() === 'POST' && r.request().resourceType() === 'document',
      ),
      page.locator(button).click(),
    ]);
    await page.waitForLoadState('load');
    await page.locator('.error-summary').waitFor();
    return response.status();
  };

  it('the reporter pages: the form (empty, with errors), the case (open, closed), the list with shared summaries', async () => {
    const { context, page, problems } = await signedInPage(browser, app, REPORTER);
    try {
      await checkBoth(page, problems, '/concerns/new', visit(page, '/concerns/new'));
      await checkBoth(
        page,
        problems,
        '/concerns/new with errors',
        submitEmpty(page, '/concerns/new', 'main form[action^="/concerns?"] button[type="submit"]'),
        422,
      );
      await checkBoth(page, problems, 'reporter case, open', visit(page, `/concerns/${ids.main}`));
      assert.doesNotMatch(await visibleText(page.locator('main')), /Kendt gruppe/, 'no internal note');
      await checkBoth(page, problems, 'reporter case, closed', visit(page, `/concerns/${ids.closed}`));
      assert.match(await visibleText(page.locator('main')), /Vej og Park/, 'the feedback is shown');
      await checkBoth(page, problems, '/concerns (reporter)', visit(page, '/concerns'));
      assert.match(await visibleText(page.locator('main')), /husk at låse/, 'the shared section is listed');
      await checkBoth(page, problems, '/concerns?q= no results', visit(page, '/concerns?q=zzzyyyxxx'));
    } finally {
      await context.close();
    }
  });

  it('the council admin: the shared summary view and the council counts', async () => {
    const { context, page, problems } = await signedInPage(browser, app, COUNCIL_ADMIN);
    try {
      await checkBoth(page, problems, 'shared summary view', visit(page, `/concerns/${ids.main}`));
      const main = await visibleText(page.locator('main'));
      assert.match(main, /Politiet og SSP er opmærksomme/);
      assert.doesNotMatch(
        main,
        /Jens Æbeltoft|mest om aftenen efter kl\. 21/,
        'never the original or reporter',
      );
      await checkBoth(page, problems, '/concerns (council admin)', visit(page, '/concerns'));
      assert.match(await visibleText(page.locator('main')), /Tal for Glumsø Lokalråd/);
    } finally {
      await context.close();
    }
  });

  it('the officer: case pages, lists, queue, templates and the referral form', async () => {
    const { context, page, problems } = await signedInPage(browser, app, OFFICER);
    try {
      await checkBoth(page, problems, 'staff case page', visit(page, `/concerns/${ids.main}`));
      const main = await visibleText(page.locator('main'));
      assert.match(main, /Kendt gruppe/, 'the internal note');
      assert.match(main, new RegExp(`#${ids.duplicate}`), 'the duplicate link');
      assert.match(main, /Henvisninger til afdelinger/, 'the referrals panel');
      assert.match(main, /opmærksomme på unge ved hallen/, 'the shared summary');
      await checkBoth(
        page,
        problems,
        'staff case page with a template',
        visit(
          page,
          `/concerns/${ids.main}?template=${app.deps.db.prepare('SELECT max(id) FROM response_templates').pluck().get()}`,
        ),
      );
      await checkBoth(
        page,
        problems,
        'staff case page with errors',
        submitEmpty(page, `/concerns/${ids.main}`, `main form[action="/concerns/${ids.main}/close"] button`),
        422,
      );
      await checkBoth(
        page,
        problems,
        'staff case page, duplicate (closed)',
        visit(page, `/concerns/${ids.duplicate}`),
      );
      await checkBoth(page, problems, '/concerns (officer)', visit(page, '/concerns'));
      const glumsoe = councilId(app, 'glumsoe');
      await checkBoth(
        page,
        problems,
        '/triage with filters',
        visit(page, `/triage?council=${glumsoe}&status=open&category=unge&priority=high&awaiting=1`),
      );
      assert.match(await visibleText(page.locator('main table')), /Unge samles ved hallen/);
      await checkBoth(page, problems, '/triage?q= no results', visit(page, '/triage?q=zzzyyyxxx'));
      assert.equal(await page.locator('main table.triage-table').count(), 0);
      await checkBoth(page, problems, '/triage?q= without words', visit(page, '/triage?q=%22%2A%28'));
      await checkBoth(page, problems, '/templates', visit(page, '/templates'));
      await checkBoth(
        page,
        problems,
        '/templates/new with errors',
        submitEmpty(page, '/templates/new', 'main form button[type="submit"]'),
        422,
      );
      await checkBoth(
        page,
        problems,
        '/concerns/:id/referrals/new',
        visit(page, `/concerns/${ids.main}/referrals/new`),
      );
      await checkBoth(
        page,
        problems,
        '/concerns/:id/referrals/new with errors',
        submitEmpty(page, `/concerns/${ids.main}/referrals/new`, 'main form button[type="submit"]'),
        422,
      );
    } finally {
      await context.close();
    }
  });

  it('the department link page in every state: sent, acknowledged, answered, unknown, expired', async () => {
    const { context, page, problems } = await newPage(browser, app.url);
    try {
      await checkBoth(page, problems, '/referrals/:token sent', visit(page, `/referrals/${tokens.sent}`));
      await checkBoth(
        page,
        problems,
        '/referrals/:token sent, empty answer',
        submitEmpty(page, `/referrals/${tokens.sent}`, 'main form.narrow-form button[type="submit"]'),
        422,
      );
      await checkBoth(
        page,
        problems,
        '/referrals/:token acknowledged',
        visit(page, `/referrals/${tokens.acknowledged}`),
      );
      await checkBoth(
        page,
        problems,
        '/referrals/:token answered',
        visit(page, `/referrals/${tokens.answered}`),
      );
      await checkBoth(
        page,
        problems,
        '/referrals/:token unknown',
        visit(page, `/referrals/${'x'.repeat(43)}`),
        404,
      );
      await checkBoth(
        page,
        problems,
        '/referrals/:token expired',
        visit(page, `/referrals/${tokens.expired}`),
        410,
      );
      assert.match(await visibleText(page.locator('h1')), /ugyldigt eller udløbet/);
    } finally {
      await context.close();
    }
  });

  // Last: it moves the app's clock past the due dates (and past the session's idle time).
  it('the queue flags overdue concerns ("Overskredet")', async () => {
    app.advanceClock(6 * DAY);
    const { context, page, problems } = await newPage(browser, app.url);
    try {
      await login(page, OFFICER);
      await checkBoth(page, problems, '/triage overdue', visit(page, '/triage'));
      assert.match(await visibleText(page.locator('main table.triage-table')), /Overskredet/);
      await checkBoth(page, problems, '/triage?overdue=1', visit(page, '/triage?overdue=1'));
    } finally {
      await context.close();
    }
  });
});

// ------------------------------------------------------------------ screenshots for a person

/**
 * The case page (staff and reporter), /triage and /concerns/new at both widths, written to
 * /tmp/shots-concerns (never the repository) for a person to look at (SCREENSHOTS=1, as in
 * journeys.test.ts).
 */
describe('screenshots of the concern pages', {
  skip: browserSkip || (process.env.SCREENSHOTS !== '1' && 'set SCREENSHOTS=1'),
}, () => {
  let app: TestApp;
  let browser: Browser;
  let id = 0;
  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
    const officer = actorFor(app, OFFICER);
    const concerns = app.deps.services.concerns;
    id = concerns.create(
      actorFor(app, REPORTER),
      {
        councilId: councilId(app, 'glumsoe'),
        category: 'unge',
        title: 'Unge samles ved hallen og larmer sent om aftenen',
        description:
          'En gruppe på 6-8 unge samles bag hallen de fleste aftener efter kl. 21.\n\nDer er råben, knallerter og affald, og flere naboer føler sig utrygge.',
        location: 'Bag Glumsø Hallen',
        occurredAt: new Date(Date.now() - 2 * DAY).toISOString(),
      },
      [tinyPng(), tinyPng(80, 60)].map(upload),
    );
    concerns.updateTriage(officer, id, { priority: 'high' });
    concerns.addNote(officer, id, { body: 'Kendt gruppe; tal med SSP.', visibility: 'internal' });
    concerns.addNote(officer, id, {
      body: 'Tak for din henvendelse. Vi kigger forbi.',
      visibility: 'public',
    });
    app.deps.services.referrals.refer(officer, id, {
      department_id: departmentId(app, 'SSP'),
      note: 'Kender I gruppen ved hallen?',
    });
    app.deps.services.templates.create(officer, {
      title: 'Tak',
      body: 'Tak for din henvendelse.',
      active: true,
    });
    await app.deliverMail();
    mkdirSync(SHOTS_DIR, { recursive: true });
  });
  after(() => closeBrowserAndApp({ browser, app }));

  for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
    const w = VIEWPORTS[viewport].width;
    it(`writes ${SHOTS_DIR}/*-${w}.png`, async () => {
      const shot = (page: Page, name: string) =>
        page.screenshot({ path: path.join(SHOTS_DIR, `${name}-${w}.png`), fullPage: true });
      const reporter = await newPage(browser, app.url, viewport);
      const officer = await newPage(browser, app.url, viewport);
      try {
        await login(reporter.page, REPORTER);
        await reporter.page.goto('/concerns/new');
        await shot(reporter.page, 'new');
        await reporter.page.locator('main form[action^="/concerns?"] button[type="submit"]').click();
        await reporter.page.locator('.error-summary').waitFor();
        await shot(reporter.page, 'new-errors');
        await reporter.page.goto(`/concerns/${id}`);
        await shot(reporter.page, 'case-reporter');
        await login(officer.page, OFFICER);
        await officer.page.goto(`/concerns/${id}`);
        await shot(officer.page, 'case-staff');
        await officer.page.goto('/triage');
        await shot(officer.page, 'triage');
      } finally {
        await reporter.context.close();
        await officer.context.close();
      }
    });
  }
});
