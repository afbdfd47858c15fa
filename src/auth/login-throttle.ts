import { createHmac } from 'node:crypto';
import type { LoginFailuresRepository } from './login-failures.repository.js';

/**
 * Limits on failed sign-in attempts, each counted over the last `windowMs` (docs/domain.md#sign-in-limits):
 * - `untrusted`: failures for one account from clients without a valid device cookie for it;
 *   at the limit, such clients are refused for that account — browsers that have signed in to it
 *   before are not;
 * - `perDevice`: failures from one browser with a valid device cookie for the account; at the
 *   limit, that browser is refused for the account;
 * - `perIp`: failures from one address by clients without a device cookie for the account they
 *   try, whatever the account (password spraying).
 */
export type ThrottleLimits = { untrusted: number; perDevice: number; perIp: number; windowMs: number };

export const DEFAULT_LIMITS: ThrottleLimits = {
  untrusted: 5,
  perDevice: 10,
  perIp: 30,
  windowMs: 15 * 60_000,
};

/**
 * One attempt: the account as typed (known or not: both lock alike), the nonce of a device cookie
 * that is valid for that account (device-cookie.ts) or none, and the client's address.
 */
export type Attempt = { email: string; device?: string | undefined; ip: string };

/** What refuses an attempt: its browser's budget, the account's budget for untrusted clients, or its address's. */
export type Lock = 'device' | 'account' | 'ip';

/**
 * Counts failed sign-ins in a sliding window, in the database (login_failures), so a restart does
 * not hand whoever is guessing a fresh budget. Accounts and addresses are stored only as HMACs
 * under a key from SESSION_SECRET.
 */
export class LoginThrottle {
  constructor(
    private readonly failures: LoginFailuresRepository,
    private readonly secret: string,
    private readonly limits: ThrottleLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  private key(kind: 'account' | 'ip', value: string): string {
    return createHmac('sha256', this.secret).update(`login-throttle:${kind}:${value}`).digest('base64url');
  }

  private accountKey(email: string): string {
    return this.key('account', email.trim().toLowerCase());
  }

  private since(): string {
    return new Date(this.now() - this.limits.windowMs).toISOString();
  }

  /** The lock that refuses this attempt, or null when it may be checked. */
  lockOf(attempt: Attempt): Lock | null {
    const since = this.since();
    if (attempt.device) {
      return this.failures.forDeviceSince(attempt.device, since) >= this.limits.perDevice ? 'device' : null;
    }
    if (
      this.failures.untrustedForAccountSince(this.accountKey(attempt.email), since) >= this.limits.untrusted
    ) {
      return 'account';
    }
    if (this.failures.untrustedFromIpSince(this.key('ip', attempt.ip), since) >= this.limits.perIp)
      return 'ip';
    return null;
  }

  /** Counts a failure; answers the lock it starts (the one that refuses the next such attempt), if any. */
  recordFailure(attempt: Attempt): Lock | null {
    const at = this.now();
    this.failures.add(
      {
        at: new Date(at).toISOString(),
        accountKey: this.accountKey(attempt.email),
        device: attempt.device ?? null,
        ipKey: this.key('ip', attempt.ip),
      },
      this.since(),
    );
    return this.lockOf(attempt);
  }

  /**
   * The right password clears what counted against the way it came: its browser's failures, or
   * the account's failures from untrusted clients. Never the address's: one right password must
   * not open the address for more guessing at other accounts.
   */
  recordSuccess(attempt: Attempt): void {
    if (attempt.device) this.failures.clearDevice(attempt.device);
    else this.failures.clearUntrusted(this.accountKey(attempt.email));
  }

  /** A completed password reset: every lock on the account goes, its browsers' and the untrusted one. */
  unlockAccount(email: string): void {
    this.failures.clearAccount(this.accountKey(email));
  }

  get windowMinutes(): number {
    return Math.round(this.limits.windowMs / 60_000);
  }
}
