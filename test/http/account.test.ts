import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generate, generateSecret } from 'otplib';
import type { UserRow } from '../../src/auth/users.repository.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, DEMO_PASSWORD, type Page, textOf } from '../helpers/client.js';
import { addPerson, loggedIn, testPasswordHash } from '../helpers/world.js';

function userRow(app: TestApp, email: string): UserRow {
  const user = app.deps.users.findByEmail(email);
  assert.ok(user, `${email} exists`);
  return user;
}

/** The secret exactly as a person would read it off the page for manual entry. */
function secretOnPage(page: Page): string {
  const shown = /<code class="totp-secret">([^<]+)<\/code>/.exec(page.text)?.[1];
  assert.ok(shown, 'the page shows the secret as text');
  return shown.replace(/\s+/g, '');
}

function recoveryCodesOn(page: Page): string[] {
  return [...page.text.matchAll(/<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})<\/code>/g)].map(
    (m) => m[1] as string,
  );
}

/** Turns two-factor on the way a person does: read the secret, type the app's code. */
async function enrolTwoFactor(client: Client): Promise<{ secret: string; codes: string[] }> {
  const page = await client.get('/account/two-factor');
  assert.equal(page.status, 200);
  const secret = secretOnPage(page);
  const done = await client.post('/account/two-factor', { code: await generate({ secret }) });
  assert.equal(done.status, 200);
  const codes = recoveryCodesOn(done);
  assert.equal(codes.length, 10);
  return { secret, codes };
}

/** Password step, then the second step with `code`; returns the answer to the second step. */
async function loginWithSecondFactor(app: TestApp, email: string, code: string, password = DEMO_PASSWORD) {
  const client = new Client(app.url);
  await client.get('/login');
  const first = await client.post('/login', { email, password });
  assert.equal(first.status, 303);
  assert.equal(first.location, '/login/two-factor');
  await client.get('/login/two-factor');
  return { client, page: await client.post('/login/two-factor', { code }) };
}

describe('my account', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it('sends an anonymous visitor to the login page', async () => {
    const page = await new Client(app.url).get('/account');
    assert.equal(page.status, 303);
    assert.equal(page.location, '/login?next=%2Faccount');
  });

  it('shows email and roles read-only with links to password and two-factor', async () => {
    const client = await loggedIn(app, 'hal@glumsoe.example');
    const page = await client.get('/account');
    assert.equal(page.status, 200);
    const text = textOf(page.text);
    assert.match(text, /hal@glumsoe\.example/);
    assert.match(text, /Netværksperson, Glumsø Lokalråd \(halinspektør\)/);
    assert.doesNotMatch(page.text, /name="email"/, 'the email is not a form field');
    assert.match(page.text, /href="\/account\/password"/);
    assert.match(page.text, /href="\/account\/two-factor"/);
  });

  it('keeps changed name, phone, language and notification choices', async () => {
    const client = await loggedIn(app, 'brugs@fladsaa.example');
    await client.get('/account');
    const saved = await client.post('/account', {
      name: '  Birte Brugsuddeler  ',
      phone: '+45 55 12 34 56',
      locale: 'en',
      notify_newsletters: '1',
      notify_posts: '1',
    });
    assert.equal(saved.status, 303);
    assert.equal(saved.location, '/account');

    const page = await client.get('/account');
    assert.match(textOf(page.text), /Your details have been saved\./, 'the flash speaks the new language');
    assert.match(page.text, /<html lang="en">/);
    assert.match(page.text, /value="Birte Brugsuddeler"/);
    assert.match(page.text, /value="\+45 55 12 34 56"/);
    assert.match(page.text, /id="field-notify_newsletters"[^>]*checked/);
    assert.match(page.text, /id="field-notify_posts"[^>]*checked/);
    assert.doesNotMatch(page.text, /id="field-notify_meetings"[^>]*checked/);

    const row = userRow(app, 'brugs@fladsaa.example');
    assert.equal(row.name, 'Birte Brugsuddeler');
    assert.equal(row.phone, '+45 55 12 34 56');
    assert.equal(row.locale, 'en');
    assert.deepEqual(
      [row.notify_concern_updates, row.notify_newsletters, row.notify_meetings, row.notify_posts],
      [0, 1, 0, 1],
    );
  });

  it('answers bad input with 422, a Danish error summary and the input kept', async () => {
    const client = await loggedIn(app, 'hal@glumsoe.example');
    await client.get('/account');
    const page = await client.post('/account', {
      name: '',
      phone: 'ring til hallen',
      locale: 'da',
      notify_meetings: '1',
    });
    assert.equal(page.status, 422);
    const text = textOf(page.text);
    assert.match(text, /Der er problemer/);
    assert.match(text, /Skriv dit navn/);
    assert.match(text, /Skriv et gyldigt telefonnummer/);
    assert.match(page.text, /href="#field-name"/);
    assert.match(page.text, /href="#field-phone"/);
    assert.match(page.text, /value="ring til hallen"/);
    assert.match(page.text, /id="field-notify_meetings"[^>]*checked/);
    assert.doesNotMatch(page.text, /id="field-notify_newsletters"[^>]*checked/);

    const tooLong = await client.post('/account', {
      name: 'x'.repeat(101),
      phone: '1'.repeat(31),
      locale: 'xx',
    });
    assert.equal(tooLong.status, 422);
    assert.match(textOf(tooLong.text), /højst 100 tegn/);
    assert.match(textOf(tooLong.text), /højst 30 tegn/);
    assert.match(textOf(tooLong.text), /Vælg dansk eller engelsk/);
    assert.equal(userRow(app, 'hal@glumsoe.example').name.length < 100, true, 'nothing was saved');
  });

  it('changes the password, refuses a wrong current or weak one, and ends the other sessions', async () => {
    const email = 'vest@vestegn.example';
    const elsewhere = await loggedIn(app, email);
    assert.equal((await elsewhere.get('/account')).status, 200);

    const client = await loggedIn(app, email);
    await client.get('/account/password');

    const wrong = await client.post('/account/password', {
      current_password: 'not-my-password',
      password: 'en helt ny og lang sætning',
      password_confirm: 'en helt ny og lang sætning',
    });
    assert.equal(wrong.status, 422);
    assert.match(textOf(wrong.text), /Der er problemer.*Den nuværende adgangskode er forkert/);
    assert.match(wrong.text, /href="#field-current_password"/);

    const weak = await client.post('/account/password', {
      current_password: DEMO_PASSWORD,
      password: 'password1234',
      password_confirm: 'password1234',
    });
    assert.equal(weak.status, 422);
    assert.match(textOf(weak.text), /for almindelig/);

    const short = await client.post('/account/password', {
      current_password: DEMO_PASSWORD,
      password: 'kort',
      password_confirm: 'kort',
    });
    assert.equal(short.status, 422);
    assert.match(textOf(short.text), /mindst 12 tegn/);

    const same = await client.post('/account/password', {
      current_password: DEMO_PASSWORD,
      password: DEMO_PASSWORD,
      password_confirm: DEMO_PASSWORD,
    });
    assert.equal(same.status, 422);
    assert.match(textOf(same.text), /forskellig fra den nuværende/);

    const mismatch = await client.post('/account/password', {
      current_password: DEMO_PASSWORD,
      password: 'en helt ny og lang sætning',
      password_confirm: 'en anden lang sætning',
    });
    assert.equal(mismatch.status, 422);
    assert.match(textOf(mismatch.text), /ikke ens/);
    assert.doesNotMatch(mismatch.text, /en helt ny og lang sætning/, 'passwords are never echoed');

    const changed = await client.post('/account/password', {
      current_password: DEMO_PASSWORD,
      password: 'en helt ny og lang sætning',
      password_confirm: 'en helt ny og lang sætning',
    });
    assert.equal(changed.status, 303);
    assert.equal(changed.location, '/account');
    const account = await client.get('/account');
    assert.equal(account.status, 200, 'the session that changed it stays signed in');
    assert.match(textOf(account.text), /Din adgangskode er ændret/);

    const other = await elsewhere.get('/account');
    assert.equal(other.status, 303, 'the other session was ended');
    assert.match(other.location ?? '', /^\/login/);

    await new Client(app.url).login(email, 'en helt ny og lang sætning');
    const old = new Client(app.url);
    await old.get('/login');
    assert.equal((await old.post('/login', { email, password: DEMO_PASSWORD })).status, 401);

    await app.deliverMail();
    const notice = app.smtp.to(email).at(-1);
    assert.ok(notice, 'a notice mail arrived');
    assert.match(notice.subject, /Din adgangskode til Nærnet er ændret/);
  });

  it('stores a password set on the account page as argon2id at the production cost (64 MiB, t=3, p=4)', async () => {
    // Accounts made for tests carry a cheap hash (test/helpers/passwords.ts); what the real flow
    // writes must not.
    const email = 'ny-kode@glumsoe.example';
    addPerson(app, { email, name: 'Ny Kode', passwordHash: await testPasswordHash() });
    assert.doesNotMatch(userRow(app, email).password_hash ?? '', /m=65536/);
    const client = await loggedIn(app, email);
    await client.get('/account/password');
    const changed = await client.post('/account/password', {
      current_password: DEMO_PASSWORD,
      password: 'en anden lang og god sætning',
      password_confirm: 'en anden lang og god sætning',
    });
    assert.equal(changed.status, 303);
    const stored = userRow(app, email).password_hash ?? '';
    assert.match(stored, /^\$argon2id\$v=19\$/);
    assert.match(stored, /[$,]m=65536[,$]/, 'memory cost 64 MiB');
    assert.match(stored, /[$,]t=3[,$]/, 'three passes');
    assert.match(stored, /[$,]p=4[,$]/, 'four lanes');
  });

  it('enrols two-factor with a QR code and a typed secret, then asks for the code at login', async () => {
    const email = 'formand@glumsoe.example';
    const client = await loggedIn(app, email);
    const page = await client.get('/account/two-factor');
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.match(page.text, /<div class="qr-code"><svg role="img" aria-label="QR-kode[^"]*"/);
    assert.doesNotMatch(page.text, /Du skal slå totrinsbekræftelse til/, 'no pressure on a network person');
    const secret = secretOnPage(page);
    assert.equal(secretOnPage(await client.get('/account/two-factor')), secret, 'a reload keeps the secret');

    const wrongCode = await client.post('/account/two-factor', {
      code: await generate({ secret: generateSecret() }),
    });
    assert.equal(wrongCode.status, 422);
    assert.match(textOf(wrongCode.text), /Der er problemer.*Koden er forkert/);
    assert.equal(userRow(app, email).totp_enabled, 0);

    const done = await client.post('/account/two-factor', { code: await generate({ secret }) });
    assert.equal(done.status, 200);
    const codes = recoveryCodesOn(done);
    assert.equal(codes.length, 10);
    assert.match(textOf(done.text), /vises kun denne ene gang/);
    const row = userRow(app, email);
    assert.equal(row.totp_enabled, 1);
    const stored = app.deps.db
      .prepare<[number], string>('SELECT code_hash FROM recovery_codes WHERE user_id = ?')
      .pluck()
      .all(row.id);
    assert.equal(stored.length, 10);
    assert.ok(!stored.some((h) => codes.includes(h)), 'only hashes are stored');

    const status = await client.get('/account/two-factor');
    assert.match(textOf(status.text), /Totrinsbekræftelse er slået til\. Ubrugte gendannelseskoder: 10/);
    assert.doesNotMatch(status.text, /totp-secret/, 'the secret is not shown again');

    // The code that enrolled cannot be replayed; the next one (30 s later) is accepted, once.
    const enrolCode = await generate({ secret });
    const replayed = await loginWithSecondFactor(app, email, enrolCode);
    assert.equal(replayed.page.status, 401, 'the enrolment code cannot be used to log in');
    const nextCode = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const { client: second, page: answer } = await loginWithSecondFactor(app, email, nextCode);
    assert.equal(answer.status, 303);
    assert.equal((await second.get('/account')).status, 200);
    const again = await loginWithSecondFactor(app, email, nextCode);
    assert.equal(again.page.status, 401, 'a TOTP code works only once');

    const withRecovery = await loginWithSecondFactor(app, email, codes[0] as string);
    assert.equal(withRecovery.page.status, 303, 'a recovery code works');
    const reused = await loginWithSecondFactor(app, email, codes[0] as string);
    assert.equal(reused.page.status, 401, 'but only once');
    assert.equal(app.deps.users.unusedRecoveryCodeCount(row.id), 9);

    const wrongPassword = await client.post('/account/two-factor/disable', { password: 'not-my-password' });
    assert.equal(wrongPassword.status, 422);
    assert.match(textOf(wrongPassword.text), /Adgangskoden er forkert/);
    assert.equal(userRow(app, email).totp_enabled, 1);

    const off = await client.post('/account/two-factor/disable', { password: DEMO_PASSWORD });
    assert.equal(off.status, 303);
    assert.equal(off.location, '/account');
    assert.equal(userRow(app, email).totp_enabled, 0);
    assert.equal(userRow(app, email).totp_secret, null);
    await new Client(app.url).login(email); // no second step any more
  });

  it('makes new recovery codes that replace the old ones', async () => {
    const email = 'hal@glumsoe.example';
    const client = await loggedIn(app, email);
    const { codes: oldCodes, secret } = await enrolTwoFactor(client);
    await client.get('/account/two-factor');
    const refused = await client.post('/account/two-factor/recovery-codes', {
      recovery_password: 'wrong-one',
    });
    assert.equal(refused.status, 422);
    const fresh = await client.post('/account/two-factor/recovery-codes', {
      recovery_password: DEMO_PASSWORD,
    });
    assert.equal(fresh.status, 200);
    const newCodes = recoveryCodesOn(fresh);
    assert.equal(newCodes.length, 10);
    assert.equal((await loginWithSecondFactor(app, email, oldCodes[0] as string)).page.status, 401);
    assert.equal((await loginWithSecondFactor(app, email, newCodes[0] as string)).page.status, 303);
    assert.ok(secret.length > 0);
  });

  it('refuses every account POST without a _csrf token with 403', async () => {
    const client = await loggedIn(app, 'hal@glumsoe.example');
    await client.get('/account');
    const posts: [string, Record<string, string>][] = [
      ['/account', { name: 'Hal', phone: '', locale: 'da' }],
      [
        '/account/password',
        { current_password: DEMO_PASSWORD, password: 'x'.repeat(20), password_confirm: 'x' },
      ],
      ['/account/two-factor', { code: '123456' }],
      ['/account/two-factor/disable', { password: DEMO_PASSWORD }],
      ['/account/two-factor/recovery-codes', { recovery_password: DEMO_PASSWORD }],
    ];
    for (const [path, form] of posts) {
      const page = await client.post(path, { ...form, _csrf: '' });
      assert.equal(page.status, 403, `${path} without _csrf`);
    }
  });
});

describe('two-factor when it is required for officers and district admins', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ enforceTwoFactor: true });
  });
  after(() => app.close());

  it('sends an officer without two-factor to enrolment, explains why, and never lets them turn it off', async () => {
    const email = 'betjent@politi.example';
    const client = await loggedIn(app, email);
    const home = await client.get('/');
    assert.equal(home.status, 303);
    assert.equal(home.location, '/account/two-factor');
    assert.equal((await client.get('/account')).location, '/account/two-factor');

    const page = await client.get('/account/two-factor');
    assert.equal(page.status, 200);
    assert.match(textOf(page.text), /Du skal slå totrinsbekræftelse til/);
    assert.match(textOf(page.text), /netværksbetjent eller politikreds-administrator/);
    assert.match(page.text, /<div class="qr-code"><svg role="img"/);

    await enrolTwoFactor(client);
    assert.equal((await client.get('/')).status, 200, 'enrolled, the rest of Nærnet opens');

    const status = await client.get('/account/two-factor');
    assert.doesNotMatch(status.text, /action="\/account\/two-factor\/disable"/, 'no disable form is offered');
    assert.match(textOf(status.text), /kan ikke slås fra/);

    const refused = await client.post('/account/two-factor/disable', { password: DEMO_PASSWORD });
    assert.equal(refused.status, 403);
    assert.match(textOf(refused.text), /Der er problemer.*kan ikke slås fra, fordi din rolle/);
    assert.equal(userRow(app, email).totp_enabled, 1, 'two-factor is still on');
  });

  it('leaves a network person alone', async () => {
    const client = await loggedIn(app, 'hal@glumsoe.example');
    assert.equal((await client.get('/')).status, 200);
    assert.equal((await client.get('/account')).status, 200);
  });
});
