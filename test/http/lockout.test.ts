import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generate, generateSecret } from 'otplib';
import type { AuditRow } from '../../src/audit/audit-log.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, DEMO_PASSWORD, type Page, textOf } from '../helpers/client.js';
import {
  addPerson,
  councilId,
  HOUR,
  lastMailTo,
  linkPathIn,
  testPasswordHash,
  userId,
} from '../helpers/world.js';

/**
 * docs/domain.md#sign-in-limits over real HTTP. Every Client is its own cookie jar, so it is its
 * own browser: one that has signed in to an account carries that account's device cookie.
 */

const WRONG = 'not-the-password-1';
const NEW_PASSWORD = 'en ny og lang sætning om glumsø';

let n = 0;
/** A fresh member of Glumsø with the demo password, so no test inherits another's counts. */
async function person(app: TestApp): Promise<string> {
  const email = `person${++n}@lockout.example`;
  addPerson(app, {
    email,
    name: `Person ${n}`,
    passwordHash: await testPasswordHash(),
    privacyAccepted: true,
    memberOf: [{ councilId: councilId(app, 'glumsoe') }],
  });
  return email;
}

async function attempt(client: Client, email: string, password: string): Promise<Page> {
  if (!client.csrf) await client.get('/login');
  return client.post('/login', { email, password });
}

/** A browser in which the owner has signed in once, and then logged out (the device cookie stays). */
async function ownersBrowser(app: TestApp, email: string, password = DEMO_PASSWORD): Promise<Client> {
  const browser = new Client(app.url);
  await browser.login(email, password);
  assert.ok(deviceCookieOf(browser), 'signing in gave the browser a device cookie');
  await browser.post('/logout');
  await browser.get('/login');
  return browser;
}

const deviceCookieOf = (client: Client) =>
  (client as unknown as { cookies: Map<string, string> }).cookies.get('naernet.device');

/** Signed in: the start page offers "Log ud". */
async function isSignedIn(client: Client): Promise<boolean> {
  return /Log ud/.test((await client.get('/')).text);
}

const auditRows = (app: TestApp, action: string, entityId: number | null = null): AuditRow[] =>
  app.deps.db
    .prepare<[string, number | null], AuditRow>(
      'SELECT * FROM audit_log WHERE action = ? AND entity_id IS ? ORDER BY id',
    )
    .all(action, entityId);

describe('sign-in limits: nobody locks out someone else', () => {
  let app: TestApp;
  before(async () => {
    // The default limits (5 untrusted, 10 per device, 15 minutes), with the per-address limit out
    // of the way: every test here comes from 127.0.0.1 (the address limit has its own app below).
    app = await startTestApp({ throttleLimits: { perIp: 10_000 } });
  });
  after(() => app.close());

  it('gives a browser that signs in a signed, HttpOnly, long-lived device cookie that does not carry the address', async () => {
    const email = await person(app);
    const browser = new Client(app.url);
    await browser.get('/login');
    const signedIn = await browser.post('/login', { email, password: DEMO_PASSWORD });
    assert.equal(signedIn.status, 303);
    const header = signedIn.headers.getSetCookie().find((c) => c.startsWith('naernet.device='));
    assert.ok(header, 'a device cookie is set');
    assert.match(header, /HttpOnly/i);
    assert.match(header, /SameSite=Lax/i);
    assert.match(header, /Path=\/login/i);
    const maxAge = Number(/Max-Age=(\d+)/i.exec(header)?.[1]);
    assert.ok(maxAge >= 300 * 24 * 3600, 'kept for about a year');
    const value = deviceCookieOf(browser) ?? '';
    assert.match(value, new RegExp(`^${userId(app, email)}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    assert.doesNotMatch(decodeURIComponent(value), /lockout|person/);
  });

  it('eight wrong passwords from another browser do not stop the owner signing in from their own browser', async () => {
    const email = await person(app);
    const owners = await ownersBrowser(app, email);

    const attacker = new Client(app.url);
    const answers: number[] = [];
    for (let i = 0; i < 8; i++) answers.push((await attempt(attacker, email, WRONG)).status);
    assert.deepEqual(
      answers,
      [401, 401, 401, 401, 401, 429, 429, 429],
      'untrusted browsers are locked out after five',
    );
    const right = await attempt(attacker, email, DEMO_PASSWORD);
    assert.equal(right.status, 429, 'not even the right password gets through from an untrusted browser');
    assert.match(textOf(right.text), /For mange forsøg/);
    const another = await attempt(new Client(app.url), email, DEMO_PASSWORD);
    assert.equal(another.status, 429, 'the lock holds for every browser without a device cookie');

    const owner = await attempt(owners, email, DEMO_PASSWORD);
    assert.equal(owner.status, 303, "the owner's own browser is let in");
    assert.ok(await isSignedIn(owners));

    const id = userId(app, email);
    assert.equal(auditRows(app, 'login.failed', id).length, 5);
    assert.equal(auditRows(app, 'login.locked', id).length, 1, 'the lock is recorded once, when it starts');
    assert.equal(auditRows(app, 'login.blocked', id).length, 5, 'every refused attempt is recorded');
    for (const row of [...auditRows(app, 'login.locked', id), ...auditRows(app, 'login.blocked', id)]) {
      assert.doesNotMatch(row.details, /@/, 'the address typed is not written into the log');
    }
  });

  it('answers an unknown address exactly as a known one, locked or not', async () => {
    const known = await person(app);
    const unknown = `nobody${n}@lockout.example`;
    const seen: Record<string, { statuses: number[]; texts: string[] }> = {};
    for (const email of [known, unknown]) {
      const browser = new Client(app.url);
      const pages: Page[] = [];
      for (let i = 0; i < 7; i++) pages.push(await attempt(browser, email, WRONG));
      seen[email] = {
        statuses: pages.map((p) => p.status),
        texts: pages.map((p) => textOf(p.text).replaceAll(email, 'EMAIL')),
      };
    }
    assert.deepEqual(seen[known]?.statuses, [401, 401, 401, 401, 401, 429, 429]);
    assert.deepEqual(seen[unknown], seen[known]);
  });

  it('a browser that has signed in before keeps its own budget: ten failures lock only that browser', async () => {
    const email = await person(app);
    const first = await ownersBrowser(app, email);
    const second = await ownersBrowser(app, email);
    const answers: number[] = [];
    for (let i = 0; i < 11; i++) answers.push((await attempt(first, email, WRONG)).status);
    assert.deepEqual(answers, [...Array(10).fill(401), 429]);
    assert.equal((await attempt(first, email, DEMO_PASSWORD)).status, 429, 'that browser is locked out');
    assert.equal(auditRows(app, 'login.device_locked', userId(app, email)).length, 1);

    assert.equal(
      (await attempt(second, email, DEMO_PASSWORD)).status,
      303,
      "the owner's other browser is not",
    );
    const fresh = new Client(app.url);
    assert.equal(
      (await attempt(fresh, email, DEMO_PASSWORD)).status,
      303,
      "a known browser's failures do not count against untrusted browsers",
    );
  });

  it('a device cookie of another account, or a forged one, counts as no device cookie', async () => {
    const victim = await person(app);
    const other = await person(app);
    const attackers = await ownersBrowser(app, other);
    for (let i = 0; i < 5; i++) await attempt(attackers, victim, WRONG);
    assert.equal((await attempt(attackers, victim, DEMO_PASSWORD)).status, 429);

    const forger = new Client(app.url);
    await forger.get('/login');
    const [, nonce] = (deviceCookieOf(attackers) ?? '').split('.');
    (forger as unknown as { cookies: Map<string, string> }).cookies.set(
      'naernet.device',
      `${userId(app, victim)}.${nonce}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`,
    );
    assert.equal((await attempt(forger, victim, DEMO_PASSWORD)).status, 429);
  });

  it('a lock on untrusted browsers ends once the failures are fifteen minutes old', async () => {
    const email = await person(app);
    const browser = new Client(app.url);
    for (let i = 0; i < 5; i++) await attempt(browser, email, WRONG);
    assert.equal((await attempt(browser, email, DEMO_PASSWORD)).status, 429);
    app.advanceClock(15 * 60_000 + 1000);
    assert.equal((await attempt(browser, email, DEMO_PASSWORD)).status, 303);
  });

  it('a completed password reset unlocks the account: for new browsers and for locked ones', async () => {
    const email = await person(app);
    const owners = await ownersBrowser(app, email);
    for (let i = 0; i < 10; i++) await attempt(owners, email, WRONG);
    const attacker = new Client(app.url);
    for (let i = 0; i < 5; i++) await attempt(attacker, email, WRONG);
    const newBrowser = new Client(app.url);
    assert.equal(
      (await attempt(newBrowser, email, DEMO_PASSWORD)).status,
      429,
      'untrusted browsers are locked',
    );
    assert.equal(
      (await attempt(owners, email, DEMO_PASSWORD)).status,
      429,
      "the owner's browser is locked too",
    );

    await newBrowser.get('/password/forgot');
    assert.equal((await newBrowser.post('/password/forgot', { email })).status, 200);
    const link = linkPathIn(await lastMailTo(app, email, 'Vælg ny adgangskode'), '/password/reset/');
    await newBrowser.get(link);
    const reset = await newBrowser.post(link, { password: NEW_PASSWORD, password_confirm: NEW_PASSWORD });
    assert.equal(reset.status, 303);

    assert.equal(
      (await attempt(newBrowser, email, NEW_PASSWORD)).status,
      303,
      'a new browser gets in at once',
    );
    assert.ok(await isSignedIn(newBrowser));
    assert.equal((await attempt(owners, email, NEW_PASSWORD)).status, 303, "and so does the owner's browser");
  });

  it('failed second-factor codes count too, and the right password does not clear them', async () => {
    const email = await person(app);
    const secret = generateSecret();
    app.deps.users.setTotp(userId(app, email), secret, true, app.deps.now().toISOString());
    const attacker = new Client(app.url);
    assert.equal((await attempt(attacker, email, DEMO_PASSWORD)).location, '/login/two-factor');
    await attacker.get('/login/two-factor');
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      codes.push((await attacker.post('/login/two-factor', { code: 'abcd-efgh-jkmn' })).status);
      if (i === 2) {
        // Typing the password again, which is right, must not buy more guesses at the code.
        assert.equal((await attempt(attacker, email, DEMO_PASSWORD)).location, '/login/two-factor');
        await attacker.get('/login/two-factor');
      }
    }
    assert.deepEqual(codes, [401, 401, 401, 401, 401]);
    const right = await attacker.post('/login/two-factor', { code: await generate({ secret }) });
    assert.equal(right.status, 429, 'after five wrong codes even the right one is refused');
    assert.equal((await attempt(attacker, email, DEMO_PASSWORD)).status, 429);
  });
});

describe('sign-in limits: the per-address limit stays', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ throttleLimits: { perIp: 6 } });
  });
  after(() => app.close());

  it('refuses an address that tried too many accounts, but not a browser that has signed in to the account it tries', async () => {
    const email = await person(app);
    const owners = await ownersBrowser(app, email);
    const sprayer = new Client(app.url);
    for (let i = 0; i < 6; i++) {
      assert.equal((await attempt(sprayer, `spray${i}@example.dk`, WRONG)).status, 401);
    }
    assert.equal((await attempt(sprayer, 'spray99@example.dk', WRONG)).status, 429);
    assert.equal(
      (await attempt(new Client(app.url), email, DEMO_PASSWORD)).status,
      429,
      'untrusted: refused',
    );
    assert.equal((await attempt(owners, email, DEMO_PASSWORD)).status, 303, 'its own browser: let in');
  });
});

describe('password reset mails: at most three an hour per address', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it('ten reset requests give at most three mails, and the same page every time', async () => {
    const email = await person(app);
    const browser = new Client(app.url);
    await browser.get('/password/forgot');
    const pages: Page[] = [];
    for (let i = 0; i < 10; i++) pages.push(await browser.post('/password/forgot', { email }));
    await app.deliverMail();
    assert.equal(app.smtp.to(email).length, 3, 'three mails arrived over real SMTP');
    assert.ok(pages.every((p) => p.status === 200));
    const texts = new Set(pages.map((p) => textOf(p.text)));
    assert.equal(texts.size, 1, 'the tenth page is the first page');
    assert.match([...texts][0] ?? '', /højst 3 links i timen/);

    const unknown = await browser.post('/password/forgot', { email: 'ukendt@lockout.example' });
    assert.equal(unknown.status, 200);
    assert.equal(
      textOf(unknown.text).replace('ukendt@lockout.example', email),
      [...texts][0],
      'an unknown address gets the same page',
    );

    const held = auditRows(app, 'password.reset_limited', userId(app, email));
    assert.equal(held.length, 7, 'each mail held back is recorded');
    for (const row of held) {
      assert.equal(row.actor_user_id, null);
      assert.doesNotMatch(row.details, /@/, 'without the address');
    }
    const links = app.smtp.to(email).map((m) => linkPathIn(m, '/password/reset/'));
    const newest = await browser.get(links.at(-1) as string);
    assert.equal(newest.status, 200, 'the newest link works');
    assert.equal((await browser.get(links[0] as string)).status, 410, 'the older links do not');
  });

  it('sends again once an hour has passed since the first of the three', async () => {
    const email = await person(app);
    const browser = new Client(app.url);
    await browser.get('/password/forgot');
    for (let i = 0; i < 4; i++) await browser.post('/password/forgot', { email });
    await app.deliverMail();
    assert.equal(app.smtp.to(email).length, 3);
    app.advanceClock(HOUR + 1000);
    await browser.get('/password/forgot'); // the idle session ended meanwhile
    assert.equal((await browser.post('/password/forgot', { email })).status, 200);
    await app.deliverMail();
    assert.equal(app.smtp.to(email).length, 4);
  });
});
