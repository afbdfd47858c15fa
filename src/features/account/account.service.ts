import type { RequestContext } from '../../audit/audit-log.js';
import { hashPassword, passwordProblem, verifyPassword } from '../../auth/passwords.js';
import { type Actor, policy } from '../../auth/policy.js';
import {
  hashRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  totpQrSvg,
  totpUri,
  verifyTotpStep,
} from '../../auth/totp.js';
import type { Preferences, UserRow } from '../../auth/users.repository.js';
import type { Core } from '../../core.js';
import { NotFoundError } from '../../errors.js';

export type AccountDeps = Pick<Core, 'db' | 'users' | 'sessionStore' | 'audit' | 'mailer' | 'now' | 'config'>;

/** Where a refused form goes wrong: the field and the i18n key of its message. */
export type FieldProblem = { field: string; messageKey: string };

/** The answer of a method whose form is refused at one field. */
export type Refused = { ok: false; problem: FieldProblem };

const refused = (problem: FieldProblem): Refused => ({ ok: false, problem });

export type AccountProfile = Pick<
  UserRow,
  | 'email'
  | 'name'
  | 'phone'
  | 'locale'
  | 'notify_concern_updates'
  | 'notify_newsletters'
  | 'notify_meetings'
  | 'notify_posts'
  | 'notify_concern_additions'
  | 'notify_shared_summaries'
> & { totpEnabled: boolean };

export type TwoFactorState = {
  enabled: boolean;
  /** Officers and district admins while enforcement is on: they must have it and cannot turn it off. */
  required: boolean;
  recoveryCodesLeft: number;
  /** Present while two-factor is off: what the authenticator app needs. */
  enrolment?: { secret: string; uri: string; qrSvg: string };
};

/**
 * The signed-in person's own account: profile and notification choices, password, two-factor.
 * Every method acts on the actor's own row only, so there is nobody else's data to guard; the
 * one rule with roles in it (who may turn two-factor off) comes from the policy.
 */
export class AccountService {
  constructor(private readonly deps: AccountDeps) {}

  private userOf(actor: Actor): UserRow {
    const user = this.deps.users.findById(actor.id);
    // Passport logs a deactivated user out on their next request; this covers the request in flight.
    if (user === undefined || user.status === 'deactivated' || user.status === 'invited') {
      throw new NotFoundError();
    }
    return user;
  }

  private at(): string {
    return this.deps.now().toISOString();
  }

  /** A mail to the owner about a change to how they sign in: if it was not them, they know at once. */
  private noticeToOwner(user: UserRow, kind: 'password_changed' | 'two_factor_disabled'): void {
    this.deps.mailer.queue({
      kind,
      to: user.email,
      locale: user.locale,
      subjectKey: `account.mail.${kind}.subject`,
      params: { name: user.name },
      paragraphKeys: ['mail.greeting', `account.mail.${kind}.body`, 'account.mail.not_you'],
    });
  }

  profile(actor: Actor): AccountProfile {
    const u = this.userOf(actor);
    return {
      email: u.email,
      name: u.name,
      phone: u.phone,
      locale: u.locale,
      notify_concern_updates: u.notify_concern_updates,
      notify_newsletters: u.notify_newsletters,
      notify_meetings: u.notify_meetings,
      notify_posts: u.notify_posts,
      notify_concern_additions: u.notify_concern_additions,
      notify_shared_summaries: u.notify_shared_summaries,
      totpEnabled: u.totp_enabled === 1,
    };
  }

  updatePreferences(actor: Actor, preferences: Preferences, ctx: RequestContext = {}): void {
    const { db, users, audit } = this.deps;
    const stored = this.userOf(actor);
    // A setting the form does not show (it belongs to a role the person does not hold) keeps its
    // value, so losing and regaining the role does not silently turn it off.
    const kept: Preferences = {
      ...preferences,
      notifyConcernAdditions: actor.isOfficer
        ? preferences.notifyConcernAdditions
        : stored.notify_concern_additions === 1,
      notifySharedSummaries:
        actor.memberships.length > 0
          ? preferences.notifySharedSummaries
          : stored.notify_shared_summaries === 1,
    };
    db.transaction(() => {
      users.updatePreferences(actor.id, kept, this.at());
      audit.record(actor, 'account.preferences_updated', actor.id, ctx, {
        locale: kept.locale,
        notifyConcernUpdates: kept.notifyConcernUpdates,
        notifyNewsletters: kept.notifyNewsletters,
        notifyMeetings: kept.notifyMeetings,
        notifyPosts: kept.notifyPosts,
        notifyConcernAdditions: kept.notifyConcernAdditions,
        notifySharedSummaries: kept.notifySharedSummaries,
      });
    })();
  }

  /**
   * Changes the password after checking the current one, then ends every other session of the
   * user (a thief who knew the old password is thrown out). The session the change was made
   * from, `keepSessionId`, stays signed in.
   */
  async changePassword(
    actor: Actor,
    input: { currentPassword: string; newPassword: string },
    keepSessionId: string,
    ctx: RequestContext = {},
  ): Promise<{ ok: true; endedSessions: number } | Refused> {
    const { db, users, audit, sessionStore } = this.deps;
    const user = this.userOf(actor);
    if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
      audit.record(actor, 'password.change_failed', actor.id, ctx);
      return refused({ field: 'current_password', messageKey: 'account.password.errors.current_wrong' });
    }
    if (input.newPassword === input.currentPassword) {
      return refused({ field: 'password', messageKey: 'account.password.errors.same' });
    }
    const weakness = passwordProblem(input.newPassword, { email: user.email, name: user.name });
    if (weakness) return refused({ field: 'password', messageKey: weakness });
    const hash = await hashPassword(input.newPassword);
    db.transaction(() => {
      users.setPassword(actor.id, hash, this.at());
      audit.record(actor, 'password.changed', actor.id, ctx);
      this.noticeToOwner(user, 'password_changed');
    })();
    const endedSessions = sessionStore.deleteForUser(actor.id, keepSessionId);
    return { ok: true, endedSessions };
  }

  /**
   * The two-factor status. While it is off, an enrolment secret is kept on the user row with
   * totp_enabled = 0 (login ignores it until enabled) and reused on every visit, so reloading the
   * page — or finishing on another device — does not invalidate a QR code already scanned.
   */
  async twoFactorState(actor: Actor): Promise<TwoFactorState> {
    const { users } = this.deps;
    const user = this.userOf(actor);
    const required = this.deps.config.enforceTwoFactor && policy.requiresTwoFactor(actor);
    if (user.totp_enabled === 1) {
      return { enabled: true, required, recoveryCodesLeft: users.unusedRecoveryCodeCount(actor.id) };
    }
    let secret = user.totp_secret;
    if (!secret) {
      secret = newTotpSecret();
      users.setTotp(actor.id, secret, false, this.at());
    }
    const uri = totpUri(secret, user.email);
    return {
      enabled: false,
      required,
      recoveryCodesLeft: 0,
      enrolment: { secret, uri, qrSvg: await totpQrSvg(uri) },
    };
  }

  /** Checks a code from the app against the pending secret, turns two-factor on, returns 10 recovery codes. */
  async enableTwoFactor(
    actor: Actor,
    code: string,
    ctx: RequestContext = {},
  ): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false; alreadyEnabled: true } | Refused> {
    const { db, users, audit } = this.deps;
    const user = this.userOf(actor);
    if (user.totp_enabled === 1) return { ok: false, alreadyEnabled: true };
    const step = user.totp_secret ? await verifyTotpStep(user.totp_secret, code) : null;
    if (!user.totp_secret || step === null) {
      return refused({ field: 'code', messageKey: 'account.two_factor.errors.code_invalid' });
    }
    const secret = user.totp_secret;
    const recoveryCodes = newRecoveryCodes();
    db.transaction(() => {
      users.setTotp(actor.id, secret, true, this.at());
      // The code used to enrol cannot be used again to log in.
      users.recordTotpStep(actor.id, step);
      users.replaceRecoveryCodes(actor.id, recoveryCodes.map(hashRecoveryCode));
      audit.record(actor, 'two_factor.enabled', actor.id, ctx);
    })();
    return { ok: true, recoveryCodes };
  }

  /**
   * Turns two-factor off after the password is confirmed. Refused for officers and district
   * admins while enforcement is on: they would only be sent straight back to enrol again.
   */
  async disableTwoFactor(
    actor: Actor,
    password: string,
    ctx: RequestContext = {},
  ): Promise<{ ok: true } | { ok: false; refused: 'required' | 'not_enabled' } | Refused> {
    const { db, users, audit, config } = this.deps;
    const user = this.userOf(actor);
    if (config.enforceTwoFactor && policy.requiresTwoFactor(actor)) {
      audit.record(actor, 'two_factor.disable_refused', actor.id, ctx);
      return { ok: false, refused: 'required' };
    }
    if (user.totp_enabled !== 1) return { ok: false, refused: 'not_enabled' };
    if (!(await verifyPassword(user.password_hash, password))) {
      return refused({ field: 'password', messageKey: 'account.two_factor.errors.password_wrong' });
    }
    db.transaction(() => {
      users.setTotp(actor.id, null, false, this.at());
      users.replaceRecoveryCodes(actor.id, []);
      audit.record(actor, 'two_factor.disabled', actor.id, ctx);
      this.noticeToOwner(user, 'two_factor_disabled');
    })();
    return { ok: true };
  }

  /** New recovery codes (the old ones stop working), after the password is confirmed. */
  async regenerateRecoveryCodes(
    actor: Actor,
    password: string,
    ctx: RequestContext = {},
  ): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false; refused: 'not_enabled' } | Refused> {
    const { db, users, audit } = this.deps;
    const user = this.userOf(actor);
    if (user.totp_enabled !== 1) return { ok: false, refused: 'not_enabled' };
    if (!(await verifyPassword(user.password_hash, password))) {
      return refused({ field: 'recovery_password', messageKey: 'account.two_factor.errors.password_wrong' });
    }
    const recoveryCodes = newRecoveryCodes();
    db.transaction(() => {
      users.replaceRecoveryCodes(actor.id, recoveryCodes.map(hashRecoveryCode));
      audit.record(actor, 'two_factor.recovery_codes_replaced', actor.id, ctx);
    })();
    return { ok: true, recoveryCodes };
  }
}
