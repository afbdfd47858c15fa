import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client } from '../helpers/client.js';
import { DEMO } from '../helpers/world.js';

/**
 * No private page is cached (docs/domain.md#secrets-and-logs): every page a signed-in person
 * reaches, and every page behind a secret link, says `Cache-Control: no-store`, so Back after
 * "Log ud" on a shared PC shows nothing.
 */

/** Same-origin GET links of a page, without assets, downloads that log out, or fragments. */
function linksOf(html: string): string[] {
  const links = new Set<string>();
  for (const [, href] of html.matchAll(/href="(\/[^"#]*)/g)) {
    const path = href?.replaceAll('&amp;', '&');
    if (!path || path.startsWith('/assets/') || path.startsWith('//')) continue;
    links.add(path);
  }
  return [...links];
}

/** Every page reachable from the start page by links, breadth first, at most `limit` of them. */
async function crawl(client: Client, limit: number): Promise<Map<string, string | null>> {
  const seen = new Map<string, string | null>();
  const queue = ['/'];
  while (queue.length > 0 && seen.size < limit) {
    const path = queue.shift() as string;
    if (seen.has(path)) continue;
    const page = await client.get(path);
    seen.set(path, page.headers.get('cache-control'));
    if (page.headers.get('content-type')?.startsWith('text/html')) queue.push(...linksOf(page.text));
  }
  return seen;
}

describe('no private page is cached', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  for (const role of ['admin', 'officer', 'formand', 'hal'] as const) {
    it(`every page the ${role} reaches by links says no-store`, async () => {
      const client = new Client(app.url);
      await client.login(DEMO[role]);
      const pages = await crawl(client, 150);
      assert.ok(pages.size >= 10, `only ${pages.size} pages reached`);
      const cached = [...pages].filter(([, header]) => !header?.includes('no-store'));
      assert.deepEqual(cached, []);
      assert.ok(client.hasSession(), 'the crawl must not have logged out');
    });
  }

  it('pages behind a secret link and the login page after logging out say no-store', async () => {
    const anonymous = new Client(app.url);
    for (const path of [
      '/referrals/not-a-real-token',
      '/invitations/not-a-real-token',
      '/password/reset/not-a-real-token',
      '/unsubscribe/not-a-real-token',
      '/calendar/not-a-real-token.ics',
      '/login',
    ]) {
      const page = await anonymous.get(path);
      assert.match(page.headers.get('cache-control') ?? '', /no-store/, path);
    }
  });

  it('static assets stay cacheable', async () => {
    const page = await new Client(app.url).get('/assets/css/app.css');
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.headers.get('cache-control') ?? '', /no-store/);
  });
});
