import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import { loggedIn } from '../helpers/world.js';

describe('shared web behaviour', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it('sends a strict Content-Security-Policy without inline script or style', async () => {
    const res = await fetch(`${app.url}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /style-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(res.headers.get('x-request-id'));
    const html = await res.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline <script>');
    assert.doesNotMatch(html, /\sstyle="/, 'no inline style attributes');
  });

  it('shows the 112/114 notice, the responsible authority and the statutory links on the start page', async () => {
    const text = textOf(await (await fetch(`${app.url}/`)).text());
    assert.match(text, /ring 112/);
    assert.match(text, /ring 114/);
    assert.match(text, /Sydsjællands og Lolland-Falsters Politi/);
    assert.match(text, /Tilgængelighedserklæring/);
    assert.match(text, /Behandling af personoplysninger/);
    for (const path of ['/tilgaengelighed', '/privatliv']) {
      assert.equal((await fetch(`${app.url}${path}`)).status, 200, path);
    }
  });

  it('serves DKFDS and its fonts from /assets/dkfds', async () => {
    const css = await fetch(`${app.url}/assets/dkfds/css/dkfds-borgerdk.min.css`);
    assert.equal(css.status, 200);
    const js = await fetch(`${app.url}/assets/dkfds/js/dkfds.min.js`);
    assert.equal(js.status, 200);
    assert.equal((await fetch(`${app.url}/assets/js/app.js`)).status, 200);
  });

  it('answers an unknown path with a Danish 404 page in the layout', async () => {
    const res = await fetch(`${app.url}/findes-ikke`);
    assert.equal(res.status, 404);
    const text = textOf(await res.text());
    assert.match(text, /Siden findes ikke/);
    assert.match(text, /Tilgængelighedserklæring/);
  });

  it('answers an oversized form with an error page, not a 500 or a stack trace', async () => {
    const client = new Client(app.url);
    await client.get('/login');
    const page = await client.post('/login', { email: 'x'.repeat(300_000), password: 'x' });
    assert.equal(page.status, 413);
    assert.doesNotMatch(page.text, /at .*\.(ts|js):\d+/);
  });

  it('sets the session cookie HttpOnly and SameSite=Lax', async () => {
    const res = await fetch(`${app.url}/login`);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('naernet.sid='));
    assert.ok(cookie);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
  });

  it('switches to English and back, remembered for the signed-in user', async () => {
    const client = new Client(app.url);
    await client.get('/');
    const switched = await client.post('/language', { locale: 'en', next: '/' });
    assert.equal(switched.status, 303);
    const english = await client.get('/');
    assert.match(english.text, /<html lang="en">/);
    assert.match(textOf(english.text), /Welcome to Nærnet/);
    await client.login('hal@glumsoe.example');
    await client.post('/language', { locale: 'en', next: '/' });
    const signedIn = await client.get('/');
    assert.match(textOf(signedIn.text), /Log out/);
    // A new session of the same user keeps the choice.
    const other = await loggedIn(app, 'hal@glumsoe.example');
    assert.match(textOf((await other.get('/')).text), /Log out/);
    await other.post('/language', { locale: 'da', next: '/' });
    assert.match(textOf((await other.get('/')).text), /Log ud/);
  });

  it('ends a session after 30 idle minutes', async () => {
    const client = await loggedIn(app, 'vest@vestegn.example');
    app.advanceClock(29 * 60_000);
    assert.match((await client.get('/')).text, /Log ud/, 'still signed in after 29 minutes');
    app.advanceClock(31 * 60_000);
    assert.doesNotMatch((await client.get('/')).text, /Log ud/, 'signed out after 31 idle minutes');
  });

  it('only shows navigation a role can use', async () => {
    const network = await loggedIn(app, 'hal@glumsoe.example');
    const text = (await network.get('/')).text;
    assert.doesNotMatch(text, /href="\/admin"/);
    assert.doesNotMatch(text, /href="\/members"/);
    const admin = await loggedIn(app, 'admin@politi.example');
    assert.match((await admin.get('/')).text, /href="\/admin"/);
  });
});
