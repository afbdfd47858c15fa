import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generate } from 'otplib';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, DEMO_PASSWORD, type Page, textOf } from '../helpers/client.js';
import { addPerson, councilId, testPasswordHash } from '../helpers/world.js';

/**
 * The session id (the naernet.sid cookie) changes on every change of privilege — login, a new
 * password, two-factor on or off — and the old id no longer signs anyone in.
 */

const sessionCookieOf = (client: Client) =>
  (client as unknown as { cookies: Map<string, string> }).cookies.get('naernet.sid');

/** A browser that presents only the given session cookie: someone who learnt the old id. */
async function withSessionCookie(app: TestApp, value: string, path: string): Promise<Page> {
  const res = await fetch(new URL(path, app.url), {
    redirect: 'manual',
    headers: { cookie: `naernet.sid=${value}` },
  });
  return {
    status: res.status,
    text: await res.text(),
    headers: res.headers,
    location: res.headers.get('location'),
  };
}

let n = 0;
async function signedInPerson(app: TestApp): Promise<{ client: Client; email: string }> {
  const email = `rotation${++n}@glumsoe.example`;
  addPerson(app, {
    email,
    name: `Rotation ${n}`,
    passwordHash: await testPasswordHash(),
    privacyAccepted: true,
    memberOf: [{ councilId: councilId(app, 'glumsoe') }],
  });
  const client = new Client(app.url);
  await client.login(email);
  return { client, email };
}

/** The id changed, the new one is signed in, and the old one opens nothing. */
async function assertRotated(app: TestApp, client: Client, before: string) {
  const afterChange = sessionCookieOf(client);
  assert.ok(afterChange, 'the browser still has a session');
  assert.notEqual(afterChange, before, 'the session id changed');
  const account = await client.get('/account');
  assert.equal(account.status, 200, 'the browser that made the change stays signed in');
  const old = await withSessionCookie(app, before, '/account');
  assert.equal(old.status, 303, 'the old session id no longer signs anyone in');
  assert.match(old.location ?? '', /^\/login/);
}

describe('session id rotation on a change of privilege', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it('the old session id works until a change (the check below is real)', async () => {
    const { client } = await signedInPerson(app);
    const id = sessionCookieOf(client) as string;
    assert.equal((await withSessionCookie(app, id, '/account')).status, 200);
  });

  it('changes the session id when the password is changed', async () => {
    const { client } = await signedInPerson(app);
    const before = sessionCookieOf(client) as string;
    await client.get('/account/password');
    const changed = await client.post('/account/password', {
      current_password: DEMO_PASSWORD,
      password: 'en helt ny og lang sætning',
      password_confirm: 'en helt ny og lang sætning',
    });
    assert.equal(changed.status, 303);
    assert.match(
      textOf((await client.get('/account')).text),
      /Din adgangskode er ændret/,
      'the flash came along',
    );
    await assertRotated(app, client, before);
  });

  it('keeps the session id when the password change is refused', async () => {
    const { client } = await signedInPerson(app);
    const before = sessionCookieOf(client);
    await client.get('/account/password');
    const wrong = await client.post('/account/password', {
      current_password: 'not-my-password',
      password: 'en helt ny og lang sætning',
      password_confirm: 'en helt ny og lang sætning',
    });
    assert.equal(wrong.status, 422);
    assert.equal(sessionCookieOf(client), before);
  });

  it('changes the session id when two-factor is turned on, and the page shown carries the new CSRF token', async () => {
    const { client } = await signedInPerson(app);
    const before = sessionCookieOf(client) as string;
    const page = await client.get('/account/two-factor');
    const secret = /<code class="totp-secret">([^<]+)<\/code>/.exec(page.text)?.[1]?.replace(/\s+/g, '');
    assert.ok(secret);
    const on = await client.post('/account/two-factor', { code: await generate({ secret }) });
    assert.equal(on.status, 200);
    assert.match(
      on.text,
      /<code>[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}<\/code>/,
      'the recovery codes are shown',
    );
    // A form on the recovery-codes page (the language switch, Log ud) must work with the new session.
    assert.equal((await client.post('/language', { locale: 'da', next: '/account' })).status, 303);
    await assertRotated(app, client, before);
  });

  it('changes the session id when two-factor is turned off', async () => {
    const { client } = await signedInPerson(app);
    const page = await client.get('/account/two-factor');
    const secret = /<code class="totp-secret">([^<]+)<\/code>/.exec(page.text)?.[1]?.replace(/\s+/g, '');
    assert.ok(secret);
    assert.equal(
      (await client.post('/account/two-factor', { code: await generate({ secret }) })).status,
      200,
    );
    await client.get('/account/two-factor');
    const before = sessionCookieOf(client) as string;
    const off = await client.post('/account/two-factor/disable', { password: DEMO_PASSWORD });
    assert.equal(off.status, 303);
    assert.equal(off.location, '/account');
    assert.match(textOf((await client.get('/account')).text), /Totrinsbekræftelse er slået fra/);
    await assertRotated(app, client, before);
  });
});
