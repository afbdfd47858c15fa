import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_LIMITS, LoginThrottle } from '../../../src/auth/login-throttle.js';

const WINDOW = 15 * 60_000;

/** A throttle with its own clock that the test moves. */
function throttle(perAccount = 3, perIp = 5) {
  const clock = { now: 1_700_000_000_000 };
  const t = new LoginThrottle({ perAccount, perIp, windowMs: WINDOW }, () => clock.now);
  return { t, clock };
}

describe('LoginThrottle', () => {
  it('blocks an account after its limit of failures, from any address', () => {
    const { t } = throttle(3, 100);
    t.recordFailure('hal@glumsoe.example', '10.0.0.1');
    t.recordFailure('hal@glumsoe.example', '10.0.0.2');
    assert.equal(t.isBlocked('hal@glumsoe.example', '10.0.0.3'), false, 'two of three used');
    t.recordFailure('hal@glumsoe.example', '10.0.0.3');
    assert.equal(t.isBlocked('hal@glumsoe.example', '10.0.0.9'), true);
  });

  it('counts an account case-insensitively', () => {
    const { t } = throttle(2, 100);
    t.recordFailure('Hal@Glumsoe.example', '10.0.0.1');
    t.recordFailure('hal@glumsoe.EXAMPLE', '10.0.0.1');
    assert.equal(t.isBlocked('HAL@GLUMSOE.EXAMPLE', '10.0.0.2'), true);
  });

  it('does not block another account on the same address while the address is under its limit', () => {
    const { t } = throttle(3, 5);
    for (let i = 0; i < 3; i++) t.recordFailure('hal@glumsoe.example', '10.0.0.1');
    assert.equal(t.isBlocked('brugs@fladsaa.example', '10.0.0.1'), false);
  });

  it('blocks an address after its limit of failures, whatever account it tries', () => {
    const { t } = throttle(3, 5);
    for (let i = 0; i < 5; i++) t.recordFailure(`user${i}@example.dk`, '10.0.0.1');
    assert.equal(t.isBlocked('fresh@example.dk', '10.0.0.1'), true);
    assert.equal(t.isBlocked('fresh@example.dk', '10.0.0.2'), false, 'another address is not blocked');
  });

  it('forgets failures once they are older than the window', () => {
    const { t, clock } = throttle(3, 5);
    for (let i = 0; i < 3; i++) t.recordFailure('hal@glumsoe.example', '10.0.0.1');
    assert.equal(t.isBlocked('hal@glumsoe.example', '10.0.0.1'), true);
    clock.now += WINDOW - 1;
    assert.equal(t.isBlocked('hal@glumsoe.example', '10.0.0.1'), true, 'still inside the window');
    clock.now += 1;
    assert.equal(t.isBlocked('hal@glumsoe.example', '10.0.0.1'), false);
  });

  it('slides the window: only the failures inside it count', () => {
    const { t, clock } = throttle(3, 100);
    t.recordFailure('hal@glumsoe.example', '10.0.0.1');
    clock.now += 10 * 60_000;
    t.recordFailure('hal@glumsoe.example', '10.0.0.1');
    t.recordFailure('hal@glumsoe.example', '10.0.0.1');
    assert.equal(t.isBlocked('hal@glumsoe.example', '10.0.0.1'), true);
    clock.now += 5 * 60_000; // the first failure leaves the window
    assert.equal(t.isBlocked('hal@glumsoe.example', '10.0.0.1'), false);
    t.recordFailure('hal@glumsoe.example', '10.0.0.1');
    assert.equal(t.isBlocked('hal@glumsoe.example', '10.0.0.1'), true);
  });

  it("a successful login clears the account's count", () => {
    const { t } = throttle(3, 100);
    t.recordFailure('hal@glumsoe.example', '10.0.0.1');
    t.recordFailure('hal@glumsoe.example', '10.0.0.1');
    t.recordSuccess('HAL@glumsoe.example');
    t.recordFailure('hal@glumsoe.example', '10.0.0.1');
    t.recordFailure('hal@glumsoe.example', '10.0.0.1');
    assert.equal(t.isBlocked('hal@glumsoe.example', '10.0.0.1'), false);
  });

  it("a successful login does not clear the address's count", () => {
    const { t } = throttle(100, 3);
    t.recordFailure('a@example.dk', '10.0.0.1');
    t.recordFailure('b@example.dk', '10.0.0.1');
    t.recordFailure('c@example.dk', '10.0.0.1');
    t.recordSuccess('c@example.dk');
    assert.equal(t.isBlocked('c@example.dk', '10.0.0.1'), true);
  });

  it('defaults to 5 per account and 30 per address in 15 minutes', () => {
    assert.deepEqual(DEFAULT_LIMITS, { perAccount: 5, perIp: 30, windowMs: WINDOW });
    assert.equal(new LoginThrottle().windowMinutes, 15);
  });
});
