import { TooManyRequestsError } from '../errors.js';
import type { LoginThrottle } from './login-throttle.js';
import { type LinkMailDeps, setPasswordThroughLink } from './password-links.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';
import { hashRecoveryCode, verifyTotpStep } from './totp.js';

export const PASSWORD_RESET_HOURS = 1;

export type LoginOutcome =
  | { result: 'signed_in'; userId: number }
  | { result: 'second_factor'; userId: number }
  | { result: 'invalid' };

/** Logging in, the second factor, and forgotten passwords. Never sees req/res. */
export class AuthService {
  constructor(private readonly deps: LinkMailDeps & { throttle: LoginThrottle }) {}

  /**
   * Same answer, and about the same time, for an unknown email, a wrong password and a
   * deactivated or not-yet-activated account.
   */
  async login(email: string, password: string, ip: string): Promise<LoginOutcome> {
    const { users, throttle, audit } = this.deps;
    if (throttle.isBlocked(email, ip)) {
      audit.record(null, 'login.blocked', null, { ip }, { email });
      throw new TooManyRequestsError('login.errors.too_many');
    }
    const user = users.findByEmail(email);
    const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password);
    if (!user || !ok || user.status !== 'active' || !user.password_hash) {
      throttle.recordFailure(email, ip);
      audit.record(user ?? null, 'login.failed', user?.id ?? null, { ip });
      return { result: 'invalid' };
    }
    throttle.recordSuccess(email);
    if (user.totp_enabled === 1) return { result: 'second_factor', userId: user.id };
    this.recordSignIn(user.id, ip);
    return { result: 'signed_in', userId: user.id };
  }

  /** A TOTP code or an unused recovery code; counts against the same throttle as passwords. */
  async verifySecondFactor(userId: number, code: string, ip: string): Promise<boolean> {
    const { users, throttle, audit } = this.deps;
    const user = users.findById(userId);
    if (user?.status !== 'active' || user.totp_enabled !== 1 || !user.totp_secret) return false;
    if (throttle.isBlocked(user.email, ip)) throw new TooManyRequestsError('login.errors.too_many');
    const step = await verifyTotpStep(user.totp_secret, code, {
      afterTimeStep: user.totp_last_time_step,
      now: this.deps.now(),
    });
    const ok =
      (step !== null && users.recordTotpStep(user.id, step)) ||
      users.useRecoveryCode(user.id, hashRecoveryCode(code), this.deps.now().toISOString());
    if (!ok) {
      throttle.recordFailure(user.email, ip);
      audit.record(user, 'login.second_factor_failed', user.id, { ip });
      return false;
    }
    throttle.recordSuccess(user.email);
    this.recordSignIn(user.id, ip);
    return true;
  }

  private recordSignIn(userId: number, ip: string): void {
    this.deps.users.recordLogin(userId, this.deps.now().toISOString());
    this.deps.audit.record({ id: userId }, 'login.succeeded', userId, { ip });
  }

  recordLogout(userId: number, ip: string): void {
    this.deps.audit.record({ id: userId }, 'logout', userId, { ip });
  }

  /**
   * Mails a single-use link valid for an hour — only to an active account; the page says the
   * same thing either way so the form does not reveal who has an account.
   */
  requestPasswordReset(email: string, ip: string): void {
    const { db, users, tokens, mailer, audit, now } = this.deps;
    const user = users.findByEmail(email);
    if (user?.status !== 'active') return;
    db.transaction(() => {
      const at = now();
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
   * Sets the new password, uses up the link and ends the user's other sessions.
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
      (user, hash, at) => this.deps.users.setPassword(user.id, hash, at),
    );
    if (!result.ok) return result;
    endSessions(result.user.id);
    return { ok: true };
  }
}
