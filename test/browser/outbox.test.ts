/**
 * Undelivered mail in a real browser, at phone and desktop width: /admin/outbox with mails in both
 * lists (one waiting after a 4xx, one failed with a 5xx, one failed whose body was pruned), the
 * officer's case page and queue with a referral mail that could not be delivered — zero axe
 * WCAG 2.1 A/AA violations, no sideways scrolling — and "Send igen" delivering the failed one.
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
import { actorOf, DEMO, departmentId, logConcern } from '../helpers/world.js';

const FAERDSEL = 'faerdsel@politi.example';
const SSP = 'ssp@politi.example';

describe('undelivered mail in the browser', { skip: browserSkip }, () => {
  let app: TestApp;
  let browser: Browser;
  let failedConcern: number;

  /** A Glumsø concern referred by the officer to `department`; its mail then sent once. */
  async function referred(title: string, department: string): Promise<number> {
    const id = logConcern(app, DEMO.hal, { title, category: 'trafik' });
    app.deps.services.referrals.refer(actorOf(app, DEMO.officer), id, {
      department_id: departmentId(app, department),
      note: `Vil I se på det? ${title}.`,
    });
    await app.deliverMail();
    return id;
  }

  before(async () => {
    ({ browser, app } = await startBrowserAndApp());
    await app.deliverMail();
    app.smtp.respond = (to) => {
      if (to.includes('beredskab@politi.example')) return { code: 550, message: '5.7.1 Afvist af politik' };
      if (to.includes(FAERDSEL))
        return { code: 550, message: '5.1.1 Ukendt modtager: faerdsel@politi.example' };
      if (to.includes(SSP)) return { code: 451, message: '4.4.1 Forbindelsen til næste server fik timeout' };
      return undefined;
    };
    await referred('Røgudvikling ved genbrugspladsen', 'Beredskab');
    // Its body goes, as the retention job does it after mail_body_retention_days.
    app.deps.outbox.pruneBefore(
      new Date(app.deps.now().getTime() + 1).toISOString(),
      app.deps.now().toISOString(),
      100,
    );
    failedConcern = await referred('Bilister kører over for rødt ved Hovedgaden', 'Færdsel');
    await referred('Unge samles ved stationen om natten', 'SSP');
  });
  after(() => closeBrowserAndApp({ browser, app }));

  it("the officer's case page and queue say the referral mail could not be delivered, at phone and desktop width", async () => {
    const { context, page, problems } = await signedInPage(browser, app, DEMO.officer, 'phone');
    try {
      await page.goto(`/concerns/${failedConcern}`);
      const panel = await visibleText(page.locator('main .referral-panel'));
      assert.match(panel, /Mailen til afdelingen kunne ikke leveres: 550 5\.1\.1 Ukendt modtager/);
      assert.match(panel, /Kontakt en administrator, som kan sende mailen igen/);
      assert.match(panel, /Mail ikke leveret/);
      await checkBothWidths(page, problems, 'case page', 'outbox-case');

      await page.goto('/triage');
      const row = page.locator('main tr', { has: page.locator(`a[href="/concerns/${failedConcern}"]`) });
      assert.match(await visibleText(row.first()), /Henvisningsmail ikke leveret/);
      await checkBothWidths(page, problems, '/triage', 'outbox-triage');
    } finally {
      await context.close();
    }
  });

  // The admin's run comes last: it sends the failed mail again.
  it('the district admin finds the failed and waiting mails and sends one again, at phone and desktop width', async () => {
    const { context, page, problems } = await signedInPage(browser, app, DEMO.admin, 'phone');
    try {
      await page.goto('/admin');
      await Promise.all([
        page.waitForURL('**/admin/outbox'),
        page.getByRole('link', { name: 'Mails, der ikke er leveret' }).click(),
      ]);
      const waiting = await visibleText(page.locator('section[aria-labelledby="waiting"]'));
      assert.match(waiting, /ssp@politi\.example/);
      assert.match(waiting, /Henvisning til en afdeling/);
      assert.match(waiting, /451 4\.4\.1 Forbindelsen til næste server fik timeout/);
      const failed = await visibleText(page.locator('section[aria-labelledby="failed"]'));
      assert.match(failed, /550 5\.1\.1 Ukendt modtager/);
      assert.match(failed, /Kan ikke sendes igen: indholdet er slettet/);
      await checkBothWidths(page, problems, '/admin/outbox', 'outbox');

      app.smtp.respond = () => undefined;
      await Promise.all([
        page.waitForURL('**/admin/outbox'),
        page.getByRole('button', { name: /Send igen – faerdsel@politi\.example/ }).click(),
      ]);
      assert.match(
        await visibleText(page.locator('.alert-success')),
        /Mailen til faerdsel@politi\.example er sat i kø/,
      );
      await checkBothWidths(page, problems, '/admin/outbox after resending');
      await app.deliverMail();
      assert.equal(app.smtp.to(FAERDSEL).length, 1, 'delivered after all');
    } finally {
      await context.close();
    }
  });
});
