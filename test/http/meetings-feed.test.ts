/**
 * Issue 13, item 9: the calendar in one tap. The feed page offers the new address as a webcal://
 * link, in a read-only field with a copy button (shown by JavaScript) and with a line each on how to
 * add it on iPhone, Android and Outlook; replacing the address is a secondary button that asks for
 * confirmation on a page of its own.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import { loggedIn } from '../helpers/world.js';

let app: TestApp;

before(async () => {
  app = await startTestApp();
});
after(() => app.close());

/** The address in the page's read-only field, or undefined. */
const addressIn = (html: string) => /id="field-feed_url" value="([^"]+)"[^>]*readonly/.exec(html)?.[1];

/** Makes a feed through the page, as the person would: the page that shows it once, and the address. */
async function createFeed(client: Client): Promise<{ url: string; html: string }> {
  await client.get('/meetings/feed');
  const done = await client.post('/meetings/feed', { action: 'create' });
  assert.equal(done.status, 303);
  assert.equal(done.location, '/meetings/feed');
  const { text: html } = await client.get('/meetings/feed');
  const url = addressIn(html);
  assert.ok(url, 'the new address is shown in a read-only field');
  return { url, html };
}

const feedStatus = async (url: string) => (await new Client(app.url).get(new URL(url).pathname)).status;

describe('the calendar feed page', () => {
  it('offers the new address as a webcal:// link, in a selectable field with a copy button, and says how to add it', async () => {
    const hal = await loggedIn(app, 'hal@glumsoe.example');
    const { url, html } = await createFeed(hal);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/calendar\/[A-Za-z0-9_-]+\.ics$/);
    assert.equal(await feedStatus(url), 200);

    // The same address with the scheme swapped (the test app's BASE_URL is http).
    const webcal = `webcal:${url.slice('http:'.length)}`;
    assert.ok(html.includes(`href="${webcal}"`), 'the webcal:// link');
    // The copy button is JavaScript's to show; without it the field is read-only and selectable.
    assert.match(html, /<button type="button"[^>]*data-copy-target="field-feed_url"[^>]*hidden>/);
    assert.match(html, /<script src="\/assets\/js\/feed-copy\.js" defer><\/script>/);
    assert.match(html, /role="status"/);
    const text = textOf(html);
    assert.match(text, /Abonnér i din kalender/);
    assert.match(text, /iPhone og iPad:/);
    assert.match(text, /Android: Åbn Google Kalender på nettet .*Tilføj kalender → Fra webadresse/);
    assert.match(text, /Outlook: Vælg Tilføj kalender → Abonner fra internettet/);

    const script = await new Client(app.url).get('/assets/js/feed-copy.js');
    assert.equal(script.status, 200);
    assert.match(script.text, /navigator\.clipboard/);

    const later = await hal.get('/meetings/feed');
    assert.equal(addressIn(later.text), undefined, 'shown only once');
    assert.doesNotMatch(later.text, /webcal:/);
  });

  it('replacing the address is a secondary button that asks for confirmation first', async () => {
    const brugs = await loggedIn(app, 'brugs@fladsaa.example');
    const { url: first } = await createFeed(brugs);
    const page = await brugs.get('/meetings/feed');
    assert.match(
      page.text,
      /<a class="button button-secondary" href="\/meetings\/feed\/replace">Lav en ny adresse<\/a>/,
    );
    assert.doesNotMatch(page.text, /<button[^>]*button-primary[^>]*>Lav en ny adresse/);

    // A stale "Opret" (a second tab, the back button) does not replace it: it leads to the question.
    const stale = await brugs.post('/meetings/feed', { action: 'create' });
    assert.equal(stale.status, 303);
    assert.equal(stale.location, '/meetings/feed/replace');
    assert.equal(await feedStatus(first), 200, 'the address in use still works');

    const confirm = await brugs.get('/meetings/feed/replace');
    assert.equal(confirm.status, 200);
    const text = textOf(confirm.text);
    assert.match(text, /Lav en ny kalenderadresse\?/);
    assert.match(text, /holder op med at virke med det samme/);
    assert.match(confirm.text, /name="action" value="replace"/);

    const replaced = await brugs.post('/meetings/feed', { action: 'replace' });
    assert.equal(replaced.status, 303);
    const second = addressIn((await brugs.get('/meetings/feed')).text);
    assert.ok(second && second !== first, 'a new address is shown');
    assert.equal(await feedStatus(first), 404, 'the old address stops');
    assert.equal(await feedStatus(second), 200);
  });

  it('without an address there is nothing to replace: the confirmation page leads back', async () => {
    const vest = await loggedIn(app, 'vest@vestegn.example');
    const page = await vest.get('/meetings/feed/replace');
    assert.equal(page.status, 302);
    assert.equal(page.location, '/meetings/feed');
    assert.equal((await new Client(app.url).get('/meetings/feed/replace')).status, 303, 'to the login');
  });
});
