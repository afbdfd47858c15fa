import type { Db } from '../db/connection.js';

/** One failed attempt as stored: keys are HMACs (login-throttle.ts), never an address. */
export type LoginFailure = { at: string; accountKey: string; device: string | null; ipKey: string };

/** The failed sign-in attempts of the last window (migration 0025). */
export class LoginFailuresRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      insert: db.prepare<LoginFailure>(
        'INSERT INTO login_failures (at, account_key, device, ip_key) VALUES (@at, @accountKey, @device, @ipKey)',
      ),
      pruneBefore: db.prepare<[string]>('DELETE FROM login_failures WHERE at <= ?'),
      untrustedForAccount: db
        .prepare<[string, string], number>(
          'SELECT count(*) FROM login_failures WHERE account_key = ? AND device IS NULL AND cleared = 0 AND at > ?',
        )
        .pluck(),
      forDevice: db
        .prepare<[string, string], number>(
          'SELECT count(*) FROM login_failures WHERE device = ? AND cleared = 0 AND at > ?',
        )
        .pluck(),
      untrustedFromIp: db
        .prepare<[string, string], number>(
          'SELECT count(*) FROM login_failures WHERE ip_key = ? AND device IS NULL AND at > ?',
        )
        .pluck(),
      // Cleared, not deleted: an untrusted failure still counts for its address until it ages out.
      clearUntrusted: db.prepare<[string]>(
        'UPDATE login_failures SET cleared = 1 WHERE account_key = ? AND device IS NULL AND cleared = 0',
      ),
      clearDevice: db.prepare<[string]>(
        'UPDATE login_failures SET cleared = 1 WHERE device = ? AND cleared = 0',
      ),
      clearAccount: db.prepare<[string]>(
        'UPDATE login_failures SET cleared = 1 WHERE account_key = ? AND cleared = 0',
      ),
    };
  }

  /** Records a failure and forgets those at or before `forgetBefore`, which no limit counts any more. */
  add(failure: LoginFailure, forgetBefore: string): void {
    this.s.pruneBefore.run(forgetBefore);
    this.s.insert.run(failure);
  }

  untrustedForAccountSince(accountKey: string, since: string): number {
    return this.s.untrustedForAccount.get(accountKey, since) ?? 0;
  }

  forDeviceSince(device: string, since: string): number {
    return this.s.forDevice.get(device, since) ?? 0;
  }

  untrustedFromIpSince(ipKey: string, since: string): number {
    return this.s.untrustedFromIp.get(ipKey, since) ?? 0;
  }

  clearUntrusted(accountKey: string): void {
    this.s.clearUntrusted.run(accountKey);
  }

  clearDevice(device: string): void {
    this.s.clearDevice.run(device);
  }

  /** Every failure naming the account: from untrusted clients and from its devices. */
  clearAccount(accountKey: string): void {
    this.s.clearAccount.run(accountKey);
  }
}
