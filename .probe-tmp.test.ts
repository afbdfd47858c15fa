import { it } from 'node:test';
import { startTestApp } from './test/helpers/app.js';
import { launchBrowser, login, newPage } from './test/helpers/browser.js';
it('probe', async () => {
  const app = await startTestApp(); const browser = await launchBrowser();
  const { page } = await newPage(browser, app.url);
  await login(page, 'betjent@politi.example');
  await page.goto('/triage');
  console.log(await page.evaluate(() => {
    const cs = (el: Element | null) => el ? getComputedStyle(el) : null;
    const g = document.querySelector('.triage-filter .row .form-group');
    const ul = document.querySelector('.triage-counts');
    return { groupMarginTop: cs(g)?.marginTop, ulMaxWidth: cs(ul)?.maxWidth, ulWidth: ul?.getBoundingClientRect().width,
      actions: cs(document.querySelector('.triage-filter .actions-inline'))?.alignItems };
  }));
  await login(page, 'hal@glumsoe.example').catch(() => {});
  const ctx2 = await newPage(browser, app.url); await login(ctx2.page, 'hal@glumsoe.example'); await ctx2.page.goto('/concerns/new');
  console.log(await ctx2.page.evaluate(() => { const t = document.querySelector('#field-description')!; const i = document.querySelector('#field-title')!; return { ta: getComputedStyle(t).maxWidth + ' ' + t.getBoundingClientRect().width, title: i.getBoundingClientRect().width, cls: t.className }; }));
  await browser.close(); await app.close();
});
