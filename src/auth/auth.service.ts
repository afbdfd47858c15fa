import { TooManyRequestsError } from '../errors.js';
import type { DeviceCookies } from './device-cookie.js';
import type { Attempt, Lock, LoginThrottle } from './login-throttle.js';
import { type LinkMailDeps, setPasswordThroughLink } from './password-links.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';
import { hashRecoveryCode, verifyTotpStep } from './totp.js';

export const PASSWORD_RESET_HOURS = 1;

/** At most this many reset mails per address per hour, so the form cannot flood a mailbox. */
export const RESET_MAILS_PER_HOUR = 3;

/** A council a closed account belonged to, and its council admins to ask (none: ask the district). */
export type ClosedAccountCouncil = { name: string; admins: { name: string; email: string }[] };

/**
 * `deviceCookie`: the new value of the browser's device cookie (device-cookie.ts), set on sign-in.
 * `closed`: the right password of a deactivated account, with whom the person can ask.
 */
export type LoginOutcome =
  | { result: 'signed_in'; userId: number; deviceCookie: string }
  | { result: 'second_factor'; userId: number }
  | { result: 'closed'; councils: ClosedAccountCouncil[] }
  | { result: 'invalid' };

export type SecondFactorOutcome = { ok: true; deviceCookie: string } | { ok: false };

export type AuthDeps = LinkMailDeps & { throttle: LoginThrottle; devices: DeviceCookies };

/**
 * Logging in, the second factor, and forgotten passwords. Never sees req/res: the route hands in
 * the browser's device cookie as it came and sets the one a sign-in answers.
 */
export class AuthService {
  constructor(private readonly deps: AuthDeps) {}

  /** The attempt as the throttle sees it: the device counts only when its cookie is genuine and for this account. */
  private attemptOf(email: string, userId: number | undefined, deviceCookie: string | undefined, ip: string) {
    const device = userId === undefined ? undefined : this.deps.devices.deviceFor(deviceCookie, userId);
    return { email, device, ip } satisfies Attempt;
  }

  /** Refuses a locked attempt before any password is checked (429, the same for every account). */
  private refuseIfLocked(attempt: Attempt, userId: number | null): void {
    if (!this.deps.throttle.lockOf(attempt)) return;
    this.deps.audit.record(null, 'login.blocked', userId, { ip: attempt.ip });
    throw new TooManyRequestsError('login.errors.too_many');
  }

  /** Counts a failure; the lock it starts, if any, is recorded once (never the address typed). */
  private countFailure(attempt: Attempt, userId: number | null): void {
    const started: Lock | null = this.deps.throttle.recordFailure(attempt);
    if (started === 'account') this.deps.audit.record(null, 'login.locked', userId, { ip: attempt.ip });
    if (started === 'device') this.deps.audit.record(null, 'login.device_locked', userId, { ip: attempt.ip });
  }

  /**
   * Same answer, and about the same time, for an unknown email, a wrong password and a
   * not-yet-activated account: an unknown address is counted and locked exactly like a known one,
   * and a dummy hash is verified. A deactivated account is told that its access is closed, and
   * whom to ask, only after its own password: with any other it is a wrong password like the rest.
   * Either way it does not sign in, so it counts as a failure.
   */
  async login(email: string, password: string, ip: string, deviceCookie?: string): Promise<LoginOutcome> {
    const { users, audit } = this.deps;
    const user = users.findByEmail(email);
    const attempt = this.attemptOf(email, user?.id, deviceCookie, ip);
    this.refuseIfLocked(attempt, user?.id ?? null);
    const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password);
    if (!user || !ok || user.status !== 'active' || !user.password_hash) {
      audit.record(user ?? null, 'login.failed', user?.id ?? null, { ip });
      this.countFailure(attempt, user?.id ?? null);
      if (user?.status === 'deactivated' && user.password_hash && ok) {
        return { result: 'closed', councils: this.closedAccountCouncils(user.id) };
      }
      return { result: 'invalid' };
    }
    // Failures are cleared only once the person is fully signed in: clearing them at the right
    // password would give whoever has it unlimited guesses at the second factor.
    if (user.totp_enabled === 1) return { result: 'second_factor', userId: user.id };
    return { result: 'signed_in', userId: user.id, deviceCookie: this.completeSignIn(attempt, user.id) };
  }

  private closedAccountCouncils(userId: number): ClosedAccountCouncil[] {
    const councils = new Map<number, ClosedAccountCouncil>();
    for (const row of this.deps.users.closedAccountContacts(userId)) {
      const council = councils.get(row.councilId) ?? { name: row.councilName, admins: [] };
      if (row.adminName !== null && row.adminEmail !== null) {
        council.admins.push({ name: row.adminName, email: row.adminEmail });
      }
      councils.set(row.councilId, council);
    }
    return [...councils.values()];
  }

  /** A TOTP code or an unused recovery code; counts against the same limits as passwords. */
  async verifySecondFactor(
    userId: number,
    code: string,
    ip: string,
    deviceCookie?: string,
  ): Promise<SecondFactorOutcome> {
    const { users, audit } = this.deps;
    const user = users.findById(userId);
    if (user?.status !== 'active' || user.totp_enabled !== 1 || !user.totp_secret) return { ok: false };
    const attempt = this.attemptOf(user.email, user.id, deviceCookie, ip);
    this.refuseIfLocked(attempt, user.id);
    const step = await verifyTotpStep(user.totp_secret, code, {
      afterTimeStep: user.totp_last_time_step,
      now: this.deps.now(),
    });
    const ok =
      (step !== null && users.recordTotpStep(user.id, step)) ||
      users.useRecoveryCode(user.id, hashRecoveryCode(code), this.deps.now().toISOString());
    if (!ok) {
      audit.record(user, 'login.second_factor_failed', user.id, { ip });
      this.countFailure(attempt, user.id);
      return { ok: false };
    }
    return { ok: true, deviceCookie: this.completeSignIn(attempt, user.id) };
  }

  /** Clears what the attempt's way in had counted and answers the browser's new device cookie. */
  private completeSignIn(attempt: Attempt, userId: number): string {
    this.deps.throttle.recordSuccess(attempt);
    this.deps.users.recordLogin(userId, this.deps.now().toISOString());
    this.deps.audit.record({ id: userId }, 'login.succeeded', userId, { ip: attempt.ip });
    return this.deps.devices.issue(userId);
  }

  recordLogout(userId: number, ip: string): void {
    this.deps.audit.record({ id: userId }, 'logout', userId, { ip });
  }

  /**
   * Mails a single-use link valid for an hour — only to an active account, and at most
   * RESET_MAILS_PER_HOUR times an hour (counted from the links sent, in the same transaction, so
   * requests at the same moment cannot all pass). The page says the same thing in every case so
   * the form reveals neither who has an account nor that the limit was reached.
   */
  requestPasswordReset(email: string, ip: string): void {
    const { db, users, tokens, mailer, audit, now } = this.deps;
    const user = users.findByEmail(email);
    if (user?.status !== 'active') return;
    db.transaction(() => {
      const at = now();
      const hourAgo = new Date(at.getTime() - 3_600_000).toISOString();
      if (tokens.countIssuedSince(user.id, 'password_reset', hourAgo) >= RESET_MAILS_PER_HOUR) {
        audit.record(null, 'password.reset_limited', user.id, { ip });
        return;
      }
      const expires = new Date(at.getTime() + PASSWORD_RESET_HOURS * 3_600_000).toISOString();
      const token = tokens.issue(user.id, 'password_reset', expires, at.toISOString());
      mailer.queue({
        kind: 'password_reset',
        to: user.email,
        locale: user.locale,
        subjectKey: 'mail.password_reset.subject',
        params: { name: user.name, hours: PASSWORD_RESET_HOURS },
        paragraphKeys: ['mail.greeting', 'mail.password_reset.body', 'mail.password_reset.ignore'],
        action: {
          labelKey: 'mail.password_reset.action',
          url: `${this.deps.baseUrl()}/password/reset/${token}`,
        },
      });
      audit.record(user, 'password.reset_requested', user.id, { ip });
    })();
  }

  /** True when the link can still be used (shown before the form). */
  isResetLinkValid(token: string): boolean {
    return this.deps.tokens.findValid(token, 'password_reset', this.deps.now().toISOString()) !== undefined;
  }

  /**
   * Sets the new password, uses up the link, lifts every sign-in lock on the account (the person
   * has proved they read its mail) and ends the user's sessions.
   * Returns an i18n key for the `password` field when the password is refused, or 'invalid_link'.
   */
  async resetPassword(
    token: string,
    password: string,
    endSessions: (userId: number) => void,
  ): Promise<{ ok: true } | { ok: false; problem: string }> {
    const result = await setPasswordThroughLink(
      this.deps,
      { token, purpose: 'password_reset', password, auditAction: 'password.reset' },
      (user, hash, at) => {
        this.deps.users.setPassword(user.id, hash, at);
        this.deps.throttle.unlockAccount(user.email);
      },
    );
    if (!result.ok) return result;
    endSessions(result.user.id);
    return { ok: true };
  }
}
