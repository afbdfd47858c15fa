import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, DEMO_PASSWORD, textOf } from '../helpers/client.js';
import { linkIn } from '../helpers/smtp.js';
import { DEMO, loggedIn } from '../helpers/world.js';

const DEMO_LOGINS = Object.values(DEMO);

describe('logging in and out', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ throttleLimits: { untrusted: 3, perIp: 50 } });
  });
  after(() => app.close());

  it('answers /healthz with {"status":"ok"} when the database answers', async () => {
    const res = await fetch(`${app.url}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  for (const email of DEMO_LOGINS) {
    it(`lets the demo user ${email} log in and shows their name`, async () => {
      const client = new Client(app.url);
      const page = await client.login(email);
      assert.equal(page.status, 303);
      const home = await client.get('/');
      assert.equal(home.status, 200);
      assert.match(home.text, /Log ud/);
    });
  }

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const client = new Client(app.url);
    await client.get('/login');
    const unknown = await client.post('/login', { email: 'nobody@example.dk', password: 'whatever-it-is' });
    const wrong = await client.post('/login', {
      email: 'vest@vestegn.example',
      password: 'not-the-password',
    });
    assert.equal(unknown.status, 401);
    assert.equal(wrong.status, 401);
    const message = 'E-mail eller adgangskode er forkert';
    assert.ok(textOf(unknown.text).includes(message));
    assert.ok(textOf(wrong.text).includes(message));
    assert.match(unknown.text, /value="nobody@example.dk"/, 'the email is kept');
  });

  it('refuses a POST without a valid _csrf with 403', async () => {
    const client = new Client(app.url);
    await client.get('/login');
    const missing = await client.post('/login', {
      _csrf: '',
      email: 'hal@glumsoe.example',
      password: DEMO_PASSWORD,
    });
    assert.equal(missing.status, 403);
    const wrong = await client.post('/login', {
      _csrf: 'forged',
      email: 'hal@glumsoe.example',
      password: DEMO_PASSWORD,
    });
    assert.equal(wrong.status, 403);
    assert.match(textOf(wrong.text), /intet blev gemt/);
  });

  it('rotates the session id at login', async () => {
    const client = new Client(app.url);
    await client.get('/login');
    const before = (client as unknown as { cookies: Map<string, string> }).cookies.get('naernet.sid');
    await client.post('/login', { email: 'hal@glumsoe.example', password: DEMO_PASSWORD });
    const afterLogin = (client as unknown as { cookies: Map<string, string> }).cookies.get('naernet.sid');
    assert.ok(before && afterLogin && before !== afterLogin);
  });

  it('locks an account for browsers that never signed in to it after repeated failures, with a clear Danish message', async () => {
    const client = new Client(app.url);
    await client.get('/login');
    for (let i = 0; i < 3; i++) {
      await client.post('/login', { email: 'brugs@fladsaa.example', password: 'wrong-password-x' });
    }
    const blocked = await client.post('/login', { email: 'brugs@fladsaa.example', password: DEMO_PASSWORD });
    assert.equal(blocked.status, 429);
    assert.match(textOf(blocked.text), /For mange forsøg/);
    assert.match(textOf(blocked.text), /Glemt adgangskode\?, så kan du logge ind med det samme/);
    app.advanceClock(16 * 60_000);
    const again = await client.post('/login', { email: 'brugs@fladsaa.example', password: DEMO_PASSWORD });
    assert.equal(again.status, 303);
  });

  it('logs out with POST /logout and forgets the session', async () => {
    const client = await loggedIn(app, 'hal@glumsoe.example');
    const out = await client.post('/logout');
    assert.equal(out.status, 303);
    const home = await client.get('/');
    assert.doesNotMatch(home.text, /Log ud/);
  });

  it('resets a forgotten password through a single-use link in a real mail', async () => {
    const client = new Client(app.url);
    await client.get('/password/forgot');
    const sent = await client.post('/password/forgot', { email: 'VEST@vestegn.example' });
    assert.equal(sent.status, 200);
    await app.deliverMail();
    const mail = app.smtp.to('vest@vestegn.example').at(-1);
    assert.ok(mail, 'a reset mail arrived');
    assert.match(mail.subject, /Vælg ny adgangskode/);
    assert.ok(mail.html.length > 0 && mail.text.length > 0, 'plain-text and HTML parts');
    const link = new URL(linkIn(mail, '/password/reset/'));
    await client.get(link.pathname);
    const weak = await client.post(link.pathname, {
      password: 'password1234',
      password_confirm: 'password1234',
    });
    assert.equal(weak.status, 422);
    assert.match(textOf(weak.text), /for almindelig/);
    const ok = await client.post(link.pathname, {
      password: 'en lang og god sætning',
      password_confirm: 'en lang og god sætning',
    });
    assert.equal(ok.status, 303);
    const reused = await client.get(link.pathname);
    assert.equal(reused.status, 410);
    await new Client(app.url).login('vest@vestegn.example', 'en lang og god sætning');
  });

  it('sends no mail for an unknown address but shows the same page', async () => {
    const client = new Client(app.url);
    await client.get('/password/forgot');
    app.smtp.clear();
    const sent = await client.post('/password/forgot', { email: 'ukendt@example.dk' });
    assert.equal(sent.status, 200);
    await app.deliverMail();
    assert.equal(app.smtp.received.length, 0);
  });
});
