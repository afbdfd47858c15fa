import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { DeviceCookies } from '../../../src/auth/device-cookie.js';
import { LoginFailuresRepository } from '../../../src/auth/login-failures.repository.js';
import { DEFAULT_LIMITS, LoginThrottle, type ThrottleLimits } from '../../../src/auth/login-throttle.js';
import { type Db, openDatabase } from '../../../src/db/connection.js';
import { migrate } from '../../../src/db/migrate.js';

const WINDOW = 15 * 60_000;
const root = mkdtempSync(path.join(tmpdir(), 'naernet-throttle-'));
const dbs: Db[] = [];
after(() => {
  for (const db of dbs) db.close();
  rmSync(root, { recursive: true, force: true });
});

/** A throttle on its own migrated SQLite file, with a clock the test moves. */
function throttle(limits: Partial<ThrottleLimits> = {}) {
  const db = openDatabase(path.join(root, `t${dbs.length}.db`));
  dbs.push(db);
  migrate(db);
  const clock = { now: 1_700_000_000_000 };
  const t = new LoginThrottle(
    new LoginFailuresRepository(db),
    'test-secret',
    { untrusted: 3, perDevice: 4, perIp: 100, windowMs: WINDOW, ...limits },
    () => clock.now,
  );
  return { t, clock, db };
}

const hal = (ip = '10.0.0.1', device?: string) => ({ email: 'hal@glumsoe.example', ip, device });

describe('LoginThrottle', () => {
  it('locks an account for untrusted clients after its limit of failures, from any address', () => {
    const { t } = throttle();
    t.recordFailure(hal('10.0.0.1'));
    t.recordFailure(hal('10.0.0.2'));
    assert.equal(t.lockOf(hal('10.0.0.3')), null, 'two of three used');
    assert.equal(t.recordFailure(hal('10.0.0.3')), 'account', 'the third failure starts the lock');
    assert.equal(t.lockOf(hal('10.0.0.9')), 'account');
  });

  it('lets a browser with a device cookie for the account in while untrusted clients are locked out', () => {
    const { t } = throttle();
    for (let i = 0; i < 5; i++) t.recordFailure(hal());
    assert.equal(t.lockOf(hal()), 'account');
    assert.equal(t.lockOf(hal('10.0.0.1', 'owners-device')), null);
  });

  it("counts a device's failures against that device only, and locks just that device", () => {
    const { t } = throttle();
    for (let i = 0; i < 3; i++) t.recordFailure(hal('10.0.0.1', 'device-a'));
    assert.equal(t.lockOf(hal()), null, 'untrusted clients are not locked by a device');
    assert.equal(t.recordFailure(hal('10.0.0.1', 'device-a')), 'device');
    assert.equal(t.lockOf(hal('10.0.0.1', 'device-a')), 'device');
    assert.equal(t.lockOf(hal('10.0.0.1', 'device-b')), null, "the account's other browser is not");
    assert.equal(t.lockOf(hal()), null);
  });

  it('counts an account case-insensitively, and an unknown address exactly like a known one', () => {
    const { t } = throttle({ untrusted: 2 });
    t.recordFailure({ email: 'Hal@Glumsoe.example', ip: '10.0.0.1' });
    t.recordFailure({ email: 'hal@glumsoe.EXAMPLE ', ip: '10.0.0.1' });
    assert.equal(t.lockOf({ email: 'HAL@GLUMSOE.EXAMPLE', ip: '10.0.0.2' }), 'account');
    t.recordFailure({ email: 'nobody@example.dk', ip: '10.0.0.1' });
    t.recordFailure({ email: 'nobody@example.dk', ip: '10.0.0.1' });
    assert.equal(t.lockOf({ email: 'nobody@example.dk', ip: '10.0.0.2' }), 'account');
  });

  it('blocks an address after its limit of untrusted failures, whatever account it tries, but not a known browser', () => {
    const { t } = throttle({ untrusted: 3, perIp: 5 });
    for (let i = 0; i < 5; i++) t.recordFailure({ email: `user${i}@example.dk`, ip: '10.0.0.1' });
    assert.equal(t.lockOf({ email: 'fresh@example.dk', ip: '10.0.0.1' }), 'ip');
    assert.equal(
      t.lockOf({ email: 'fresh@example.dk', ip: '10.0.0.2' }),
      null,
      'another address is not blocked',
    );
    assert.equal(t.lockOf({ email: 'fresh@example.dk', ip: '10.0.0.1', device: 'known' }), null);
  });

  it('forgets failures once they are older than the window, and slides it', () => {
    const { t, clock } = throttle();
    t.recordFailure(hal());
    clock.now += 10 * 60_000;
    t.recordFailure(hal());
    t.recordFailure(hal());
    assert.equal(t.lockOf(hal()), 'account');
    clock.now += 5 * 60_000 - 1;
    assert.equal(t.lockOf(hal()), 'account', 'still inside the window');
    clock.now += 1; // the first failure leaves the window
    assert.equal(t.lockOf(hal()), null);
    t.recordFailure(hal());
    assert.equal(t.lockOf(hal()), 'account');
  });

  it('keeps no row older than the window once the next failure is written', () => {
    const { t, clock, db } = throttle();
    t.recordFailure(hal());
    t.recordFailure(hal('10.0.0.1', 'device-a'));
    clock.now += WINDOW;
    t.recordFailure({ email: 'brugs@fladsaa.example', ip: '10.0.0.2' });
    assert.equal(db.prepare('SELECT count(*) FROM login_failures').pluck().get(), 1);
  });

  it('stores neither the address typed nor the IP address', () => {
    const { t, db } = throttle();
    t.recordFailure(hal('203.0.113.9'));
    const row = JSON.stringify(db.prepare('SELECT * FROM login_failures').all());
    assert.doesNotMatch(row, /hal|glumsoe|203\.0\.113/i);
  });

  it('a sign-in clears what counted against its own way in: the untrusted count or its device', () => {
    const { t } = throttle();
    t.recordFailure(hal());
    t.recordFailure(hal());
    t.recordSuccess(hal());
    t.recordFailure(hal());
    t.recordFailure(hal());
    assert.equal(t.lockOf(hal()), null);
    for (let i = 0; i < 4; i++) t.recordFailure(hal('10.0.0.1', 'device-a'));
    t.recordSuccess(hal('10.0.0.1', 'device-b'));
    assert.equal(
      t.lockOf(hal('10.0.0.1', 'device-a')),
      'device',
      "another device's sign-in does not unlock it",
    );
  });

  it("a sign-in does not clear the address's count", () => {
    const { t } = throttle({ untrusted: 100, perIp: 3 });
    t.recordFailure({ email: 'a@example.dk', ip: '10.0.0.1' });
    t.recordFailure({ email: 'b@example.dk', ip: '10.0.0.1' });
    t.recordFailure({ email: 'c@example.dk', ip: '10.0.0.1' });
    t.recordSuccess({ email: 'c@example.dk', ip: '10.0.0.1' });
    assert.equal(t.lockOf({ email: 'c@example.dk', ip: '10.0.0.1' }), 'ip');
  });

  it("unlocking the account (a password reset) lifts the untrusted lock and every device's lock", () => {
    const { t } = throttle();
    for (let i = 0; i < 3; i++) t.recordFailure(hal());
    for (let i = 0; i < 4; i++) t.recordFailure(hal('10.0.0.1', 'device-a'));
    t.recordFailure({ email: 'brugs@fladsaa.example', ip: '10.0.0.2' });
    t.unlockAccount('HAL@glumsoe.example');
    assert.equal(t.lockOf(hal()), null);
    assert.equal(t.lockOf(hal('10.0.0.1', 'device-a')), null);
    t.recordFailure({ email: 'brugs@fladsaa.example', ip: '10.0.0.2' });
    t.recordFailure({ email: 'brugs@fladsaa.example', ip: '10.0.0.2' });
    assert.equal(
      t.lockOf({ email: 'brugs@fladsaa.example', ip: '10.0.0.3' }),
      'account',
      'other accounts keep theirs',
    );
  });

  it('defaults to 5 untrusted, 10 per device and 30 per address in 15 minutes', () => {
    assert.deepEqual(DEFAULT_LIMITS, { untrusted: 5, perDevice: 10, perIp: 30, windowMs: WINDOW });
  });
});

describe('DeviceCookies', () => {
  const devices = new DeviceCookies('test-secret');

  it('accepts its own cookie for the account it was issued to, and names the device', () => {
    const cookie = devices.issue(7);
    const device = devices.deviceFor(cookie, 7);
    assert.ok(device);
    assert.notEqual(devices.deviceFor(devices.issue(7), 7), device, 'each sign-in gets its own nonce');
  });

  it('refuses a cookie for another account, a forged or altered one, and one signed under another secret', () => {
    const cookie = devices.issue(7);
    assert.equal(devices.deviceFor(cookie, 8), undefined);
    const [, nonce, mac] = cookie.split('.');
    assert.equal(devices.deviceFor(`8.${nonce}.${mac}`, 8), undefined);
    assert.equal(
      devices.deviceFor(`${cookie.slice(0, -1)}${cookie.endsWith('A') ? 'B' : 'A'}`, 7),
      undefined,
    );
    assert.equal(new DeviceCookies('other-secret').deviceFor(cookie, 7), undefined);
    assert.equal(devices.deviceFor(undefined, 7), undefined);
    assert.equal(devices.deviceFor('7', 7), undefined);
  });

  it('does not carry the address: only the user id, a nonce and the signature', () => {
    assert.match(devices.issue(7), /^7\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{32}$/);
  });
});
